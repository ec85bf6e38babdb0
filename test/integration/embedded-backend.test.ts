import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Db } from '../../geo/db/types';
import { renderTileById } from '../../geo/tiles';
import { openTestDb } from '../support/db';
import { ROOT } from '../support/env';
import { freePort, startGateway, streamsConnected, type GatewayProcess } from '../support/gateway-process';
import mqtt from 'mqtt';
import type { FeedAck } from '../../contracts/incidents';
import { encodeGauge } from '../../scripts/scenario/encoders';
import { FEED_KEYS, freshScene, offset, report, signedHeaders } from '../support/feeds';

/**
 * The whole platform on the embedded backend (PGlite + PostGIS in WASM, no server): started as a real process with
 * DATABASE_URL set but empty, which the configuration treats as unset. Its answers are compared with the real
 * PostGIS test database, imported from the same files.
 */

const CENTRAL = { lon: 126.63, lat: 45.76 };
/** First start runs initdb, every migration, the full import and grid generation inside WASM. */
const FIRST_START_MS = 900_000;

let dataDir: string;
let gateway: GatewayProcess | undefined;
let mqttPort: number;
let firstStartMs = 0;
let truth: Db;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'harbin-embedded-'));
  truth = await openTestDb();
  mqttPort = await freePort();
  const t0 = Date.now();
  gateway = await startGateway(
    { DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'info', MQTT_PORT: String(mqttPort) },
    FIRST_START_MS,
  );
  firstStartMs = Date.now() - t0;
}, FIRST_START_MS + 30_000);

