/**
 * SMS through the real SMPP path: 1,000 notifications queued in the database (one transaction, as a caller of
 * `enqueueNotification` does) and sent by the real gateway process's worker to a real SMPP server process
 * (scripts/smsc.ts, answering each submit_sm and sending a delivery receipt), until every one is 'sent' (the SMSC
 * accepted it) and 'delivered' (its receipt recorded). The reference, in the same run against the same SMSC: a bare
 * `smpp` client submitting 1,000 messages with 200 in flight — what the SMSC itself accepts per second.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as smpp from 'smpp';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { openPostgres } from '../../geo/db/postgres';
import type { StandaloneContext } from './context';
import { freePort, ROOT, startGateway } from './ingest-load';
import type { Report } from './report';
import { nowMs } from './stats';

const SECTION = 'SMS over SMPP (短信通知)';
const COUNT = Number(process.env.BENCH_SMS_COUNT ?? 1000);
const WINDOW = 200;
const SYSTEM_ID = 'harbin';
const PASSWORD = 'bench-smsc';

async function startSmsc(port: number, record: string): Promise<() => Promise<void>> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/smsc.ts',
      '--port',
      String(port),
      '--system-id',
      SYSTEM_ID,
      '--password',
      PASSWORD,
      '--record',
      record,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('smsc listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`smsc exited with ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

/** A bare client: bind, submit `count` messages with `WINDOW` in flight; the time until every submit_sm_resp. */
async function bareSubmissions(port: number, count: number): Promise<number> {
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}` });
  session.on('deliver_sm', (pdu: smpp.Pdu) => session.send(pdu.response()));
  await new Promise<void>((resolve, reject) => {
    session.on('connect', () =>
      session.bind_transceiver({ system_id: SYSTEM_ID, password: PASSWORD }, (pdu) =>
        pdu.command_status === 0 ? resolve() : reject(new Error(`bind refused: ${pdu.command_status}`)),
      ),
    );
    session.on('error', reject);
  });
  const t0 = nowMs();
  let sent = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      while (sent < count && sent - done < WINDOW) {
        const i = sent++;
        session.submit_sm(
          {
            source_addr: '12329',
            destination_addr: '13800009999',
            registered_delivery: 1,
            short_message: { message: `参照短信 ${i}：请值班人员到岗` },
          },
          (resp) => {
            if (resp.command_status !== 0) return reject(new Error(`submit refused: ${resp.command_status}`));
            done++;
            if (done === count) resolve();
            else next();
          },
        );
      }
    };
    next();
  });
  const ms = nowMs() - t0;
  await new Promise<void>((resolve) => session.unbind({}, () => session.close(() => resolve())));
  return ms;
}

export async function benchSms(ctx: StandaloneContext, report: Report): Promise<void> {
  const port = await freePort();
  const record = path.join(tmpdir(), `harbin-bench-smsc-${process.pid}.jsonl`);
  rmSync(record, { force: true });
  const stopSmsc = await startSmsc(port, record);
  const gateway = await startGateway({
    databaseUrl: ctx.databaseUrl,
    extraEnv: { SMPP_URL: `smpp://${SYSTEM_ID}:${PASSWORD}@127.0.0.1:${port}` },
  });
  const db = await openPostgres(ctx.databaseUrl);
  try {
    // Let the gateway bind first.
    await new Promise((r) => setTimeout(r, 2000));
    const bareMs = await bareSubmissions(port, COUNT);
    // The demo seed gave zhihui.wang a phone number (data/demo/duty.json).
    const [user] = await db.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'zhihui.wang'`);
    const q0 = nowMs();
    const ids = await db.transaction(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < COUNT; i++)
        out.push(
          (
            await enqueueNotification(tx, {
              audience: { userIds: [user!.id] },
              title: `基准通知 ${i}`,
              body: '请值班人员到岗',
              source: { kind: 'bench', id: String(i) },
            })
          ).id,
        );
      return out;
    });
    const t0 = nowMs();
    const queueMs = t0 - q0;
    let sentMs = 0;
    let deliveredMs = 0;
    for (;;) {
      const [c] = await db.query<{ sent: number; delivered: number }>(
        `SELECT count(*) FILTER (WHERE d.state IN ('sent', 'delivered'))::int AS sent, count(*) FILTER (WHERE d.state = 'delivered')::int AS delivered
           FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id AND d.channel = 'sms'
          WHERE r.notification_id = ANY ($1::uuid[])`,
        [ids],
      );
      if (!sentMs && c!.sent === COUNT) sentMs = nowMs() - t0;
      if (c!.delivered === COUNT) {
        deliveredMs = nowMs() - t0;
        break;
      }
      if (nowMs() - t0 > 120_000) throw new Error(`only ${c!.sent} sent, ${c!.delivered} delivered of ${COUNT} within 120 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const perS = (ms: number) => (COUNT / (ms / 1000)).toFixed(0);
    report.add({
      section: SECTION,
      figure: `${COUNT.toLocaleString('en')} SMS queued → accepted by the SMSC (state 'sent'), per second`,
      backend: 'postgis',
      value: `${perS(sentMs)}/s (${(sentMs / 1000).toFixed(2)} s)`,
      reference: `bare smpp client, ${WINDOW} in flight: ${perS(bareMs)}/s (${(bareMs / 1000).toFixed(2)} s)`,
      ratio: `${(bareMs / sentMs).toFixed(2)}×`,
      target: '≥ 100/s',
      verdict: COUNT / (sentMs / 1000) >= 100 ? 'meets' : 'misses',
    });
    report.add({
      section: SECTION,
      figure: `… and every delivery receipt recorded (state 'delivered'), per second`,
      backend: 'postgis',
      value: `${perS(deliveredMs)}/s (${(deliveredMs / 1000).toFixed(2)} s)`,
      reference: `bare client ${perS(bareMs)}/s`,
      ratio: `${(bareMs / deliveredMs).toFixed(2)}×`,
      target: 'info',
      verdict: 'info',
    });
    report.note(
      `${SECTION}: the ratio is the platform's rate over the SMSC's own (1.00× = as fast as the SMSC accepts). Queueing the ${COUNT.toLocaleString('en')} notifications in one transaction took ${(queueMs / 1000).toFixed(2)} s and is not counted; the worker claims 200 at a time (FOR UPDATE SKIP LOCKED), submits them concurrently over one transceiver bind, and records their states in one statement per batch.`,
    );
  } finally {
    await db.close();
    await gateway.stop();
    await stopSmsc();
    rmSync(record, { force: true });
  }
}
