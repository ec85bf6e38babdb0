import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { NotifyService } from '../../gateway/notify/service';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';
import { OUTPUT_DIR } from '../support/env';
import { createAccount } from '../support/identity';
import { smscRecords, startSmsc, type SmscProcess } from '../support/smsc';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

/** SMS through a real SMPP server process (scripts/smsc.ts), e-mail through a local SMTP server, states in the database. */
const DEPT = `notify-dlv-${Date.now().toString(36)}`;
const DIR = path.join(OUTPUT_DIR, 'notify');
const RECORD = path.join(DIR, `smsc-delivery-${process.pid}.jsonl`);
const log = pino({ level: 'silent' });

let db: Db;
let smsc: SmscProcess;
let sink: SmtpSink;
let service: NotifyService;
const phones = {
  a: `1380${Date.now() % 10_000_000}`.padEnd(11, '1'),
  b: `1390${Date.now() % 10_000_000}`.padEnd(11, '2'),
  bad: '19990000001',
};
const users: Record<'a' | 'b' | 'bad', string> = { a: '', b: '', bad: '' };

interface DeliveryRow {
  channel: string;
  address: string;
  state: string;
  attempts: number;
  last_error: string | null;
  provider_id: string | null;
}

const deliveriesOf = (id: string) =>
  db.query<DeliveryRow>(
    `SELECT d.channel, d.address, d.state, d.attempts, d.last_error, d.provider_id
       FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
      WHERE r.notification_id = $1 ORDER BY d.channel, d.address`,
    [id],
  );

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

const settled = (rows: DeliveryRow[]) =>
  rows.length > 0 &&
  rows.every((r) => ['delivered', 'failed'].includes(r.state) || (r.channel === 'email' && r.state === 'sent'));

const smsReady = () =>
  until(
    'SMPP bind',
    () => Promise.resolve(service.channels().find((c) => c.channel === 'sms')!),
    (c) => c.ready,
  );

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  rmSync(RECORD, { force: true });
  db = await openTestDb();
  await db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    DEPT,
    `送达测试部门 ${DEPT}`,
  ]);
  for (const k of ['a', 'b', 'bad'] as const) {
    users[k] = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: `sms${k}` })).id;
    await db.query(`INSERT INTO notify_contact (user_id, phone, email, updated_at) VALUES ($1, $2, $3, now())`, [
      users[k],
      phones[k],
      `${k}.${DEPT}@example.cn`,
    ]);
  }
  // Other suites' notifications may reach this SMSC too: only the first submission to phone a is throttled.
  smsc = await startSmsc(RECORD, { throttle: 1, throttleTo: phones.a });
  sink = await startSmtpSink();
  service = new NotifyService(
    {
      SMPP_URL: smsc.url,
      SMPP_SOURCE_ADDR: '12329',
      SMTP_URL: sink.url,
      SMTP_FROM: '哈尔滨市城市运行指挥中心 <notify@harbin.invalid>',
      NOTIFY_ESCALATE_MINUTES: 10,
    },
    log,
  );
  await service.start(db);
  await smsReady();
}, 60_000);

afterAll(async () => {
  await service?.close();
  await smsc?.stop();
  await sink?.close();
  await db.query('UPDATE department SET active = false WHERE id = $1', [DEPT]);
  await db.close();
});

