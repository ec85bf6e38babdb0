import pino from 'pino';
import request from 'supertest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ChannelStatus, InboxItem, InboxResponse, NotificationDetail } from '../../contracts/notify';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { enqueueNotification } from '../../gateway/notify/enqueue';
import { NotifyService } from '../../gateway/notify/service';
import { createAccount, createIdentityTestApp, freshIp, login, TEST_PASSWORD, type IdentityTestApp } from '../support/identity';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/** The in-app channel: the live push to the person's sockets, the inbox, acknowledgement; channels; sending by hand. */
const DEPT = `notify-app-${Date.now().toString(36)}`;
let t: IdentityTestApp;
let server: ListeningApp;
let service: NotifyService;
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
let handlerId: string;
let handler: string;
let other: string;
let commander: string;
const pushed: InboxItem[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  await t.db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    DEPT,
    `站内通知测试 ${DEPT}`,
  ]);
  // No SMPP, no SMTP: the platform runs with those channels off.
  service = new NotifyService(
    { SMPP_SOURCE_ADDR: '12329', SMTP_FROM: 'x <x@harbin.invalid>', NOTIFY_ESCALATE_MINUTES: 10 },
    pino({ level: 'silent' }),
  );
  t.deps.notify = service;
  server = await listenWithRealtime(t.app, t.deps);
  service.attachRealtime(server.realtime.io);
  await service.start(t.db);
  const h = await createAccount(t.db, { role: 'handler', departmentId: DEPT });
  handlerId = h.id;
  handler = await login(t.app, h.username, TEST_PASSWORD);
  other = await login(t.app, (await createAccount(t.db, { role: 'handler', departmentId: DEPT })).username, TEST_PASSWORD);
  commander = await login(
    t.app,
    (await createAccount(t.db, { role: 'commander', departmentId: 'command-center' })).username,
    TEST_PASSWORD,
  );
  socket = connect(server.url, { transports: ['websocket'], extraHeaders: { cookie: handler, 'x-forwarded-for': freshIp() } });
  socket.on('notify:new', (item) => pushed.push(item));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
});

afterAll(async () => {
  socket?.close();
  await service?.close();
  await server?.close();
  await t.db.query('UPDATE department SET active = false WHERE id = $1', [DEPT]);
  await t.close();
});

async function until<T>(probe: () => T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a queued notification is pushed to the person’s socket, listed in their inbox and acknowledged once', async () => {
  const n = await t.db.transaction((tx) =>
    enqueueNotification(tx, {
      audience: { userIds: [handlerId] },
      title: '道外区火情：请到岗',
      body: '靖宇街 119 号',
      source: { kind: 'test', id: 'inapp-1' },
      urgent: true,
    }),
  );
  const item = await until(
    () => pushed.find((p) => p.notificationId === n.id),
    (p) => p !== undefined,
  );
  expect(item).toMatchObject({
    title: '道外区火情：请到岗',
    body: '靖宇街 119 号',
    urgent: true,
    reason: 'direct',
    acknowledgedAt: null,
  });
  const inbox = await request(t.app).get('/api/notify/inbox').set('Cookie', handler);
  expect(inbox.status).toBe(200);
  const body = inbox.body as InboxResponse;
  expect(body.items.map((i) => i.notificationId)).toContain(n.id);
  expect(body.unacknowledged).toBeGreaterThanOrEqual(1);
  expect((await request(t.app).post(`/api/notify/inbox/${item!.recipientId}/ack`).set('Cookie', other)).status).toBe(404);
  const ack = await request(t.app).post(`/api/notify/inbox/${item!.recipientId}/ack`).set('Cookie', handler);
  expect(ack.status).toBe(200);
  const at = (ack.body as InboxItem).acknowledgedAt;
  expect(at).not.toBeNull();
  const again = await request(t.app).post(`/api/notify/inbox/${item!.recipientId}/ack`).set('Cookie', handler);
  expect((again.body as InboxItem).acknowledgedAt).toBe(at);
  expect(((await request(t.app).get('/api/notify/inbox').set('Cookie', handler)).body as InboxResponse).unacknowledged).toBe(
    body.unacknowledged - 1,
  );
});

test('without SMPP and SMTP the channels say they are off', async () => {
  const res = await request(t.app).get('/api/notify/channels').set('Cookie', commander);
  expect(res.status).toBe(200);
  expect((res.body as { channels: ChannelStatus[] }).channels).toEqual([
    { channel: 'inapp', on: true, ready: true, detail: '站内消息（铃铛）' },
    { channel: 'sms', on: false, ready: false, detail: '未配置短信通道（SMPP_URL）' },
    { channel: 'email', on: false, ready: false, detail: '未配置邮件通道（SMTP_URL）' },
  ]);
  expect((await request(t.app).get('/api/notify/channels').set('Cookie', handler)).status).toBe(403);
  const health = await request(t.app).get('/api/health');
  // Health reports the channels as configured; this app runs no sender of its own, so in-app is not ready there.
  expect((health.body as { notify: unknown }).notify).toEqual({ inapp: 'not ready', sms: 'off', email: 'off' });
});

test('the duty desk sends a notification to a department and follows its delivery states', async () => {
  const res = await request(t.app)
    .post('/api/notify/notifications')
    .set('Cookie', commander)
    .send({ title: '值班通知：18 时会商', departmentIds: [DEPT] });
  expect(res.status).toBe(201);
  const detail = res.body as NotificationDetail;
  expect(detail.recipients).toBe(2);
  expect(
    detail.recipientList.every((r) => r.reason === 'fallback' && r.deliveries.map((d) => d.channel).join() === 'inapp'),
  ).toBe(true);
  await until(
    () => pushed.find((p) => p.notificationId === detail.id),
    (p) => p !== undefined,
  );
  const later = await request(t.app).get(`/api/notify/notifications/${detail.id}`).set('Cookie', commander);
  expect((later.body as NotificationDetail).states).toEqual({ delivered: 2 });
  const list = await request(t.app).get('/api/notify/notifications?sourceKind=manual').set('Cookie', commander);
  expect((list.body as { notifications: { id: string }[] }).notifications.map((x) => x.id)).toContain(detail.id);
  expect(
    (
      await request(t.app)
        .post('/api/notify/notifications')
        .set('Cookie', handler)
        .send({ title: 'x', departmentIds: [DEPT] })
    ).status,
  ).toBe(403);
  const none = await request(t.app).post('/api/notify/notifications').set('Cookie', commander).send({ title: '无对象' });
  expect(none.status).toBe(400);
  expect((none.body as { error: { message: string } }).error.message).toContain('请至少选择一个部门或用户');
  const ghost = await request(t.app)
    .post('/api/notify/notifications')
    .set('Cookie', commander)
    .send({ title: '不存在', departmentIds: ['no-such-dept'] });
  expect((ghost.body as { error: { message: string } }).error.message).toContain('不存在或已停用');
});
