import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Ack } from '../../contracts/realtime';
import { loadConfig } from '../../gateway/config';
import type { AppDeps } from '../../gateway/deps';
import { createApp } from '../../gateway/app';
import { MediaGateway } from '../../gateway/media/gateway';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { createIdentityTestApp, freshIp, type IdentityTestApp } from './identity';

export type MediaSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface MediaTestGateway {
  t: IdentityTestApp;
  media: MediaGateway;
  url: string;
  open(cookie: string): Promise<MediaSocket>;
  close(): Promise<void>;
}

/**
 * The real gateway app and Socket.IO server in this process, with the real video service (mediasoup workers,
 * ffmpeg ingest) over the test PostGIS; the camera registry is seeded from data/cameras.json.
 */
export async function startMediaTestGateway(
  env: { MEDIA_WORKERS?: string; MEDIA_IDLE_STOP_MS?: string } = {},
  workerEnv: NodeJS.ProcessEnv = process.env,
): Promise<MediaTestGateway> {
  const base = await createIdentityTestApp();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', ...env });
  const media = new MediaGateway(config, base.deps.log, base.deps.readiness, workerEnv);
  await media.start();
  const deps: AppDeps = { ...base.deps, config, media };
  const t: IdentityTestApp = { ...base, deps, app: createApp(deps) };
  const server: Server = createServer(t.app);
  const realtime: Realtime = attachRealtime(server, deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: MediaSocket[] = [];
  return {
    t,
    media,
    url,
    open: (cookie) =>
      new Promise((resolve, reject) => {
        const s: MediaSocket = connect(url, {
          transports: ['websocket'],
          extraHeaders: { cookie, 'x-forwarded-for': freshIp() },
          reconnection: false,
        });
        sockets.push(s);
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      }),
    close: async () => {
      for (const s of sockets) s.disconnect();
      await realtime.close();
      await media.close();
      await t.close();
    },
  };
}

/** Emits a request and resolves with its acknowledgement. */
export function request<T>(s: MediaSocket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return new Promise((resolve) => (s.emit as (e: string, ...a: unknown[]) => void)(event, ...args, resolve));
}

/** The data of a successful acknowledgement, or a failure naming the error. */
export async function ok<T>(s: MediaSocket, event: string, ...args: unknown[]): Promise<T> {
  const ack = await request<T>(s, event, ...args);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Whether a process id is alive (signal 0 checks without sending anything). */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Child processes of `ppid` whose command name starts with `name` (Linux /proc; names are cut at 15 characters). */
export function childPids(ppid: number, name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(open + 1, close);
      const parent = Number(stat.slice(close + 2).split(' ')[1]);
      if (parent === ppid && comm === name.slice(0, 15)) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