test('SMS reaches the SMSC and its receipt marks it delivered; an undeliverable number fails; the first submission throttled is retried', async () => {
  const title = '暴雪橙色预警';
  const body = '道里区、南岗区 24 小时降雪 15 毫米以上，请值班人员到岗。';
  const n = await db.transaction((tx) =>
    enqueueNotification(tx, { audience: { departmentIds: [DEPT] }, title, body, source: { kind: 'test', id: 'sms-1' } }),
  );
  expect(n.recipients).toBe(3);
  const rows = await until('every delivery settled', () => deliveriesOf(n.id), settled, 30_000);
  const sms = rows.filter((r) => r.channel === 'sms');
  expect(sms.map((r) => [r.address, r.state])).toEqual(
    [
      [phones.a, 'delivered'],
      [phones.b, 'delivered'],
      [phones.bad, 'failed'],
    ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
  );
  expect(sms.find((r) => r.address === phones.bad)!.last_error).toBe('短信未送达（UNDELIV）');
  // The SMSC throttled one submission: that delivery took a second attempt, recorded as a retry step.
  expect(sms.map((r) => r.attempts).sort()).toEqual([1, 1, 2]);
  const [retry] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_event e JOIN notification_delivery d ON d.id = e.delivery_id
       JOIN notification_recipient r ON r.id = d.recipient_id WHERE r.notification_id = $1 AND e.state = 'retry'`,
    [n.id],
  );
  expect(retry!.n).toBe(1);
  // What the SMSC received: each phone once, the Chinese text whole, under the message id the receipt matched.
  const received = smscRecords(RECORD).filter((m) => m.text.startsWith(title));
  expect(received.map((m) => m.destination).sort()).toEqual([phones.a, phones.b, phones.bad].sort());
  for (const m of received) expect(m.text).toBe(`${title}：${body}`);
  expect(new Set(received.map((m) => m.messageId))).toEqual(new Set(sms.map((r) => r.provider_id)));
  // In-app: delivered at once.
  expect(rows.filter((r) => r.channel === 'inapp').every((r) => r.state === 'delivered')).toBe(true);
}, 60_000);

test('e-mail arrives at the SMTP server with its Chinese subject and body; the state is sent', async () => {
  const title = '【演练】松花江洪水Ⅲ级应急响应启动';
  const body = '哈尔滨站水位 118.30 米，超过警戒水位。请于 30 分钟内到岗。';
  const n = await db.transaction((tx) =>
    enqueueNotification(tx, {
      audience: { userIds: [users.a] },
      title,
      body,
      source: { kind: 'test', id: 'mail-1' },
      urgent: true,
    }),
  );
  const rows = await until('e-mail sent', () => deliveriesOf(n.id), settled, 30_000);
  expect(rows.find((r) => r.channel === 'email')).toMatchObject({ state: 'sent', address: `a.${DEPT}@example.cn` });
  const mail = await until(
    'mail in the sink',
    () => Promise.resolve(sink.mails.find((m) => m.subject.includes(title))),
    (m) => m !== undefined,
  );
  expect(mail).toEqual({ from: 'notify@harbin.invalid', to: [`a.${DEPT}@example.cn`], subject: `【紧急】${title}`, text: body });
}, 60_000);

test('a text longer than one SMS travels whole in message_payload', async () => {
  const title = '长短信测试';
  const body = '市防汛抗旱指挥部通知：'.padEnd(150, '请各单位加强巡查，');
  const n = await db.transaction((tx) =>
    enqueueNotification(tx, { audience: { userIds: [users.b] }, title, body, source: { kind: 'test', id: 'long-1' } }),
  );
  await until(
    'SMS delivered',
    () => deliveriesOf(n.id),
    (rows) => rows.find((r) => r.channel === 'sms')?.state === 'delivered',
    30_000,
  );
  const got = smscRecords(RECORD).find((m) => m.text.startsWith(title));
  expect(got?.text).toBe(`${title}：${body}`);
}, 60_000);

test('SMPP server down: SMS wait queued (none lost, none failed); up again: re-bound and delivered', async () => {
  const port = smsc.port;
  await smsc.stop();
  await until(
    'SMPP unbound',
    () => Promise.resolve(service.channels().find((c) => c.channel === 'sms')!),
    (c) => !c.ready,
  );
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const n = await db.transaction((tx) =>
      enqueueNotification(tx, {
        audience: { userIds: [users.a] },
        title: `中断期间通知 ${i}`,
        body: '',
        source: { kind: 'test', id: `down-${i}` },
      }),
    );
    ids.push(n.id);
  }
  await new Promise((r) => setTimeout(r, 1500));
  const waiting = await db.query<{ state: string }>(
    `SELECT d.state FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
      WHERE r.notification_id = ANY ($1::uuid[]) AND d.channel = 'sms'`,
    [ids],
  );
  expect(waiting.map((w) => w.state)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
  smsc = await startSmsc(RECORD, { port });
  await smsReady();
  const after = await until(
    'SMS delivered after the SMSC came back',
    () =>
      db.query<{ state: string }>(
        `SELECT d.state FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
          WHERE r.notification_id = ANY ($1::uuid[]) AND d.channel = 'sms'`,
        [ids],
      ),
    (rows) => rows.every((r) => r.state === 'delivered'),
    30_000,
  );
  expect(after).toHaveLength(5);
  const received = smscRecords(RECORD).filter((m) => m.text.startsWith('中断期间通知'));
  expect(received.map((m) => m.text).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `中断期间通知 ${i}`));
}, 90_000);
