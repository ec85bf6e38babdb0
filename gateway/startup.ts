import type { Logger } from 'pino';
import { migrate } from '../geo/db/migrate';
import { openDb } from '../geo/db/open';
import type { Db } from '../geo/db/types';
import { GeocodeService } from '../geo/geocode/service';
import { ensureGrid } from '../geo/grid/generate';
import { Locator } from '../geo/grid/locate';
import { importCity } from '../geo/import/importer';
import { loadManifest } from '../geo/import/manifest';
import { RoutingService } from '../geo/routing/service';
import { provisionDemoAccounts } from './auth/seed';
import { buildCaseContext } from './cases/context';
import type { Config } from './config';
import type { ChangeHub } from './changes/hub';
import type { Readiness, ReadyState } from './deps';
import type { GeoServices } from './geo/services';
import { demoSirenKey, seedDemoSirens } from './airdefense/demo-layout';
import { seedDemoUnits } from './incidents/units';
import { startOverdueClock } from './responses/escalation';
import { buildResponses } from './responses/services';
import { buildCommandServices } from './incidents/services';

/** Builds every in-memory service from the database. */
export async function buildGeoServices(db: Db): Promise<GeoServices> {
  const locator = await Locator.load(db);
  const routing = await RoutingService.load(db);
  const geocoder = await GeocodeService.load(db, locator);
  return { locator, routing, geocoder };
}

/** Every service of a ready gateway over an opened, migrated and imported database. */
export async function buildReadyState(db: Db, cfg: Config, log: Logger, hub: ChangeHub): Promise<ReadyState> {
  const geo = await buildGeoServices(db);
  const command = buildCommandServices(db, geo, hub, log, cfg.FEED_KEYS_FILE);
  const cases = buildCaseContext(db, geo, hub, cfg, command.profiles);
  const responses = await buildResponses(db, hub, log, command.stations, cases.tables.settings.photo);
  return { db, geo, command, cases, responses };
}

/**
 * Start-up: open the database, apply migrations, import the city data (skipped when unchanged), generate the
 * grid when missing, build the services. Progress is visible through `/api/health` meanwhile.
 */
export async function startPlatform(cfg: Config, log: Logger, readiness: Readiness): Promise<ReadyState> {
  readiness.step = 'opening database';
  const db = await openDb({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  readiness.step = 'applying migrations';
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  readiness.step = 'provisioning accounts';
  await provisionDemoAccounts(db, cfg, log);
  readiness.step = 'importing city data';
  const reports = await importCity(db, loadManifest(), cfg.CITY_DATA_DIR, { log: (line) => log.info(`import ${line}`) });
  for (const r of reports)
    for (const bad of r.rejected) log.warn({ layer: r.layer, id: bad.id, reason: bad.reason }, 'feature rejected');
  readiness.step = 'generating unit grid';
  const grid = await ensureGrid(db);
  log.info(grid, 'unit grid');
  readiness.step = 'warming up projections';
  // The first ST_Transform of a process loads PROJ's database (seconds on the embedded backend): pay it at start-up,
  // not on the first map tile.
  await db.query('SELECT ST_Transform(ST_SetSRID(ST_MakePoint(126.6, 45.75), 4326), 3857)');
  readiness.step = 'building services';
  if (cfg.DEMO_UNITS) {
    const units = await seedDemoUnits(db);
    if (units) log.info({ units }, 'demo units placed at their stations');
    const sirens = await seedDemoSirens(db, readiness.changes, demoSirenKey());
    if (sirens) log.info({ sirens }, 'demo siren layout placed on public rooftops');
  }
  const state = await buildReadyState(db, cfg, log, readiness.changes);
  startOverdueClock(state.responses);
  readiness.markReady(state);
  return state;
}
