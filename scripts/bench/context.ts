import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness, type ReadyState } from '../../gateway/deps';
import { buildGeoServices } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';

/** One backend under test: its database, the services built on it, and the real HTTP app listening on loopback. */
export interface BenchBackend {
  name: 'postgis' | 'embedded';
  db: Db;
  state: ReadyState;
  baseUrl: string;
  close: () => Promise<void>;
}

export async function serveBackend(name: BenchBackend['name'], db: Db): Promise<BenchBackend> {
  const state: ReadyState = { db, geo: await buildGeoServices(db) };
  const readiness = new Readiness();
  readiness.markReady(state);
  const app = createApp({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
    log: pino({ level: 'silent' }),
    readiness,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    db,
    state,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** GET a JSON endpoint, failing the benchmark loudly on a non-2xx answer rather than timing an error path. */
export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}
