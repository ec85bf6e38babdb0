import type { ModeProfile } from '../../contracts/incidents';
import type { Db } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import type { Config } from '../config';
import type { GeoServices } from '../deps';
import { PhotoStore } from './photos';
import { CaseService } from './service';
import { loadCaseTables, type CaseTables } from './tables';

/** The city-management services of a running gateway: code tables from data/cityops and the case service. */
export interface CaseServices {
  tables: CaseTables;
  service: CaseService;
}

export function buildCaseServices(
  db: Db,
  geo: GeoServices,
  hub: ChangeHub,
  cfg: Config,
  profiles: readonly ModeProfile[],
): CaseServices {
  const tables = loadCaseTables();
  return { tables, service: new CaseService(db, tables, () => geo.locator, hub, profiles, PhotoStore.under(cfg.DATA_DIR)) };
}
