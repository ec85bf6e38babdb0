import pino from 'pino';
import type { Express } from 'express';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness, type ReadyState } from '../../gateway/deps';
import { buildGeoServices } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';
import { openTestDb } from './db';

export interface TestApp {
  app: Express;
  state: ReadyState;
  db: Db;
  close: () => Promise<void>;
}

/** The real HTTP app over the imported test PostGIS, built in-process for supertest. */
export async function createTestApp(): Promise<TestApp> {
  const db = await openTestDb();
  const readiness = new Readiness();
  const state: ReadyState = { db, geo: await buildGeoServices(db) };
  readiness.markReady(state);
  const app = createApp({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
    log: pino({ level: 'silent' }),
    readiness,
  });
  return { app, state, db, close: () => db.close() };
}
