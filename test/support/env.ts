import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CITY_DATA_DIR = process.env.CITY_DATA_DIR ?? path.resolve(ROOT, '..', 'shared', 'harbin');
export const OUTPUT_DIR = path.join(ROOT, 'test-output');

/** The real PostGIS the suite runs against; `npm test` sets it, a bare `jest` falls back to the default. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://harbin:harbin-test-only@127.0.0.1:5432/harbin_test';
  const name = new URL(url).pathname.slice(1);
  // Destructive set-up (drop and re-create) must never reach a database that is not a test database.
  if (!/_test(_[a-z0-9]+)?$/.test(name)) {
    throw new Error(`refusing to run tests against database "${name}": its name must end in _test (or _test_<name>)`);
  }
  return url;
}

/** The same server's maintenance database, for creating and dropping test databases. */
export function adminUrl(url = testDatabaseUrl()): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** The real Redis and MQTT broker (Mosquitto) of the scale-out and stream tests; `npm test` starts both. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
