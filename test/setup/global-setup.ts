import { mkdirSync } from 'node:fs';
import { Client } from 'pg';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import { ensureGrid } from '../../geo/grid/generate';
import { importCity } from '../../geo/import/importer';
import { loadManifest } from '../../geo/import/manifest';
import { adminUrl, CITY_DATA_DIR, OUTPUT_DIR, testDatabaseUrl } from '../support/env';

/** Re-creates the test database from nothing and imports the real Harbin data into it, once per run. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const url = testDatabaseUrl();
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: adminUrl(url) });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = await openPostgres(url);
  try {
    await migrate(db);
    await importCity(db, loadManifest(), CITY_DATA_DIR);
    await ensureGrid(db);
  } finally {
    await db.close();
  }
}
