/**
 * Load-generator helpers of the ingest benchmark: child processes (the gateway, the reference server, the client
 * fleet), their CPU time from /proc, signed agency records, and open-loop and closed-loop HTTP posting.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Pool } from 'pg';
import { FEED_SOURCES, type FeedSource } from '../../contracts/incidents';
import { CATEGORIES_BY_SOURCE } from '../../gateway/feeds/adapters';
import { loadFeedKeys } from '../../gateway/feeds/keys';
import { signFeed } from '../../gateway/feeds/signature';
import { encodeReport } from '../scenario/encoders';
import type { TruthReport } from '../scenario/truth';
import { nowMs } from './stats';

export const ROOT = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------------------------
// Processes and their CPU time

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** CPU seconds of several processes between `start()` and `stop()`. */
export function cpuMeter(pids: Record<string, number>): { stop: () => Record<string, number> } {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  return {
    stop: () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - before[k]!])),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NodeProcess {
  pid: number;
  child: ChildProcess;
  /** Everything the process printed (the last 20,000 characters), for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Runs a TypeScript file as its own Node process (`node --import tsx`, one process: its pid is the one whose CPU is
 * read) and resolves when its output matches `ready`.
 */
export async function startNode(script: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} was not ready within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${out}`));
    });
  });
  if (child.pid === undefined) throw new Error(`${script} has no pid`);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${script} exited unexpectedly (${code ?? signal}); its last output:\n${out.slice(-4000)}`);
  });
  return {
    pid: child.pid,
    child,
    output: () => out,
    stop: () => {
      stopping = true;
      return stop();
    },
  };
}

/** The real gateway (`gateway/main.ts`) on a free loopback port; PostGIS when `databaseUrl` is set, else embedded. */
export async function startGateway(
  opts: { databaseUrl?: string; dataDir?: string; script?: string; extraEnv?: Record<string, string> },
  timeoutMs = 240_000,
): Promise<NodeProcess & { port: number; baseUrl: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    LOG_LEVEL: 'warn',
    IDENTITY_SEED: 'demo',
    DATABASE_URL: opts.databaseUrl ?? '',
    ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
    ...opts.extraEnv,
  };
  const proc = await startNode(opts.script ?? 'gateway/main.ts', env, /is ready/, timeoutMs);
  return { ...proc, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** Logs in over HTTP and returns the `hb_sid=…` cookie pair. */
export async function login(baseUrl: string, username: string, password: string, forwardedFor: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('hb_sid='));
  if (!cookie) throw new Error('login did not set the hb_sid cookie');
  return cookie;
}

// ---------------------------------------------------------------------------------------------------------------
// Signed agency records

export interface PostRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface SignedRecord extends PostRequest {
  source: FeedSource;
  sourceId: string;
}

/** mulberry32: deterministic, so every run posts the same mix of places, times and categories. */
export function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds signed records in every agency's native format, round-robin over the six sources and their categories,
 * at random points of central Harbin and random times of the past year: reports that far apart in space and time
 * rarely fuse, so nearly every record opens its own incident and its change carries one record.
 */
export class RecordMaker {
  private readonly keys = loadFeedKeys(path.join(ROOT, 'data', 'demo', 'feed-keys.json'));
  private readonly random: () => number;
  private n = 0;

  constructor(
    private readonly tag: string,
    seed: number,
  ) {
    this.random = rng(seed);
  }

  next(): SignedRecord {
    const i = this.n++;
    const source = FEED_SOURCES[i % FEED_SOURCES.length]!;
    const categories = CATEGORIES_BY_SOURCE[source];
    const category = categories[Math.floor(i / FEED_SOURCES.length) % categories.length]!;
    const at = new Date(Date.now() - (1 + this.random() * 359) * 86_400_000);
    at.setUTCMilliseconds(0);
    const truth: TruthReport = {
      source,
      sourceId: `B${this.tag}${i.toString(36).toUpperCase().padStart(5, '0')}`,
      category,
      priority: 1 + (i % 9),
      title: '压测警情',
      description: '接入基准测试生成的报告',
      at,
      lon: 126.6 + this.random() * 0.1,
      lat: 45.73 + this.random() * 0.05,
      address: '哈尔滨市南岗区红军街',
      addressOnly: false,
      casualties: null,
    };
    const body = Buffer.from(JSON.stringify(encodeReport(truth)));
    const ts = Math.floor(Date.now() / 1000);
    return {
      source,
      sourceId: truth.sourceId,
      path: `/api/feeds/${source}`,
      body,
      headers: {
        'content-type': 'application/json',
        'x-feed-timestamp': String(ts),
        'x-feed-signature': signFeed(this.keys.secretOf(source)!, ts, body),
      },
    };
  }

