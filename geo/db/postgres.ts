import { Client, Pool, types } from 'pg';
import type { Db, Queryable, SqlParam } from './types';

// bigint and numeric arrive as strings by default; counts and sums here fit in a double.
types.setTypeParser(20, (v) => Number(v));
types.setTypeParser(1700, (v) => Number(v));

/** A PostGIS server reached through a `pg` pool. */
export async function openPostgres(url: string, opts: { statementTimeoutMs?: number } = {}): Promise<Db> {
  const pool = new Pool({
    connectionString: url,
    max: 10,
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it on next use */
  });
  const run = async <T>(q: { query: Pool['query'] }, sql: string, params?: readonly SqlParam[]) =>
    (await q.query(sql, params as unknown[])).rows as T[];
  const db: Db = {
    backend: 'postgis',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async listen(channel, onNotify) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
      let stopped = false;
      let client: Client | null = null;
      const connect = async (): Promise<void> => {
        if (stopped) return;
        const c = new Client({ connectionString: url });
        c.on('notification', (msg) => msg.channel === channel && onNotify());
        c.on('error', () => {
          // Reconnect after a lost connection; meanwhile the caller's polling covers the gap.
          client = null;
          void c.end().catch(() => undefined);
          setTimeout(() => void connect().catch(() => undefined), 1000).unref();
        });
        await c.connect();
        await c.query(`LISTEN ${channel}`);
        client = c;
      };
      await connect();
      return async () => {
        stopped = true;
        await (client as Client | null)?.end().catch(() => undefined);
      };
    },
    close: () => pool.end(),
  };
  return db;
}
