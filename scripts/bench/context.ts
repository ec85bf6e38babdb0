import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness, type ReadyState } from '../../gateway/deps';
import { buildReadyState } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';

/** What a standalone section gets: the real PostGIS bench database, recreated at the start of the run. */
export interface StandaloneContext {
  databaseUrl: string;
}

/** One backend under test: its database, the services built on it, and the real HTTP app listening on loopback. */
export interface BenchBackend {
  name: 'postgis' | 'embedded';
  db: Db;
  state: ReadyState;
  baseUrl: string;
  close: () => Promise<void>;
}

export async function serveBackend(name: BenchBackend['name'], db: Db): Promise<BenchBackend> {
  const readiness = new Readiness();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const state: ReadyState = await buildReadyState(db, config, log, readiness.changes);
  readiness.markReady(state);
  const app = createApp({ config, log, readiness });
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

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * A plain keep-alive GET with Node's http client: lighter per request than fetch, so the figure is the server's
 * work more than the client's.
 */
export function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** GET a JSON endpoint, failing the benchmark loudly on a non-2xx answer rather than timing an error path. */
export async function getJson(url: string): Promise<unknown> {
  const res = await httpGet(url);
  if (res.status < 200 || res.status >= 300) throw new Error(`${url} answered ${res.status}: ${res.body.toString()}`);
  return JSON.parse(res.body.toString()) as unknown;
}
