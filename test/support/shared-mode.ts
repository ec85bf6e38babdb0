import { Client } from 'pg';
import { testDatabaseUrl } from './env';

/** Advisory-lock key of the shared mode row in tests (the gateway's own change-log lock uses another key). */
const SHARED_MODE_LOCK = 7_301_202;

/**
 * The system mode is one row that every suite on the test database shares, and suites run two at a time: a test that
 * switches the mode and checks what follows holds this lock (a PostgreSQL advisory lock on a connection of its own)
 * from its first switch until it has put the mode back, so another suite's switch cannot land in between.
 */
export async function withSharedMode<T>(check: () => Promise<T>): Promise<T> {
  const lock = new Client({ connectionString: testDatabaseUrl() });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [SHARED_MODE_LOCK]);
    return await check();
  } finally {
    await lock.end();
  }
}
