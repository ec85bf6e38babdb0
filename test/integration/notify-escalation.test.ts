import pino from 'pino';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { CHANNEL_OFF_GRACE_MINUTES, NotifyWorker } from '../../gateway/notify/worker';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';
import { createAccount, TestClock } from '../support/identity';

/** Escalation on a fake clock: an urgent notification nobody of the department acknowledged goes to the deputy on duty. */
const DEPT = `notify-esc-${Date.now().toString(36)}`;
const NO_DEPUTY = `${DEPT}-b`;
const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const MIN = 60_000;

let db: Db;
let worker: NotifyWorker;
const clock = new TestClock(T0);
const u: Record<'officer' | 'deputy' | 'offDuty' | 'leaderB' | 'officerB', string> = {
  officer: '',
  deputy: '',
  offDuty: '',
  leaderB: '',
  officerB: '',
};

beforeAll(async () => {
  db = await openTestDb();
  for (const [id, name] of [
    [DEPT, '升级测试部门'],
    [NO_DEPUTY, '无备班部门'],
  ] as const)
    await db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
      id,
      `${name} ${id}`,
    ]);
  u.officer = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: 'eoff' })).id;
  u.deputy = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: 'edep' })).id;
  u.offDuty = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: 'enot' })).id;
  u.leaderB = (await createAccount(db, { role: 'leader', departmentId: NO_DEPUTY, prefix: 'eldr' })).id;
  u.officerB = (await createAccount(db, { role: 'handler', departmentId: NO_DEPUTY, prefix: 'eofb' })).id;
  await db.query(
    `INSERT INTO duty_shift (department_id, user_id, duty_role, starts_at, ends_at, created_by, created_at, updated_at) VALUES
       ($1, $2, 'officer', '2026-03-02T08:00:00+08:00', '2026-03-02T20:00:00+08:00', 'test', now(), now()),
       ($1, $3, 'deputy',  '2026-03-02T08:00:00+08:00', '2026-03-02T20:00:00+08:00', 'test', now(), now()),
       ($4, $5, 'officer', '2026-03-02T08:00:00+08:00', '2026-03-02T20:00:00+08:00', 'test', now(), now())`,
    [DEPT, u.officer, u.deputy, NO_DEPUTY, u.officerB],
  );
  worker = new NotifyWorker({
    db,
    log: pino({ level: 'silent' }),
    sms: null,
    email: null,
    escalateAfterMinutes: 10,
    now: clock.now,
  });
});

afterAll(async () => {
  await db.query('UPDATE department SET active = false WHERE id = ANY ($1)', [[DEPT, NO_DEPUTY]]);
  await db.close();
});

const recipients = (id: string) =>
  db.query<{ user_id: string; reason: string; escalated_from: string | null; escalated_at: Date | null }>(
    'SELECT user_id, reason, escalated_from, escalated_at FROM notification_recipient WHERE notification_id = $1 ORDER BY created_at, reason',
    [id],
  );
const send = (departmentId: string, urgent: boolean, title: string) =>
  db.transaction((tx) =>
    enqueueNotification(
      tx,
      { audience: { departmentIds: [departmentId] }, title, body: '', source: { kind: 'test', id: title }, urgent },
      clock.now(),
    ),
  );

test('unacknowledged for 10 minutes: the deputy on duty gets it (once), in-app delivered; not a minute earlier', async () => {
  clock.t = T0;
  const n = await send(DEPT, true, '紧急：升级测试');
  expect((await recipients(n.id)).map((r) => r.user_id)).toEqual([u.officer]);
  clock.t = T0 + 9 * MIN + 59_000;
  await worker.housekeeping();
  expect(await recipients(n.id)).toHaveLength(1);
  clock.t = T0 + 10 * MIN;
  await worker.housekeeping();
  const after = await recipients(n.id);
  expect(after.map((r) => [r.user_id, r.reason])).toEqual([
    [u.officer, 'duty'],
    [u.deputy, 'escalation'],
  ]);
  expect(after[1]!.escalated_from).not.toBeNull();
  expect(after[0]!.escalated_at).not.toBeNull();
  await worker.drain('inapp');
  const [inapp] = await db.query<{ state: string }>(
    `SELECT d.state FROM notification_delivery d JOIN notification_recipient r ON r.id = d.recipient_id
      WHERE r.notification_id = $1 AND r.user_id = $2 AND d.channel = 'inapp'`,
    [n.id, u.deputy],
  );
  expect(inapp!.state).toBe('delivered');
  clock.t = T0 + 30 * MIN;
  await worker.housekeeping();
  expect(await recipients(n.id)).toHaveLength(2);
});

test('acknowledged in time, or not urgent: no escalation', async () => {
  clock.t = T0;
  const acked = await send(DEPT, true, '紧急：已确认');
  const normal = await send(DEPT, false, '一般通知');
  clock.t = T0 + 3 * MIN;
  await db.query('UPDATE notification_recipient SET acknowledged_at = $2 WHERE notification_id = $1', [acked.id, clock.now()]);
  clock.t = T0 + 60 * MIN;
  await worker.housekeeping();
  expect(await recipients(acked.id)).toHaveLength(1);
  expect(await recipients(normal.id)).toHaveLength(1);
});

test('no deputy on duty: the department’s leader; after the shift, whoever is on duty then does not matter to old messages', async () => {
  clock.t = T0;
  const n = await send(NO_DEPUTY, true, '紧急：无备班');
  clock.t = T0 + 10 * MIN;
  await worker.housekeeping();
  expect((await recipients(n.id)).map((r) => [r.user_id, r.reason])).toEqual([
    [u.officerB, 'duty'],
    [u.leaderB, 'escalation'],
  ]);
});

test('channels not configured: their queued deliveries fail with the reason once no other gateway took them, in-app delivered', async () => {
  clock.t = T0;
  await db.query(
    `INSERT INTO notify_contact (user_id, phone, email, updated_at) VALUES ($1, '13600000000', 'off@example.cn', now())`,
    [u.offDuty],
  );
  const n = await db.transaction((tx) =>
    enqueueNotification(
      tx,
      { audience: { userIds: [u.offDuty] }, title: '通道关闭', body: '', source: { kind: 'test', id: 'off' } },
      clock.now(),
    ),
  );
  await worker.drain('inapp');
  const states = () =>
    db.query<{ channel: string; state: string; last_error: string | null }>(
      `SELECT d.channel, d.state, d.last_error FROM notification_delivery d JOIN notification_recipient r ON r.id = d.recipient_id
        WHERE r.notification_id = $1 ORDER BY d.channel`,
      [n.id],
    );
  clock.t = T0 + (CHANNEL_OFF_GRACE_MINUTES - 1) * MIN;
  await worker.housekeeping();
  expect((await states()).map((r) => r.state)).toEqual(['queued', 'delivered', 'queued']);
  clock.t = T0 + CHANNEL_OFF_GRACE_MINUTES * MIN;
  await worker.housekeeping();
  const rows = await db.query<{ channel: string; state: string; last_error: string | null }>(
    `SELECT d.channel, d.state, d.last_error FROM notification_delivery d JOIN notification_recipient r ON r.id = d.recipient_id
      WHERE r.notification_id = $1 ORDER BY d.channel`,
    [n.id],
  );
  expect(rows).toEqual([
    { channel: 'email', state: 'failed', last_error: '未配置邮件通道（SMTP_URL）' },
    { channel: 'inapp', state: 'delivered', last_error: null },
    { channel: 'sms', state: 'failed', last_error: '未配置短信通道（SMPP_URL）' },
  ]);
});
