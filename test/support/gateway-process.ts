import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT } from './env';

export interface GatewayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

const handedOut = new Set<number>();

/**
 * A port free now and not handed out before by this process: a port is closed again before its user binds it, so two
 * calls in a row (an MQTT port, then the gateway's) could otherwise get the same number.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const found = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Gateways this test process started and has not seen exit. A suite whose set-up timed out never gets the stack to
 * close, and a gateway left running would go on writing (audit rows signed with its checkout's key, sweeps) into the
 * next run's test database of the same name: whatever is still running when the test process ends is killed.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the real gateway (`tsx gateway/main.ts`) as a child process and waits until `/api/health` says ok (or, with
 * `accept` including `degraded`, until start-up has finished even though some part does not serve).
 * `env` adds to the parent's environment; pass `DATABASE_URL: ''` for the embedded backend. `fixedPort` restarts a
 * gateway where its clients expect it.
 */
export async function startGateway(
  env: Record<string, string>,
  timeoutMs = 120_000,
  fixedPort?: number,
  accept: readonly ('ok' | 'degraded')[] = ['ok'],
): Promise<GatewayProcess> {
  const port = fixedPort ?? (await freePort());
  // tsx as a loader in this very process (not its CLI, which runs the script in a second process): a signal sent to
  // `child` reaches the gateway itself, so SIGKILL tests kill what they mean to.
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT,
    // No embedded MQTT broker unless a test asks for one: parallel gateways would contend for its port.
    // HOST: '' leaves the address to the gateway's own default.
    env: { ...process.env, LOG_LEVEL: 'warn', MQTT_PORT: '0', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      const status = ((await res.json()) as { status?: string }).status;
      if (accept.some((a) => a === status)) {
        return { url, port, child, output: () => out, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop('SIGKILL');
  throw new Error(`gateway was not ready within ${timeoutMs} ms:\n${out}`);
}

/** Resolves once the gateway's MQTT streams (gauges, unit positions) are subscribed, as `/api/health` reports. */
export async function streamsConnected(g: GatewayProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${g.url}/api/health`)).json()) as { streams?: string };
    last = String(health.streams);
    if (last === 'connected') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`MQTT streams of ${g.url} not connected within ${timeoutMs} ms (last: ${last})`);
}