  many(n: number): SignedRecord[] {
    return Array.from({ length: n }, () => this.next());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Posting

export interface PostTarget {
  port: number;
  agent: Agent;
}

/** A keep-alive HTTP target on loopback with up to `maxSockets` connections. */
export function postTarget(port: number, maxSockets: number): PostTarget {
  return { port, agent: new Agent({ keepAlive: true, maxSockets }) };
}

/** One POST; `onSent` is called with the time the request was handed to the socket layer. */
export function post(t: PostTarget, req: PostRequest, onSent?: (ms: number) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: t.port,
        path: req.path,
        method: 'POST',
        agent: t.agent,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    onSent?.(nowMs());
    r.end(req.body);
  });
}

export interface OpenLoopResult {
  /** Per request: when it was sent and when its answer arrived (ms on the shared monotonic clock). */
  sentMs: Float64Array;
  ackMs: Float64Array;
  status: Uint16Array;
  /** Requests that could not leave on schedule because `maxInFlight` were outstanding. */
  delayed: number;
  /** Requests per second actually sent, first to last send. */
  sendRate: number;
  firstSentMs: number;
  lastAckMs: number;
}

/**
 * Posts `reqs` on a fixed schedule of `ratePerS` (open loop: a slow answer does not slow the sender), with at most
 * `maxInFlight` outstanding; a request due while that many are outstanding waits and is counted as delayed.
 */
export function postOpenLoop(
  t: PostTarget,
  reqs: readonly PostRequest[],
  ratePerS: number,
  maxInFlight: number,
): Promise<OpenLoopResult> {
  const n = reqs.length;
  const sentMs = new Float64Array(n);
  const ackMs = new Float64Array(n);
  const status = new Uint16Array(n);
  let next = 0;
  let inFlight = 0;
  let done = 0;
  let delayed = 0;
  const t0 = nowMs();
  return new Promise((resolve) => {
    const finish = () => {
      const last = Math.max(...ackMs);
      const span = (sentMs[n - 1]! - sentMs[0]!) / 1000;
      resolve({
        sentMs,
        ackMs,
        status,
        delayed,
        sendRate: span > 0 ? (n - 1) / span : n,
        firstSentMs: sentMs[0]!,
        lastAckMs: last,
      });
    };
    const send = (i: number) => {
      inFlight++;
      post(t, reqs[i]!, (ms) => (sentMs[i] = ms))
        .then(
          (res) => {
            ackMs[i] = nowMs();
            status[i] = res.status;
          },
          () => {
            ackMs[i] = nowMs();
            status[i] = 0;
          },
        )
        .finally(() => {
          inFlight--;
          if (++done === n) finish();
        });
    };
    const pump = () => {
      const due = Math.min(n, Math.floor(((nowMs() - t0) * ratePerS) / 1000) + 1);
      while (next < due && inFlight < maxInFlight) send(next++);
      if (next < due) delayed++;
      if (next < n) setTimeout(pump, 1);
    };
    pump();
  });
}

/**
 * Keeps `concurrency` operations outstanding for `durationMs` (closed loop) and returns how many completed per second,
 * counted from the start to the last completion.
 */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  op: () => Promise<void>,
): Promise<{ completed: number; perSecond: number; elapsedMs: number }> {
  const start = nowMs();
  const end = start + durationMs;
  let completed = 0;
  let lastMs = start;
  const worker = async () => {
    while (nowMs() < end) {
      await op();
      completed++;
      lastMs = nowMs();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = lastMs - start;
  return { completed, perSecond: completed / (elapsedMs / 1000), elapsedMs };
}

/** Closed-loop POSTs; every answer must be 2xx. */
export function postClosedLoop(t: PostTarget, concurrency: number, durationMs: number, make: () => PostRequest) {
  return closedLoop(concurrency, durationMs, async () => {
    const res = await post(t, make());
    if (res.status < 200 || res.status >= 300) throw new Error(`POST answered ${res.status}: ${res.body.slice(0, 300)}`);
  });
}

/** Busy CPU seconds of the whole machine so far, summed over its cores (from /proc/stat). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return (v.reduce((a, b) => a + b, 0) - idle) / ticksPerSecond();
}

/** CPU seconds so far of every PostgreSQL backend serving the pool's database, by pid (not the asking one). */
export async function backendCpu(pool: Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      out.set(pid, cpuSeconds(pid));
    } catch {
      // the backend ended meanwhile
    }
  }
  return out;
}

