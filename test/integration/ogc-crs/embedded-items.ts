/**
 * Runs the OGC items query on the embedded backend (PGlite + PostGIS in WASM) over the POIs given on stdin and
 * writes what it answered as JSON: the same code path as the gateway, for comparison with PostGIS. Run with tsx in
 * its own process (PGlite is an ES module with WASM, which jest's module loader does not run).
 *
 * stdin: { rows: [{ id, name, category, hotline, lon, lat }], bbox: { box, srid }, crs: [{ srid, flip, decimals }] }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CATALOG_BY_ID } from '../../../geo/catalog/layers';
import { openEmbedded } from '../../../geo/db/embedded';
import { queryItems, type GeometryOutput } from '../../../gateway/ogc/items';
import type { Bbox } from '../../../gateway/ogc/params';

interface Input {
  rows: { id: string; name: string | null; category: string | null; hotline: string | null; lon: number; lat: number }[];
  bbox: Bbox;
  crs: GeometryOutput[];
}

async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const input = JSON.parse(text) as Input;
  const dir = mkdtempSync(path.join(tmpdir(), 'harbin-embedded-crs-'));
  const db = await openEmbedded(dir);
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    await db.exec(
      'CREATE TABLE poi (id text PRIMARY KEY, name text, category text, hotline text, geom geometry(Point, 4326) NOT NULL)',
    );
    await db.query(
      `INSERT INTO poi
       SELECT id, name, category, hotline, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
       FROM json_to_recordset($1::json) AS r(id text, name text, category text, hotline text, lon float8, lat float8)`,
      [JSON.stringify(input.rows)],
    );
    const [srids] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM spatial_ref_sys WHERE srid IN (4490, 4551)');
    const layer = CATALOG_BY_ID.get('poi')!;
    const query = { sortby: [], limit: 10_000, offset: 0 };
    const outputs = [];
    for (const crs of input.crs) outputs.push((await queryItems(db, layer, query, crs)).features);
    const inBbox = await queryItems(db, layer, { ...query, bbox: input.bbox, properties: [] });
    process.stdout.write(JSON.stringify({ srids: srids?.n, outputs, inBbox: inBbox.features.map((f) => f.id).sort() }));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
