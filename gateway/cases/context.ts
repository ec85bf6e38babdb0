import type { CaseMinorCategory } from '../../contracts/cases';
import type { ModeProfile } from '../../contracts/incidents';
import type { Db, Queryable, SqlParam } from '../../geo/db/types';
import type { Locator } from '../../geo/grid/locate';
import type { ChangeHub } from '../changes/hub';
import type { Config } from '../config';
import type { GeoServices } from '../geo/services';
import { AppError } from '../http/errors';
import { readMode } from '../modes/service';
import { PhotoStore } from './photos';
import type { ModeEffect } from './sla';
import { loadCaseTables, type CaseTables } from './tables';

/**
 * What every case operation works with: the database, the code tables of data/cityops, the grid locator, the change
 * hub that carries committed changes to walls and consoles, the system modes' rules for clocks, the photo files and
 * the clock. Built once at start-up (gateway/startup.ts); the operations are functions over it, one file each.
 */
export interface CaseContext {
  readonly db: Db;
  readonly tables: CaseTables;
  readonly locator: () => Locator;
  readonly hub: ChangeHub;
  readonly profiles: readonly ModeProfile[];
  readonly photos: PhotoStore;
  readonly now: () => Date;
}

export function buildCaseContext(
  db: Db,
  geo: GeoServices,
  hub: ChangeHub,
  cfg: Config,
  profiles: readonly ModeProfile[],
): CaseContext {
  return {
    db,
    tables: loadCaseTables(),
    locator: () => geo.locator,
    hub,
    profiles,
    photos: PhotoStore.under(cfg.DATA_DIR),
    now: () => new Date(),
  };
}

/** Who acts on a case: a signed-in person or an Open311 channel. */
export interface CaseActor {
  id: string;
  name: string;
  role: string;
  departmentId: string | null;
}

/** A row-scope predicate (gateway/policy/scope.ts) over the `c` alias, numbered from $1. */
export interface CaseScope {
  sql: string;
  params: SqlParam[];
}
export const ALL_CASES: CaseScope = { sql: 'TRUE', params: [] };

/** How the current system mode treats non-urgent clocks. */
export async function modeEffect(ctx: CaseContext, db: Queryable = ctx.db): Promise<ModeEffect> {
  const mode = await readMode(db);
  const rule = ctx.profiles.find((p) => p.id === mode.mode)?.nonUrgentCases ?? 'normal';
  const m = ctx.tables.settings.modes;
  if (rule === 'auto_extend')
    return { rule, factor: m.auto_extend.factor, note: m.auto_extend.note, since: new Date(mode.changedAt) };
  if (rule === 'frozen') return { rule, factor: 1, note: m.frozen.note, since: new Date(mode.changedAt) };
  return { rule: 'normal', factor: 1, note: '', since: new Date(mode.changedAt) };
}

/** The 小类 of a code, or a 400 naming the code. */
export function minorOrThrow(tables: CaseTables, code: string): CaseMinorCategory {
  const m = tables.categories.minor(code);
  if (!m)
    throw new AppError('bad_request', `未知的小类代码 ${code} / unknown category code "${code}" (see GET /api/cases/categories)`);
  return m;
}

export const noSuchCase = (id: number): AppError => new AppError('not_found', `没有这个案件或无权查看 / no such case: #${id}`);
