import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VectorTile } from '@mapbox/vector-tile';
import fc from 'fast-check';
import { PbfReader } from 'pbf';
import { io as connect } from 'socket.io-client';
import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import type { TileInvalidation } from '../../contracts/realtime';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { CATALOG_BY_ID } from '../../geo/catalog/layers';
import { TILE_EXTENT, TILE_LAYERS_BY_ID, tileFraction, tilesDrawingPoint } from '../../geo/tiles';
import { freshScene, offset, placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, freshIp, login, type IdentityTestApp } from '../support/identity';
import type { WallSocket } from '../support/realtime';

/**
 * Live vector-tile layers (incidents, units): readable under the policy's layer rights, never cached stale, and
 * announced over Socket.IO as the exact tiles an incident or unit change touches.
 */
let t: IdentityTestApp;
let server: Server;
let realtime: Realtime;
let url: string;
let commanderCookie: string;
let plannerCookie: string;
const sockets: WallSocket[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = createServer(t.app);
  realtime = attachRealtime(server, t.deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const c = await createAccount(t.db, { role: 'commander' });
  commanderCookie = await login(t.app, c.username, c.password);
  const p = await createAccount(t.db, { role: 'planner' });
  plannerCookie = await login(t.app, p.username, p.password);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.state.command.ingest.flush();
  await t.state.command.avl.flush();
  await realtime.close();
  server.closeAllConnections();
  server.close();
  await t.close();
});

const incidents = TILE_LAYERS_BY_ID.get('incidents')!;
/** The tile of central Harbin (Songhua river bank by 中央大街) at zoom z. */
const harbin = (z: number) => {
  const f = tileFraction(126.6177, 45.7786, z);
  return `${z}/${Math.floor(f.x)}/${Math.floor(f.y)}`;
};
const units = TILE_LAYERS_BY_ID.get('units')!;

function featuresOf(body: Buffer | undefined, layer: string) {
  if (!body || body.length === 0) return [];
  const l = new VectorTile(new PbfReader(body)).layers[layer];
  return l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
}