export interface CpuUse {
  /** CPU seconds of each named process. */
  processes: Record<string, number>;
  /** CPU seconds of the database's PostgreSQL backends (null when not sampled). */
  postgres: number | null;
  /** Busy CPU seconds of the whole machine (every process, other tenants included), and the wall time. */
  machine: number;
  wallS: number;
}

/**
 * Samples CPU time between `start` and `stop`: named processes from /proc/<pid>/stat, the PostgreSQL backends of
 * a database (a backend that appears meanwhile counts from its start), and the whole machine.
 */
export async function cpuSampler(pids: Record<string, number>, pg: Pool | null): Promise<{ stop: () => Promise<CpuUse> }> {
  const procs = cpuMeter(pids);
  const backends = pg ? await backendCpu(pg) : null;
  const machine = machineBusySeconds();
  const t0 = nowMs();
  return {
    stop: async () => {
      const processes = procs.stop();
      const m = machineBusySeconds() - machine;
      const wallS = (nowMs() - t0) / 1000;
      let postgres: number | null = null;
      if (pg && backends) {
        postgres = 0;
        for (const [pid, s] of await backendCpu(pg)) postgres += s - (backends.get(pid) ?? 0);
      }
      return { processes, postgres, machine: m, wallS };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The client fleet (scripts/bench/ingest-clients.ts in its own process)

export type FleetMode = 'socketio' | 'raw';

export type FleetRequest =
  | { id: number; type: 'connect'; mode: FleetMode; url: string; cookies: string[]; clients: number }
  | { id: number; type: 'track'; sourceIds: string[]; capture: boolean }
  | { id: number; type: 'progress' }
  | { id: number; type: 'collect' }
  | { id: number; type: 'close' };

export interface FleetProgress {
  /** Tracked records received, summed over clients (first arrival per client and record). */
  deliveries: number;
  frames: number;
  bytes: number;
  /** Clients whose connection closed after they had subscribed (since the fleet started). */
  closed: number;
}

export interface FleetResult extends FleetProgress {
  /** Per tracked record: how many clients received it, and when the first and the last of them did. */
  count: Uint16Array;
  firstMs: Float64Array;
  lastMs: Float64Array;
  /** With `capture`: each tracked record's change payload (JSON) as the first client received it. */
  captured: [string, string][];
}

export type FleetReply = { id: number; ok: true; data?: unknown } | { id: number; ok: false; error: string };

/** The parent's handle on the client-fleet process: requests over IPC (structured clone, so typed arrays pass). */
export class ClientFleet {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: FleetReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.data);
      else p.reject(new Error(m.error));
    });
    child.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`client fleet exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(): ClientFleet {
    const child = fork(path.join(__dirname, 'ingest-clients.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ClientFleet(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask<T>(
    req: FleetRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never,
    timeoutMs = 120_000,
  ): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`client fleet did not answer ${req.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...req, id });
    });
  }

  connect(mode: FleetMode, url: string, cookies: string[], clients: number): Promise<void> {
    return this.ask({ type: 'connect', mode, url, cookies, clients });
  }

  track(sourceIds: string[], capture = false): Promise<void> {
    return this.ask({ type: 'track', sourceIds, capture });
  }

  progress(): Promise<FleetProgress> {
    return this.ask({ type: 'progress' });
  }

  collect(): Promise<FleetResult> {
    return this.ask({ type: 'collect' });
  }

  /**
   * Waits until `expected` deliveries have arrived, or nothing has arrived for `idleMs`, or `maxMs` has passed;
   * resolves with the time the last progress was seen.
   */
  async drain(expected: number, idleMs: number, maxMs: number): Promise<FleetProgress> {
    const deadline = nowMs() + maxMs;
    let last = await this.progress();
    let lastChange = nowMs();
    while (last.deliveries < expected && nowMs() < deadline && nowMs() - lastChange < idleMs) {
      await new Promise((r) => setTimeout(r, 100));
      const p = await this.progress();
      if (p.deliveries !== last.deliveries) lastChange = nowMs();
      last = p;
    }
    return last;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.ask({ type: 'close' }, 10_000).catch(() => this.child.kill('SIGKILL'));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
