import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from './env';
import { freePort } from './gateway-process';

export interface SmscRecord {
  messageId: string;
  source: string;
  destination: string;
  text: string;
  at: string;
}

export interface SmscProcess {
  port: number;
  url: string;
  stop: () => Promise<void>;
}

export const SMSC_SYSTEM_ID = 'harbin';
export const SMSC_PASSWORD = 'smsc-test-pass';

/** Starts scripts/smsc.ts (an SMPP server made with the `smpp` package) as its own process; resolves once it listens. */
export async function startSmsc(
  record: string,
  opts: { port?: number; receiptMs?: number; throttle?: number; throttleTo?: string; rate?: number } = {},
): Promise<SmscProcess> {
  const { port, receiptMs = 20, throttle = 0, throttleTo = '', rate = 0 } = opts;
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/smsc.ts',
      '--port',
      String(p),
      '--system-id',
      SMSC_SYSTEM_ID,
      '--password',
      SMSC_PASSWORD,
      '--record',
      record,
      '--receipt-ms',
      String(receiptMs),
      '--throttle',
      String(throttle),
      '--throttle-to',
      throttleTo,
      '--rate',
      String(rate),
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('smsc listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`smsc exited with ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port: p,
    url: `smpp://${SMSC_SYSTEM_ID}:${SMSC_PASSWORD}@127.0.0.1:${p}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Every message the SMSC accepted so far. */
export function smscRecords(file: string): SmscRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SmscRecord);
}
