import { validateStyleMin, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import request from 'supertest';
import { TILE_LAYERS, tileFraction } from '../../geo/tiles';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * How clients find and read the map (issue 17 items 5–6): TileJSON with the right types, the basemap's style at a
 * URL with nothing outside this server in it, the OGC API – Tiles description of the tile sets, and CORS for the
 * public paths from the configured origins only.
 */
const PORTAL = 'https://daoli.portal.example.gov.cn';
const PARTNER = 'http://partner.example.com:8081';
const STRANGER = 'https://evil.example.net';
const previousCors = process.env.CORS_ORIGINS;

let t: IdentityTestApp;
let commander: string;

beforeAll(async () => {
  process.env.CORS_ORIGINS = `${PORTAL}, ${PARTNER}/`;
  t = await createIdentityTestApp();
  const c = await createAccount(t.db, { role: 'commander' });
  commander = await login(t.app, c.username, c.password);
}, 120_000);
afterAll(async () => {
  if (previousCors === undefined) delete process.env.CORS_ORIGINS;
  else process.env.CORS_ORIGINS = previousCors;
  await t.close();
});

/** Reads a binary body (supertest buffers only text by itself). */
const bytes = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
};
/** The path (and query) of a URL of this server; fails for any URL pointing elsewhere. */
const local = (url: string) => {
  const u = new URL(url);
  expect(u.protocol).toBe('http:');
  expect(u.hostname).toBe('127.0.0.1');
  return `${u.pathname}${u.search}`;
};
const CENTRE = [126.6177, 45.7786] as const;
const fill = (template: string, z: number) => {
  const f = tileFraction(CENTRE[0], CENTRE[1], z);
  return template
    .replace(/\{z\}|\{tileMatrix\}/, String(z))
    .replace(/\{x\}|\{tileCol\}/, String(Math.floor(f.x)))
    .replace(/\{y\}|\{tileRow\}/, String(Math.floor(f.y)));
};

interface TileJson {
  tilejson: string;
  tiles: string[];
  minzoom: unknown;
  maxzoom: unknown;
  bounds: unknown;
  center?: unknown;
  vector_layers: { id: string; minzoom?: unknown; maxzoom?: unknown; fields: Record<string, unknown> }[];
}

