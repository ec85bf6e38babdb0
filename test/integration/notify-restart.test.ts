import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { LEASE_SECONDS } from '../../gateway/notify/worker';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';
import { OUTPUT_DIR, testDatabaseUrl } from '../support/env';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { createAccount } from '../support/identity';
import { smscRecords, startSmsc, type SmscProcess } from '../support/smsc';

/**
 * The real gateway process sends SMS through a real SMPP server process while it is restarted: gently (SIGTERM: what
 * is in flight is recorded first) and hard (SIGKILL: leased rows are taken over after the lease). No message is lost;
 * each delivery's state steps are recorded once.
 */
const DEPT = `notify-rst-${Date.now().toString(36)}`;
const DIR = path.join(OUTPUT_DIR, 'notify');
const RECORD = path.join(DIR, `smsc-restart-${process.pid}.jsonl`);
const PEOPLE = 4;
const MESSAGES = 250;

let db: Db;
let smsc: SmscProcess;
let gateway: GatewayProcess | null = null;
let env: Record<string, string>;
// Without a built mediasoup worker the gateway runs without video and reports itself degraded: that is not ours.
const userIds: string[] = [];

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  rmSync(RECORD, { force: true });
  db = await openTestDb();
  await db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    DEPT,
    `重启测试部门 ${DEPT}`,
  ]);
  for (let i = 0; i < PEOPLE; i++) {
    const id = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: `rst${i}` })).id;
    userIds.push(id);
    await db.query(`INSERT INTO notify_contact (user_id, phone, updated_at) VALUES ($1, $2, now())`, [
      id,
      `1370000${String(i).padStart(4, '0')}`,
    ]);
  }
  // At an SMSC's licensed rate the 1,000 messages take seconds, so each restart lands in the middle of sending.
  smsc = await startSmsc(RECORD, { rate: 150 });
  env = {
    DATABASE_URL: testDatabaseUrl(),
    SMPP_URL: smsc.url,
    IDENTITY_SEED: 'demo',
    DEMO_UNITS: 'false',
    REDIS_URL: '',
    SMTP_URL: '',
  };
  gateway = await startGateway(env, 180_000, undefined, ['ok', 'degraded']);
}, 240_000);

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await smsc?.stop();
  await db.query('UPDATE department SET active = false WHERE id = $1', [DEPT]);
  await db.close();
});

/** Queues MESSAGES notifications to every person of the department (PEOPLE SMS each), titled `${tag} n`. */
async function queue(tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const n = await db.transaction((tx) =>
      enqueueNotification(tx, {
        audience: { userIds },
        title: `${tag} ${i}`,
        body: '',
        source: { kind: 'test', id: `${tag}-${i}` },
      }),
    );
    ids.push(n.id);
  }
  return ids;
}

const received = (tag: string) => smscRecords(RECORD).filter((m) => m.text.startsWith(`${tag} `));

async function untilReceived(tag: string, n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received(tag).length < n) {
    if (Date.now() > deadline) throw new Error(`the SMSC got ${received(tag).length} of ${n} messages tagged ${tag}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface SmsRow {
  id: string;
  state: string;
  uncertain: boolean;
  sent_events: number;
  delivered_events: number;
}

const smsRows = (ids: string[]) =>
  db.query<SmsRow>(
    `SELECT d.id::text, d.state, d.uncertain,
            (SELECT count(*)::int FROM notification_event e WHERE e.delivery_id = d.id AND e.state = 'sent') AS sent_events,
            (SELECT count(*)::int FROM notification_event e WHERE e.delivery_id = d.id AND e.state = 'delivered') AS delivered_events
       FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
      WHERE r.notification_id = ANY ($1::uuid[]) AND d.channel = 'sms'`,
    [ids],
  );

async function untilAllDelivered(ids: string[], timeoutMs: number): Promise<SmsRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await smsRows(ids);
    if (rows.length === ids.length * PEOPLE && rows.every((r) => r.state === 'delivered')) return rows;
    if (Date.now() > deadline) {
      const states = rows.reduce<Record<string, number>>((a, r) => ({ ...a, [r.state]: (a[r.state] ?? 0) + 1 }), {});
      throw new Error(`not all SMS delivered within ${timeoutMs} ms: ${JSON.stringify(states)}\n${gateway?.output() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('SIGTERM in the middle: the restarted gateway sends the rest; every SMS reached the SMSC exactly once', async () => {
  const ids = await queue('平稳重启');
  await untilReceived('平稳重启', 60);
  await gateway!.stop('SIGTERM');
  const atStop = received('平稳重启').length;
  expect(atStop).toBeLessThan(MESSAGES * PEOPLE);
  gateway = await startGateway(env, 180_000, undefined, ['ok', 'degraded']);
  const rows = await untilAllDelivered(ids, 60_000);
  const got = received('平稳重启');
  expect(got).toHaveLength(MESSAGES * PEOPLE);
  expect(new Set(got.map((m) => `${m.destination}|${m.text}`)).size).toBe(MESSAGES * PEOPLE);
  expect(rows.filter((r) => r.uncertain)).toEqual([]);
  expect(rows.every((r) => r.sent_events === 1 && r.delivered_events === 1)).toBe(true);
}, 240_000);

test('SIGKILL in the middle: nothing is lost; only deliveries cut off mid-send (marked uncertain) may reach the SMSC twice', async () => {
  const ids = await queue('强行中断');
  await untilReceived('强行中断', 60);
  await gateway!.stop('SIGKILL');
  const started = Date.now();
  gateway = await startGateway(env, 180_000, undefined, ['ok', 'degraded']);
  const rows = await untilAllDelivered(ids, 60_000 + LEASE_SECONDS * 1000);
  const got = received('强行中断');
  const distinct = new Set(got.map((m) => `${m.destination}|${m.text}`));
  // None lost: every message reached the SMSC.
  expect(distinct.size).toBe(MESSAGES * PEOPLE);
  // Sent twice only where the gateway died between the SMSC's acceptance and the record of it.
  const uncertain = rows.filter((r) => r.uncertain).length;
  expect(got.length - distinct.size).toBeLessThanOrEqual(uncertain);
  // Each delivery's state reached 'delivered' exactly once.
  expect(rows.every((r) => r.delivered_events === 1)).toBe(true);
  expect(Date.now() - started).toBeGreaterThan(0);
}, 300_000);
