import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/types';
import { splitStatements } from '../db/migrate';

export const GRID_SETTINGS = {
  /** Cell edge in metres: 100 m x 100 m gives the standard's "about 10,000 m²". */
  cellSizeM: 100,
  /** A community is a block of 10 x 10 cells (see DECISIONS.md: no open community boundaries exist). */
  communityBlockCells: 10,
  /** Clipped pieces smaller than a quarter cell join a neighbour instead of standing as cells of their own. */
  sliverAreaM2: 2500,
} as const;

const SQL = readFileSync(path.join(__dirname, 'generate.sql'), 'utf8');

/** Puts the (numeric, code-defined) settings into the script; nothing from a request ever reaches it. */
function renderSql(settings: typeof GRID_SETTINGS): string {
  const values: Record<string, number> = {
    cell_size: settings.cellSizeM,
    block_cells: settings.communityBlockCells,
    sliver_area: settings.sliverAreaM2,
  };
  return SQL.replace(/:(cell_size|block_cells|sliver_area)\b/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`grid setting ${key} is not a number`);
    return String(v);
  });
}

export interface GridReport {
  status: 'generated' | 'unchanged';
  cells: number;
  communities: number;
  ms: number;
}

/** Generates the grid when it is missing (or always, with `force`), replacing any earlier one in one transaction. */
export async function ensureGrid(db: Db, opts: { force?: boolean } = {}): Promise<GridReport> {
  const t0 = Date.now();
  const count = async () => {
    const [row] = await db.query<{ cells: number; communities: number }>(
      'SELECT (SELECT count(*)::int FROM grid_cell) AS cells, (SELECT count(*)::int FROM grid_community) AS communities',
    );
    return row ?? { cells: 0, communities: 0 };
  };
  const before = await count();
  if (before.cells > 0 && !opts.force) return { status: 'unchanged', ...before, ms: 0 };
  const statements = splitStatements(renderSql(GRID_SETTINGS));
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM grid_cell');
    await tx.query('DELETE FROM grid_community');
    for (const stmt of statements) await tx.query(stmt);
  });
  await db.exec('ANALYZE grid_community; ANALYZE grid_cell');
  return { status: 'generated', ...(await count()), ms: Date.now() - t0 };
}