function expectTileJsonTypes(tj: TileJson): void {
  expect(tj.tilejson).toBe('3.0.0');
  for (const zoom of [tj.minzoom, tj.maxzoom]) expect(Number.isInteger(zoom)).toBe(true);
  expect(tj.minzoom as number).toBeLessThanOrEqual(tj.maxzoom as number);
  expect(Array.isArray(tj.bounds)).toBe(true);
  const [w, s, e, n] = tj.bounds as number[];
  expect((tj.bounds as unknown[]).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  expect(w! < e! && s! < n! && w! >= -180 && e! <= 180 && s! >= -90 && n! <= 90).toBe(true);
  expect(tj.tiles.length).toBeGreaterThan(0);
  for (const l of tj.vector_layers) {
    for (const zoom of [l.minzoom, l.maxzoom]) if (zoom !== undefined) expect(Number.isInteger(zoom)).toBe(true);
    for (const type of Object.values(l.fields)) expect(['Number', 'String', 'Boolean']).toContain(type);
  }
}

describe('TileJSON', () => {
  test.each(TILE_LAYERS.map((l) => [l.id, l] as const))(
    '%s: numbers are numbers, bounds an array, fields typed',
    async (id, layer) => {
      const res = await request(t.app).get(`/tiles/${id}.json`).set('Cookie', commander).expect(200);
      const tj = res.body as TileJson;
      expectTileJsonTypes(tj);
      expect([tj.minzoom, tj.maxzoom]).toEqual([layer.minzoom, layer.maxzoom]);
      expect(Object.keys(tj.vector_layers[0]!.fields).sort()).toEqual([...layer.properties].sort());
    },
  );

  test('each field type is the type the tile really carries (roads: class_rank is a number)', async () => {
    const tj = (await request(t.app).get('/tiles/roads.json').expect(200)).body as TileJson;
    const fields = tj.vector_layers[0]!.fields;
    expect(fields.class_rank).toBe('Number');
    expect(fields.name).toBe('String');
    const tile = await request(t.app)
      .get(local(fill(tj.tiles[0]!, 14)))
      .buffer(true)
      .parse(bytes)
      .expect(200);
    const layer = new VectorTile(new PbfReader(tile.body as Buffer)).layers.roads!;
    expect(layer.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (let i = 0; i < layer.length; i++) {
      for (const [key, value] of Object.entries(layer.feature(i).properties)) {
        seen.add(key);
        const expected = { number: 'Number', string: 'String', boolean: 'Boolean' }[typeof value as 'number'];
        expect([key, fields[key]]).toEqual([key, expected]);
      }
    }
    expect(seen.has('class_rank')).toBe(true);
  });

  test('the basemap archive as TileJSON: its zoom range, bounds and layers; its tiles answer', async () => {
    const tj = (await request(t.app).get('/basemap/harbin_central.json').expect(200)).body as TileJson;
    expectTileJsonTypes(tj);
    expect([tj.minzoom, tj.maxzoom]).toEqual([8, 14]);
    expect(tj.vector_layers.map((l) => l.id)).toEqual(expect.arrayContaining(['roads_major', 'buildings', 'water_areas']));
    const tile = await request(t.app)
      .get(local(fill(tj.tiles[0]!, 13)))
      .buffer(true)
      .parse(bytes)
      .expect(200);
    expect(Object.keys(new VectorTile(new PbfReader(tile.body as Buffer)).layers)).toContain('roads_major');
  });
});

describe('the basemap style at a URL', () => {
  test('is a valid MapLibre style whose every URL is on this server and answers', async () => {
    const res = await request(t.app).get('/basemap/style.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const style = res.body as StyleSpecification;
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const text = JSON.stringify(style);
    expect(text).not.toMatch(/pmtiles:\/\//);
    // Every absolute URL anywhere in the document is this server's.
    for (const url of text.match(/[a-z][a-z0-9+.-]*:\/\/[^"\s]+/gi) ?? []) local(url);
    const sources = Object.entries(style.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const [id, source] of sources) {
      if (source.type === 'vector') {
        const tj = (await request(t.app).get(local(source.url!)).expect(200)).body as TileJson;
        for (const template of tj.tiles) {
          const tile = await request(t.app)
            .get(local(fill(template, 12)))
            .buffer(true)
            .parse(bytes);
          expect([id, tile.status]).toEqual([id, 200]);
        }
      } else if (source.type === 'geojson') {
        const data = await request(t.app)
          .get(local(source.data as string))
          .expect(200);
        expect(data.headers['content-type']).toMatch(/^application\/geo\+json/);
        expect((data.body as { type: string }).type).toBe('FeatureCollection');
      } else {
        throw new Error(`source ${id} of unexpected type ${source.type}`);
      }
    }
    // The layers draw only sources the style has.
    for (const layer of style.layers) if ('source' in layer) expect(Object.keys(style.sources)).toContain(layer.source);
  });

  test('only the sources the style names are served; nothing else of the data folder', async () => {
    await request(t.app).get('/basemap/sources/nowhere.geojson').expect(404);
    await request(t.app).get('/basemap/sources/..%2F..%2FREADME.md').expect(404);
    await request(t.app).get('/basemap/style.pmtiles').expect(404);
    await request(t.app).get('/basemap/README.md').expect(404);
  });
});

interface Link {
  rel: string;
  href: string;
  type?: string;
  templated?: boolean;
}
const linkOf = (links: Link[], rel: string) => links.find((l) => l.rel === rel);

describe('OGC API – Tiles', () => {
  test('/ogc/tiles lists a WebMercatorQuad vector tileset per tile layer; each leads to its tiles', async () => {
    const list = (await request(t.app).get('/ogc/tiles').expect(200)).body as {
      tilesets: { title: string; dataType: string; tileMatrixSetURI: string; links: Link[] }[];
    };
    expect(list.tilesets).toHaveLength(TILE_LAYERS.length);
    for (const ts of list.tilesets) {
      expect(ts.dataType).toBe('vector');
      expect(ts.tileMatrixSetURI).toBe('http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
    }
    const roads = list.tilesets.find((ts) => linkOf(ts.links, 'self')!.href.includes('/collections/roads/'))!;
    const full = (
      await request(t.app)
        .get(local(linkOf(roads.links, 'self')!.href))
        .expect(200)
    ).body as {
      links: Link[];
      tileMatrixSetLimits: {
        tileMatrix: string;
        minTileRow: number;
        maxTileRow: number;
        minTileCol: number;
        maxTileCol: number;
      }[];
      layers: { id: string; propertiesSchema: { properties: Record<string, { type: string }> } }[];
    };
    const item = linkOf(full.links, 'item')!;
    expect(item.templated).toBe(true);
    expect(item.type).toBe('application/vnd.mapbox-vector-tile');
    const layer = TILE_LAYERS.find((l) => l.id === 'roads')!;
    expect(full.tileMatrixSetLimits.map((l) => Number(l.tileMatrix))).toEqual(
      Array.from({ length: layer.maxzoom - layer.minzoom + 1 }, (_, i) => layer.minzoom + i),
    );
    const z14 = full.tileMatrixSetLimits.find((l) => l.tileMatrix === '14')!;
    const f = tileFraction(CENTRE[0], CENTRE[1], 14);
    expect(Math.floor(f.x)).toBeGreaterThanOrEqual(z14.minTileCol);
    expect(Math.floor(f.x)).toBeLessThanOrEqual(z14.maxTileCol);
    expect(Math.floor(f.y)).toBeGreaterThanOrEqual(z14.minTileRow);
    expect(Math.floor(f.y)).toBeLessThanOrEqual(z14.maxTileRow);
    expect(full.layers[0]!.propertiesSchema.properties.class_rank!.type).toBe('integer');
    const tile = await request(t.app)
      .get(local(fill(item.href, 14)))
      .buffer(true)
      .parse(bytes)
      .expect(200);
    expect(new VectorTile(new PbfReader(tile.body as Buffer)).layers.roads!.length).toBeGreaterThan(0);
    // The tiling scheme it names.
    const scheme = linkOf(full.links, 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme')!;
    const tms = (await request(t.app).get(local(scheme.href)).expect(200)).body as {
      id: string;
      crs: string;
      tileMatrices: { id: string; cellSize: number; scaleDenominator: number; matrixWidth: number; pointOfOrigin: number[] }[];
    };
    expect(tms.id).toBe('WebMercatorQuad');
    expect(tms.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/3857');
    expect(tms.tileMatrices[0]!.cellSize).toBeCloseTo(156543.03392804097, 6);
    expect(tms.tileMatrices[0]!.scaleDenominator).toBeCloseTo(559082264.0287178, 3);
    expect(tms.tileMatrices[14]!.matrixWidth).toBe(16384);
    expect(tms.tileMatrices[0]!.pointOfOrigin[0]).toBeCloseTo(-20037508.3427892, 5);
    // The same set in the 1.0 encoding, the only one Debian 12's GDAL 3.6 parses.
    const v1 = tms as unknown as {
      type: string;
      identifier: string;
      supportedCRS: string;
      tileMatrix: { identifier: string; scaleDenominator: number; topLeftCorner: number[]; matrixWidth: number }[];
    };
    expect([v1.type, v1.identifier, v1.supportedCRS]).toEqual(['TileMatrixSetType', 'WebMercatorQuad', tms.crs]);
    expect(v1.tileMatrix.map((m) => [m.identifier, m.scaleDenominator, m.matrixWidth])).toEqual(
      tms.tileMatrices.map((m) => [m.id, m.scaleDenominator, m.matrixWidth]),
    );
    expect(v1.tileMatrix[14]!.topLeftCorner).toEqual(tms.tileMatrices[14]!.pointOfOrigin);
  });

  test('a collection lists its tileset; the tiling schemes are listed', async () => {
    const list = (await request(t.app).get('/ogc/collections/district/tiles').expect(200)).body as {
      tilesets: { links: Link[] }[];
    };
    expect(list.tilesets).toHaveLength(1);
    expect(linkOf(list.tilesets[0]!.links, 'self')!.href).toMatch(/\/ogc\/collections\/district\/tiles\/WebMercatorQuad$/);
    const schemes = (await request(t.app).get('/ogc/tileMatrixSets').expect(200)).body as { tileMatrixSets: { id: string }[] };
    expect(schemes.tileMatrixSets.map((s) => s.id)).toEqual(['WebMercatorQuad']);
  });

  test('unknown collection or tiling scheme: 404 with the known ones; a live layer needs its rights', async () => {
    const none = await request(t.app).get('/ogc/collections/nowhere/tiles').expect(404);
    expect(JSON.stringify(none.body)).toMatch(/roads/);
    await request(t.app).get('/ogc/collections/roads/tiles/WorldCRS84Quad').expect(404);
    await request(t.app).get('/ogc/tileMatrixSets/EPSG3857').expect(404);
    await request(t.app).get('/ogc/collections/incidents/tiles/WebMercatorQuad').expect(401);
    await request(t.app).get('/ogc/collections/incidents/tiles/WebMercatorQuad').set('Cookie', commander).expect(200);
  });
});

describe('CORS for the public paths', () => {
  const PUBLIC = [
    '/ogc',
    '/ogc/collections',
    '/tiles/roads.json',
    '/basemap/style.json',
    '/ogc/tiles',
    '/open311/v2/services.json',
  ];

  test.each(PUBLIC)('%s: a configured origin may read it; Cross-Origin-Resource-Policy cross-origin', async (path) => {
    for (const origin of [PORTAL, PARTNER]) {
      const res = await request(t.app).get(path).set('Origin', origin);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toMatch(/Origin/);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }
    const other = await request(t.app).get(path).set('Origin', STRANGER);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  test('preflight from a configured origin is allowed (token header, byte ranges); from another it is refused', async () => {
    const ok = await request(t.app)
      .options('/tiles/incidents/14/13845/5880.mvt')
      .set('Origin', PORTAL)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(ok.headers['access-control-allow-methods']).toMatch(/GET/);
    expect(ok.headers['access-control-allow-methods']).not.toMatch(/POST|DELETE/);
    expect(ok.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    const range = await request(t.app)
      .options('/basemap/harbin_central.pmtiles')
      .set('Origin', PARTNER)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'range')
      .expect(204);
    expect(range.headers['access-control-allow-origin']).toBe(PARTNER);
    expect(range.headers['access-control-allow-headers']).toMatch(/Range/);
    const archive = await request(t.app).get('/basemap/harbin_central.pmtiles').set('Origin', PARTNER).set('Range', 'bytes=0-99');
    expect(archive.status).toBe(206);
    expect(archive.headers['access-control-expose-headers']).toMatch(/Content-Range/);
    const post = await request(t.app)
      .options('/open311/v2/requests.json')
      .set('Origin', PORTAL)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(post.headers['access-control-allow-methods']).toMatch(/POST/);
    const refused = await request(t.app)
      .options('/ogc/collections')
      .set('Origin', STRANGER)
      .set('Access-Control-Request-Method', 'GET');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-methods']).toBeUndefined();
  });

  test('the API of our own pages gets no CORS, not even for a configured origin, and stays same-origin', async () => {
    const res = await request(t.app).get('/api/health').set('Origin', PORTAL);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    const pre = await request(t.app).options('/api/incidents').set('Origin', PORTAL).set('Access-Control-Request-Method', 'GET');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    // A look-alike path is not a public one.
    const alike = await request(t.app).get('/tilesets').set('Origin', PORTAL);
    expect(alike.headers['access-control-allow-origin']).toBeUndefined();
  });
});
