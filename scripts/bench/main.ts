/**
 * `npm run bench`: imports the city into a fresh real PostGIS database and a fresh embedded one (timing both),
 * then measures every figure on both backends beside its reference, and writes BENCHMARKS.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../gateway/config';
import { openEmbedded } from '../../geo/db/embedded';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { ensureGrid } from '../../geo/grid/generate';
import { importCity } from '../../geo/import/importer';
import { loadManifest } from '../../geo/import/manifest';
import { serveBackend, type BenchBackend } from './context';
import { BENCH_SECTIONS } from './sections';
import { Report } from './report';
import { nowMs } from './stats';

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://harbin:harbin-test-only@127.0.0.1:5432/harbin_bench';

async function recreate(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/_bench$/.test(name)) throw new Error(`refusing to benchmark on "${name}": the database name must end in _bench`);
  u.pathname = '/postgres';
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

async function importTimed(db: Db, cityDir: string): Promise<{ importMs: number; gridMs: number }> {
  await migrate(db);
  let t = nowMs();
  await importCity(db, loadManifest(), cityDir);
  const importMs = nowMs() - t;
  t = nowMs();
  await ensureGrid(db);
  return { importMs, gridMs: nowMs() - t };
}

async function main() {
  const cfg = loadConfig();
  const report = new Report();
  const backends: BenchBackend[] = [];
  const embeddedDir = mkdtempSync(path.join(os.tmpdir(), 'harbin-bench-'));
  try {
    await recreate(BENCH_URL);
    const pg = await openPostgres(BENCH_URL);
    const pgImport = await importTimed(pg, cfg.CITY_DATA_DIR);
    const t = nowMs();
    const embedded = await openEmbedded(embeddedDir);
    const openMs = nowMs() - t;
    const emImport = await importTimed(embedded, cfg.CITY_DATA_DIR);
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    report.add({
      section: 'Import',
      figure: 'all manifest layers (≈ 64,000 features) + unit grid',
      backend: 'embedded',
      value: `${secs(emImport.importMs)} + grid ${secs(emImport.gridMs)} (+ ${secs(openMs)} first open)`,
      reference: `${secs(pgImport.importMs)} + grid ${secs(pgImport.gridMs)} on real PostGIS`,
      ratio: `${((emImport.importMs + emImport.gridMs) / (pgImport.importMs + pgImport.gridMs)).toFixed(2)}×`,
      target: 'info',
      verdict: 'info',
    });
    backends.push(await serveBackend('postgis', pg), await serveBackend('embedded', embedded));
    for (const section of BENCH_SECTIONS) {
      for (const b of backends) {
        console.log(`-- ${section.name} on ${b.name}`);
        await section.run(b, report);
      }
    }
    const meta = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      backends: 'real PostGIS (PostgreSQL 15, PostGIS 3.3, pgRouting) and embedded PGlite 0.5.8 with PostGIS 3.6 (WASM)',
    };
    writeFileSync(path.join(cfg.root, 'BENCHMARKS.md'), report.toMarkdown(meta));
    console.log('wrote BENCHMARKS.md');
  } finally {
    for (const b of backends) await b.close().catch(() => undefined);
    rmSync(embeddedDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
