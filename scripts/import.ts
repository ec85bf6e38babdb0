/** `npm run import [-- --force] [-- --only street,poi]`: imports the city data into the configured database. */
import { loadConfig, redactUrl } from '../gateway/config';
import { openDb } from '../geo/db/open';
import { migrate } from '../geo/db/migrate';
import { importCity } from '../geo/import/importer';
import { loadManifest } from '../geo/import/manifest';
import { ensureGrid } from '../geo/grid/generate';
import { estimatePopulation } from '../geo/population/estimate';
import { deriveShelters } from '../gateway/shelters/derive';

async function main() {
  const cfg = loadConfig();
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : undefined;
  console.log(`importing ${cfg.CITY_DATA_DIR} into ${redactUrl(cfg.DATABASE_URL)}`);
  const db = await openDb({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    await migrate(db);
    const t0 = Date.now();
    const reports = await importCity(db, loadManifest(), cfg.CITY_DATA_DIR, {
      force,
      log: console.log,
      ...(only ? { only } : {}),
    });
    for (const r of reports) for (const bad of r.rejected) console.log(`  rejected ${r.layer} ${bad.id}: ${bad.reason}`);
    const grid = await ensureGrid(db, { force });
    console.log(`grid           ${grid.status.padEnd(9)} ${grid.cells} cells in ${grid.communities} communities (${grid.ms} ms)`);
    const shelters = await deriveShelters(db);
    console.log(`shelters       derived   ${shelters.derived} (removed ${shelters.removed}) by data/shelters/README.md`);
    const population = await estimatePopulation(db);
    console.log(`population     estimated ${population.cells} cells, night ${population.night}, day ${population.day}`);
    console.log(`import finished in ${Date.now() - t0} ms`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