afterAll(async () => {
  await gateway?.stop();
  await truth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

async function outputUntil(g: GatewayProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(g.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return g.output();
}

/** Sign of a ring's area by the surveyor's formula in tile coordinates: tells outer rings from holes. */
function windingOf(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]!.x * ring[i + 1]!.y - ring[i + 1]!.x * ring[i]!.y;
  return Math.sign(sum);
}

/** Feature identities of one layer of a tile: id, geometry type, exterior winding and properties, sorted. */
function identities(bytes: Uint8Array, layer: string): string[] {
  const l = new VectorTile(new PbfReader(bytes)).layers[layer];
  const out: string[] = [];
  for (let i = 0; l && i < l.length; i++) {
    const f = l.feature(i);
    const winding = f.type === 3 ? windingOf(f.loadGeometry()[0]!) : 0;
    out.push(`${f.id}|${f.type}|${winding}|${JSON.stringify(Object.entries(f.properties).sort())}`);
  }
  return out.sort();
}

describe('the embedded backend (PGlite)', () => {
  it('reports itself healthy as the embedded database with the whole grid imported', async () => {
    const res = await fetch(`${gateway!.url}/api/health`);
    const body = (await res.json()) as { status: string; database: string; grid: { cells: number } };
    const [cells] = await truth.query<{ n: number }>('SELECT count(*)::int AS n FROM grid_cell');
    expect(body).toMatchObject({ status: 'ok', database: 'embedded', grid: { cells: cells!.n } });
    expect(await outputUntil(gateway!, /unit grid/, 15_000)).toMatch(/import district\s+imported/);
  });

  it('prints the URL and the demo logins when it is ready', async () => {
    const out = await outputUntil(gateway!, /Demo logins/, 15_000);
    expect(out).toContain(`Open http://localhost:${gateway!.port}/`);
    const demo = JSON.parse(readFileSync(path.join(ROOT, 'data', 'demo', 'users.json'), 'utf8')) as {
      users: { username: string; password: string }[];
    };
    for (const u of demo.users) expect(out).toContain(`${u.username.padEnd(18)} ${u.password}`);
  });

  it('locates a central point in the same grid cell as PostGIS', async () => {
    const res = await fetch(`${gateway!.url}/api/geo/locate?lon=${CENTRAL.lon}&lat=${CENTRAL.lat}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { gridCode: string | null; district: { name: string } };
    const [cell] = await truth.query<{ code: string }>(
      'SELECT code FROM grid_cell WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))',
      [CENTRAL.lon, CENTRAL.lat],
    );
    expect(body.gridCode).toBe(cell!.code);
    expect(body.district.name).toBe('南岗区');
  });

  it.each([
    ['district', 10],
    ['street', 12],
    ['grid', 14],
    ['poi', 12],
    ['poi', 14],
  ] as const)(
    'serves the %s tile at z%i with the same features as ST_AsMVT on PostGIS',
    async (layer, z) => {
      const tile = tileOf(CENTRAL.lon, CENTRAL.lat, z);
      const res = await fetch(`${gateway!.url}/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.mvt`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
      const embedded = identities(new Uint8Array(await res.arrayBuffer()), layer);
      const postgis = identities(await renderTileById(truth, layer, tile.z, tile.x, tile.y), layer);
      expect(postgis.length).toBeGreaterThan(0);
      expect(embedded).toEqual(postgis);
    },
    60_000,
  );

  it('answers empty and bad tiles the same way as on PostGIS', async () => {
    expect((await fetch(`${gateway!.url}/tiles/grid/12/3488/1461.mvt`)).status).toBe(204);
    const bad = await fetch(`${gateway!.url}/tiles/grid/2/9/0.mvt`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_tile');
  });

  it('takes signed agency records and fuses them, and gauge readings through its own MQTT broker', async () => {
    const s = freshScene();
    const acks: FeedAck[] = [];
    for (const r of [
      report('119', 'fire', s, s.at),
      report('120', 'injury', offset(s, 60, 0), new Date(s.at.getTime() + 60_000)),
    ]) {
      const body = JSON.stringify(r.payload);
      const res = await fetch(`${gateway!.url}/api/feeds/${r.truth.source}`, {
        method: 'POST',
        headers: signedHeaders(r.truth.source, body),
        body,
      });
      expect(res.status).toBe(201);
      acks.push((await res.json()) as FeedAck);
    }
    expect(acks[1]!.incidentId).toBe(acks[0]!.incidentId);

    // Only the flood-gauge login may publish readings; the embedded broker refuses unknown logins.
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        username: 'nobody',
        password: 'wrong-password-1234',
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/[Bb]ad username or password|Not authorized/);
    await streamsConnected(gateway!);
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { ...FEED_KEYS.mqtt.flood, reconnectPeriod: 0 });
    const at = new Date(Date.UTC(2026, 6, 20, 3, 0, 0));
    await pub.publishAsync(
      'harbin/flood/gauge/10800400',
      JSON.stringify(encodeGauge({ stcd: '10800400', at, waterLevelM: 118.4, rainfallMm: 6 })),
      {
        qos: 1,
      },
    );
    await pub.endAsync();
    const login = await fetch(`${gateway!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zhihui.wang', password: 'Zhw#Command-7316' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('hb_sid='))!
      .split(';')[0]!;
    const gauges = (await (await fetch(`${gateway!.url}/api/gauges`, { headers: { cookie } })).json()) as {
      gauges: { stationId: string; at: string; overWarning: boolean }[];
    };
    expect(gauges.gauges.find((g) => g.stationId === '10800400')).toMatchObject({ at: at.toISOString(), overWarning: true });
  });

  it('answers OGC items with bbox and a CQL2 filter, live incident tiles and aggregation like PostGIS', async () => {
    const login = await fetch(`${gateway!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'guihua.zhou', password: 'Ghz#Planner-2907' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('hb_sid='))!
      .split(';')[0]!;
    const box = [126.55, 45.7, 126.7, 45.8];
    const filter =
      "category = 'medical_hospital' AND S_INTERSECTS(geometry, POLYGON((126.55 45.7, 126.7 45.7, 126.7 45.8, 126.55 45.8, 126.55 45.7)))";
    const url = `${gateway!.url}/ogc/collections/poi/items?bbox=${box.join(',')}&limit=1000&filter=${encodeURIComponent(filter)}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const fc = (await res.json()) as { numberMatched: number; features: { id: string }[] };
    const [truthCount] = await truth.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM poi WHERE category = 'medical_hospital'
          AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      box,
    );
    expect(fc.numberMatched).toBe(truthCount!.n);
    expect(fc.numberMatched).toBeGreaterThan(0);

    // A new incident is drawn by its live tile at z16, read with a session.
    const scene = freshScene();
    const r = report('119', 'fire', scene, scene.at);
    const record = JSON.stringify(r.payload);
    const posted = await fetch(`${gateway!.url}/api/feeds/119`, {
      method: 'POST',
      headers: signedHeaders('119', record),
      body: record,
    });
    expect(posted.status).toBe(201);
    const { incidentId } = (await posted.json()) as FeedAck;
    const item = await fetch(`${gateway!.url}/ogc/collections/incidents/items/${incidentId}`, { headers: { cookie } });
    expect(item.status).toBe(200);
    const f = (await item.json()) as { id: number; geometry: { coordinates: [number, number] } };
    const [lon, lat] = f.geometry.coordinates;
    const n = 2 ** 16;
    const x = Math.floor(((lon + 180) / 360) * n);
    const rad = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    expect((await fetch(`${gateway!.url}/tiles/incidents/16/${x}/${y}.mvt`)).status).toBe(401);
    const tileRes = await fetch(`${gateway!.url}/tiles/incidents/16/${x}/${y}.mvt`, { headers: { cookie } });
    expect(tileRes.status).toBe(200);
    const tile = new VectorTile(new PbfReader(new Uint8Array(await tileRes.arrayBuffer())));
    const layer = tile.layers.incidents!;
    const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).id);
    expect(ids).toContain(f.id);

    const agg = await fetch(`${gateway!.url}/api/analysis/aggregate`, {
      method: 'POST',
      headers: { cookie, origin: gateway!.url, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: 'poi', by: 'district', category: 'medical_hospital' }),
    });
    expect(agg.status).toBe(200);
    const body = (await agg.json()) as { totalPoints: number; features: { properties: { count: number } }[] };
    const [hospitals] = await truth.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM poi WHERE category = 'medical_hospital'",
    );
    expect(body.totalPoints).toBe(hospitals!.n);
  });

  it(
    'starts again on the same data directory without re-importing, much sooner',
    async () => {
      await gateway!.stop();
      const t0 = Date.now();
      gateway = await startGateway(
        { DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'info', MQTT_PORT: String(mqttPort) },
        FIRST_START_MS,
      );
      const secondStartMs = Date.now() - t0;
      // pino writes asynchronously: the last start-up lines may arrive just after the health check says ok.
      const log = await outputUntil(gateway, /unit grid/, 15_000);
      expect(log).toMatch(/import district\s+unchanged/);
      expect(log).toMatch(/import road_edge\s+unchanged/);
      expect(log).not.toMatch(/import \S+\s+imported/);
      expect(log).toMatch(/"status":"unchanged"[^\n]*unit grid/);
      // Without the import and grid generation the second start is bounded by opening PGlite and loading services.
      expect(secondStartMs).toBeLessThan(firstStartMs * 0.75);
      const res = await fetch(`${gateway.url}/api/geo/locate?lon=${CENTRAL.lon}&lat=${CENTRAL.lat}`);
      expect(((await res.json()) as { gridCode: string }).gridCode).toMatch(/^230103\d{9}$/);
    },
    FIRST_START_MS,
  );
});
