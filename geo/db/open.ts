import path from 'node:path';
import type { Db } from './types';

/** Opens a real PostGIS when a URL is given, otherwise the embedded database under `dataDir`. */
export async function openDb(opts: { databaseUrl?: string | undefined; dataDir: string }): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(opts.databaseUrl, { statementTimeoutMs: 30_000 });
  }
  const { openEmbedded } = await import('./embedded');
  return openEmbedded(path.join(opts.dataDir, 'pglite'));
}
