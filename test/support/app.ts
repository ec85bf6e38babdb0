import pino from 'pino';
import type { Express } from 'express';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness, type ReadyState } from '../../gateway/deps';
import { buildReadyState } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';
import { openTestDb } from './db';

export interface TestApp {
  app: Express;
  readiness: Readiness;
  state: ReadyState;
  db: Db;
  close: () => Promise<void>;
}

/** The real HTTP app over the imported test PostGIS, built in-process for supertest. */
export async function createTestApp(): Promise<TestApp> {
  const db = await openTestDb();
  const readiness = new Readiness();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const state: ReadyState = await buildReadyState(db, config, log, readiness.changes);
  readiness.markReady(state);
  const app = createApp({ config, log, readiness });
  return { app, readiness, state, db, close: () => db.close() };
}