async function tile(layer: string, id: string, cookie = commanderCookie) {
  return request(t.app)
    .get(`/tiles/${layer}/${id}.mvt`)
    .set('Cookie', cookie)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

/** A socket of the given session that joined a tile layer and collects its invalidations. */
async function subscriber(cookie: string, layer: string): Promise<{ updates: TileInvalidation[] }> {
  const socket: WallSocket = connect(url, { transports: ['websocket'], extraHeaders: { cookie, 'x-forwarded-for': freshIp() } });
  sockets.push(socket);
  const updates: TileInvalidation[] = [];
  socket.on('tiles:invalidate', (u) => updates.push(u));
  const ack = await new Promise<unknown>((resolve) => socket.emit('layer:subscribe', { layer }, resolve));
  expect(ack).toMatchObject({ ok: true });
  return { updates };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('which tiles draw a point', () => {
  it('agrees with PostGIS: each tile returned has the point inside its buffered envelope, none left out', async () => {
    // Points across Harbin, half of them pushed onto a tile edge at some zoom, where the neighbours matter.
    const points = fc.sample(
      fc.record({
        lon: fc.double({ min: 126.3, max: 127.0, noNaN: true }),
        lat: fc.double({ min: 45.5, max: 46.0, noNaN: true }),
      }),
      { numRuns: 40, seed: 7 },
    );
    for (const p of points) {
      const claimed = new Set(tilesDrawingPoint(incidents, p.lon, p.lat));
      for (let z = incidents.minzoom; z <= incidents.maxzoom; z++) {
        // The 3×3 block around the tile PostGIS itself says holds the point: each candidate is in or out by the
        // database's own tile envelopes with the layer's buffer.
        const rows = await t.db.query<{ x: number; y: number; draws: boolean }>(
          `WITH home AS (
             SELECT floor((ST_X(m) + 20037508.342789244) / (40075016.68557849 / 2 ^ $1))::int AS hx,
                    floor((20037508.342789244 - ST_Y(m)) / (40075016.68557849 / 2 ^ $1))::int AS hy, m
               FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4326), 3857) AS m) q)
           SELECT hx + dx AS x, hy + dy AS y,
                  ST_Intersects(ST_TileEnvelope($1::int, hx + dx, hy + dy, margin => $4::float8), m) AS draws
             FROM home, generate_series(-1, 1) dx, generate_series(-1, 1) dy`,
          [z, p.lon, p.lat, incidents.buffer / TILE_EXTENT],
        );
        for (const r of rows)
          expect([`${z}/${r.x}/${r.y}`, claimed.has(`${z}/${r.x}/${r.y}`)]).toEqual([`${z}/${r.x}/${r.y}`, r.draws]);
      }
    }
  });
});

describe('every layer', () => {
  it.each([...TILE_LAYERS_BY_ID.values()].map((l) => [l.id, l] as const))(
    '%s: the central tile at a street-level zoom carries the features its table has there',
    async (_id, layer) => {
      const z = Math.max(layer.minzoom, Math.min(14, layer.maxzoom));
      const id = harbin(z);
      const [, x, y] = id.split('/').map(Number) as [number, number, number];
      // How many rows of the layer's table the tile envelope touches, capped by the layer's per-tile limit.
      const source = layer.table;
      const count = async () =>
        (
          (await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${source}" t
              WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int), 4326)${layer.omitWhenSet ? ` AND t."${layer.omitWhenSet}" IS NULL` : ''}`,
            [z, x, y],
          )) as [{ n: number }]
        )[0].n;
      // Counted before and after the tile: suites beside this one add, merge and close records meanwhile.
      const before = await count();
      const res = await tile(layer.id, id);
      expect([200, 204]).toContain(res.status);
      const after = await count();
      const n = Math.max(before, after);
      const features = featuresOf(res.body, layer.id);
      if (n === 0) expect(features).toHaveLength(0);
      else {
        expect(features.length).toBeGreaterThan(0);
        expect(features.length).toBeLessThanOrEqual(Math.min(layer.maxFeatures, n + 1000));
        // Properties come from the layer's list only (MVT leaves out the ones that are NULL on a feature).
        const keys = new Set(features.flatMap((f) => Object.keys(f.properties)));
        expect(keys.size).toBeGreaterThan(0);
        for (const k of keys) expect(layer.properties).toContain(k);
      }
    },
  );

  it('has a catalogue collection for every tile layer, readable under the same rule', async () => {
    for (const layer of TILE_LAYERS_BY_ID.values()) {
      const collection = await request(t.app).get(`/ogc/collections/${layer.id}`);
      // Without a session: the open base layers are served, live and restricted ones (population) ask for a login.
      const open = CATALOG_BY_ID.get(layer.id)?.public === true && !layer.live;
      expect([layer.id, collection.status]).toEqual([layer.id, open ? 200 : 401]);
    }
  });
});

describe('access', () => {
  it('refuses live layers without a session, and a role the policy does not grant', async () => {
    const anon = await request(t.app).get(`/tiles/incidents/${harbin(12)}.mvt`);
    expect(anon.status).toBe(401);
    expect(anon.body.error.message).toMatch(/登录|令牌/);
    // Says how to authenticate, as the OGC API does: a GIS client may send its API token as the Basic password, a
    // page's own script is offered no Basic password dialog.
    expect(anon.headers['www-authenticate']).toBe(
      'Bearer realm="Harbin GIS OGC API", Basic realm="Harbin GIS OGC API", charset="UTF-8"',
    );
    const fromPage = await request(t.app)
      .get(`/tiles/incidents/${harbin(12)}.mvt`)
      .set('Sec-Fetch-Mode', 'cors');
    expect(fromPage.headers['www-authenticate']).toBe('Bearer realm="Harbin GIS OGC API"');
    const planner = await request(t.app)
      .get(`/tiles/units/${harbin(12)}.mvt`)
      .set('Cookie', plannerCookie);
    expect(planner.status).toBe(403);
    expect(planner.headers['www-authenticate']).toBeUndefined();
    const json = await request(t.app).get('/tiles/units.json');
    expect(json.status).toBe(401);
    // Base layers stay open and cacheable.
    const base = await request(t.app).get(`/tiles/district/${harbin(8)}.mvt`);
    expect(base.status).toBe(200);
    expect(base.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('serves live tiles privately and revalidated, never from a stale cache', async () => {
    const res = await tile('units', harbin(8));
    expect([200, 204]).toContain(res.status);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const list = await request(t.app).get('/tiles');
    expect(list.body.layers).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'incidents', live: true })]));
  });

  it("lets only the reader's own browser cache a layer read under the policy, even one that is not live", async () => {
    const res = await request(t.app)
      .get(`/tiles/population/${harbin(12)}.mvt`)
      .set('Cookie', plannerCookie);
    expect([200, 204]).toContain(res.status);
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    const json = await request(t.app).get('/tiles/population.json').set('Cookie', plannerCookie);
    expect(json.status).toBe(200);
    expect(json.headers['cache-control']).toBe('private, max-age=300');
    const base = await request(t.app).get('/tiles/district.json');
    expect(base.headers['cache-control']).toBe('public, max-age=300');
  });

  it('lets a socket join only the tile layers its role may read', async () => {
    const socket: WallSocket = connect(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: plannerCookie, 'x-forwarded-for': freshIp() },
    });
    sockets.push(socket);
    const ack = await new Promise<unknown>((resolve) => socket.emit('layer:subscribe', { layer: 'units' }, resolve));
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('invalidation', () => {
  it('announces the tiles of a new incident, and those tiles then carry it', async () => {
    const sub = await subscriber(commanderCookie, 'incidents');
    const s = freshScene();
    const ack = (await postFeed(t.app, '119', report('119', 'fire', s, s.at).payload)).body as FeedAck;
    const [incident] = await t.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incident WHERE id = $1',
      [ack.incidentId],
    );
    const expected = tilesDrawingPoint(incidents, incident!.lon, incident!.lat);
    const update = await until('the incident tiles', () =>
      sub.updates.find((u) => u.layer === 'incidents' && expected.every((id) => u.tiles.includes(id))),
    );
    expect(update.seq).toBeGreaterThan(0);
    // Every zoom of the layer is named, and the street-level tile holding the point draws this incident.
    const zooms = new Set(update.tiles.map((id) => Number(id.split('/')[0])));
    expect([...zooms].sort((a, b) => a - b)).toEqual(
      Array.from({ length: incidents.maxzoom - incidents.minzoom + 1 }, (_, i) => incidents.minzoom + i),
    );
    const home = expected.find((id) => id.startsWith(`${incidents.maxzoom}/`))!;
    const res = await tile('incidents', home);
    expect(featuresOf(res.body, 'incidents').map((f) => f.id)).toContain(ack.incidentId);
  });

  it('announces both the old and the new tiles of a unit that drove on, and the old tile no longer draws it', async () => {
    const start = freshScene();
    const [unitId] = await placeUnits(t.db, [{ type: 'fire_engine', agency: '119', ...start }]);
    await new Promise((r) => setTimeout(r, 200));
    const sub = await subscriber(commanderCookie, 'units');
    // The first fix puts the unit where the invalidator has seen it; the second moves it 3 km east.
    const at = new Date();
    await t.state.command.avl.submit({
      unitId: unitId!,
      ...start,
      at: at.toISOString(),
      staleAt: new Date(at.getTime() + 60_000).toISOString(),
      accuracyM: 5,
      status: null,
    });
    await until('the first fix', () => sub.updates.find((u) => u.tiles.length > 0));
    const to = offset(start, 3000, 0);
    const later = new Date(at.getTime() + 1000);
    await t.state.command.avl.submit({
      unitId: unitId!,
      ...to,
      at: later.toISOString(),
      staleAt: new Date(later.getTime() + 60_000).toISOString(),
      accuracyM: 5,
      status: null,
    });
    const oldTiles = tilesDrawingPoint(units, start.lon, start.lat);
    const newTiles = tilesDrawingPoint(units, to.lon, to.lat);
    await until('the move', () => sub.updates.find((u) => [...oldTiles, ...newTiles].every((id) => u.tiles.includes(id))));
    const oldHome = oldTiles.find((id) => id.startsWith(`${units.maxzoom}/`))!;
    const newHome = newTiles.find((id) => id.startsWith(`${units.maxzoom}/`))!;
    expect(oldHome).not.toBe(newHome);
    const ids = async (id: string) => featuresOf((await tile('units', id)).body, 'units').map((f) => f.properties.id);
    expect(await ids(newHome)).toContain(unitId);
    expect(await ids(oldHome)).not.toContain(unitId);
  });
});
