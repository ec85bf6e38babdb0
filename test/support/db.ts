import { Client } from 'pg';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { adminUrl, testDatabaseUrl } from './env';

/** Opens the shared, imported test database (prepared once by global-setup). */
export function openTestDb(): Promise<Db> {
  return openPostgres(testDatabaseUrl());
}

/** Creates an empty scratch database beside the test database, for tests that need their own schema state. */
export async function createScratchDb(suffix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(testDatabaseUrl());
  const name = `${base.pathname.slice(1)}_${suffix}`.replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  base.pathname = `/${name}`;
  return {
    url: base.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
