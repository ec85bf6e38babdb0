import type { Db } from '../../geo/db/types';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { openTestDb } from '../support/db';
import { createAccount } from '../support/identity';

/** A department of its own for this suite (district 230199), retired afterwards. */
const DEPT = `notify-enq-${Date.now().toString(36)}`;

let db: Db;
let officer: string;
let handler: string;
let leader: string;

beforeAll(async () => {
  db = await openTestDb();
  await db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    DEPT,
    `通知测试部门 ${DEPT}`,
  ]);
  officer = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: 'duty' })).id;
  handler = (await createAccount(db, { role: 'handler', departmentId: DEPT, prefix: 'hdl' })).id;
  leader = (await createAccount(db, { role: 'leader', departmentId: DEPT, prefix: 'ldr' })).id;
  await db.query(
    `INSERT INTO notify_contact (user_id, phone, email, updated_at) VALUES ($1, '13800000001', 'duty@example.cn', now()), ($2, '13800000002', NULL, now())`,
    [officer, handler],
  );
});

afterAll(async () => {
  await db.query('UPDATE department SET active = false WHERE id = $1', [DEPT]);
  await db.close();
});

const deliveries = (id: string) =>
  db.query<{ user_id: string; reason: string; channel: string; address: string; state: string }>(
    `SELECT r.user_id, r.reason, d.channel, d.address, d.state
       FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
      WHERE r.notification_id = $1 ORDER BY r.user_id, d.channel`,
    [id],
  );

test('nobody on duty: the department’s handlers and leaders, each on every channel they have', async () => {
  const n = await db.transaction((tx) =>
    enqueueNotification(tx, {
      audience: { departmentIds: [DEPT] },
      title: '测试通知',
      body: '正文',
      source: { kind: 'test', id: '1' },
    }),
  );
  expect(n.recipients).toBe(3);
  const rows = await deliveries(n.id);
  const of = (u: string) => rows.filter((r) => r.user_id === u).map((r) => `${r.channel}:${r.address}`);
  expect(of(officer)).toEqual(['email:duty@example.cn', `inapp:${officer}`, 'sms:13800000001']);
  expect(of(handler)).toEqual([`inapp:${handler}`, 'sms:13800000002']);
  expect(of(leader)).toEqual([`inapp:${leader}`]);
  expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(['fallback']));
  expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['queued']));
});

test('someone on duty: only they (deputies wait for escalation); a named user is added as direct', async () => {
  const at = new Date('2026-03-02T10:00:00Z');
  await db.query(
    `INSERT INTO duty_shift (department_id, user_id, duty_role, starts_at, ends_at, created_by, created_at, updated_at)
     VALUES ($1, $2, 'officer', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z', 'test', now(), now()),
            ($1, $3, 'deputy', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z', 'test', now(), now())`,
    [DEPT, officer, leader],
  );
  const n = await db.transaction((tx) =>
    enqueueNotification(
      tx,
      {
        audience: { departmentIds: [DEPT], userIds: [handler] },
        title: '值班通知',
        body: '',
        source: { kind: 'test', id: '2' },
        urgent: true,
      },
      at,
    ),
  );
  expect(n.recipients).toBe(2);
  const rows = await deliveries(n.id);
  expect(new Set(rows.map((r) => `${r.user_id}:${r.reason}`))).toEqual(new Set([`${officer}:duty`, `${handler}:direct`]));
  // At 20:00 the shift has ended: back to the fallback.
  const later = await db.transaction((tx) =>
    enqueueNotification(
      tx,
      { audience: { departmentIds: [DEPT] }, title: '交班后', body: '', source: { kind: 'test', id: '3' } },
      new Date('2026-03-02T20:00:00Z'),
    ),
  );
  expect(later.recipients).toBe(3);
});

test('a rolled-back transaction leaves no notification behind', async () => {
  const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification');
  await expect(
    db.transaction(async (tx) => {
      await enqueueNotification(tx, {
        audience: { userIds: [handler] },
        title: '回滚',
        body: '',
        source: { kind: 'test', id: '4' },
      });
      throw new Error('the record failed');
    }),
  ).rejects.toThrow('the record failed');
  const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification');
  expect(after[0]!.n).toBe(before[0]!.n);
});

test('bad input is refused in Chinese', async () => {
  await expect(
    enqueueNotification(db, { audience: {}, title: '无对象', body: '', source: { kind: 'test', id: '5' } }),
  ).rejects.toThrow('至少指定');
  await expect(
    enqueueNotification(db, { audience: { userIds: ['x'] }, title: 't', body: '', source: { kind: 'test', id: '5' } }),
  ).rejects.toThrow('格式不正确');
  await expect(
    enqueueNotification(db, { audience: { userIds: [handler] }, title: ' ', body: '', source: { kind: 'test', id: '5' } }),
  ).rejects.toThrow('标题');
});
