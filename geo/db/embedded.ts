import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Db, Queryable, SqlParam } from './types';

/**
 * The embedded backend: PostgreSQL + PostGIS compiled to WASM, persisted in `dataDir`.
 * PGlite has one connection, so statements are queued; a transaction holds the queue until it ends.
 */
export async function openEmbedded(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir, extensions: { postgis } });
  const normalise = (rows: unknown[]) => rows as never[];
  const run = async <T>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly SqlParam[]): Promise<T[]> =>
    normalise((await q.query(sql, params as unknown[])).rows) as T[];
  const db: Db = {
    backend: 'embedded',
    query: (sql, params) => run(pg, sql, params),
    transaction: (fn) =>
      pg.transaction(async (t) => {
        const tx: Queryable = { query: (sql, params) => run(t, sql, params) };
        return fn(tx);
      }),
    async exec(sql) {
      await pg.exec(sql);
    },
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, () => onNotify());
      return async () => {
        await unlisten();
      };
    },
    close: () => pg.close(),
  };
  return db;
}
