import request from 'supertest';
import {
  createAccount,
  createIdentityTestApp,
  expectChainIntact,
  freshIp,
  login,
  type IdentityTestApp,
} from '../support/identity';

let t: IdentityTestApp;
let auditor: string;
let subjectName: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const a = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
  auditor = await login(t.app, a.username, a.password);
  const u = await createAccount(t.db, { role: 'commander', departmentId: 'command-center', prefix: 'aud' });
  subjectName = u.username;
  await request(t.app)
    .post('/api/auth/login')
    .set('X-Forwarded-For', freshIp())
    .send({ username: u.username, password: 'Bad#guess-xyz1' })
    .expect(401);
  await login(t.app, u.username, u.password);
});
afterAll(() => t.close());

const get = (path: string, query: Record<string, string | number> = {}) =>
  request(t.app).get(path).query(query).set('Cookie', auditor);

describe('audit viewer API (审计管理员)', () => {
  it('filters by user, action family and outcome, newest first', async () => {
    const res = await get('/api/audit/events', { user: subjectName, action: 'auth' }).expect(200);
    expect(res.body.events.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`)).toEqual([
      'auth.login:ok',
      'auth.login:failed',
    ]);
    expect(res.body.events[0]).toMatchObject({
      username: subjectName,
      role: 'commander',
      sourceIp: expect.any(String),
      requestId: expect.any(String),
    });
    const failed = await get('/api/audit/events', { user: subjectName, outcome: 'failed' }).expect(200);
    expect(failed.body.events).toHaveLength(1);
  });

  it('filters by time and pages backwards by seq', async () => {
    // Far in the future: other suites write audit rows with clocks moved forward by hours or days.
    const future = '2100-01-01T00:00:00.000Z';
    expect((await get('/api/audit/events', { from: future }).expect(200)).body.events).toEqual([]);
    const first = await get('/api/audit/events', { limit: 2 }).expect(200);
    expect(first.body.events).toHaveLength(2);
    const next = await get('/api/audit/events', { limit: 2, beforeSeq: first.body.nextBeforeSeq }).expect(200);
    expect(next.body.events[0].seq).toBeLessThan(first.body.events[1].seq);
  });

  it.each([
    [{ from: 'yesterday' }, '开始时间须为带时区的 ISO 8601 时间'],
    [{ limit: 0 }, '每页条数须为 1 到 500 的整数'],
    [{ limit: 501 }, '每页条数须为 1 到 500 的整数'],
    [{ outcome: 'maybe' }, '结果须为'],
    [{ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, '开始时间须早于结束时间'],
  ])('rejects %j with 400', async (query, text) => {
    expect((await get('/api/audit/events', query).expect(400)).body.error.message).toContain(text);
    // The viewer's answer for people refuses the same filters with the same words.
    expect((await get('/api/audit/entries', query).expect(400)).body.error.message).toContain(text);
  });

  it('verifies the chain on request and records that it did', async () => {
    const res = await request(t.app).post('/api/audit/verify').set('Cookie', auditor).expect(200);
    await expectChainIntact(t.db, res.body);
    expect(res.body).toMatchObject({ ok: true, firstBroken: null });
    expect(res.body.checked).toBeGreaterThan(0);
    const [last] = (await get('/api/audit/events', { action: 'audit.verify', limit: 1 }).expect(200)).body.events;
    expect(last.detail).toMatchObject({ checked: res.body.checked });
  });

  it('exports CSV, auditing the export before any data leaves', async () => {
    const res = await get('/api/audit/export', { user: subjectName }).expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('seq,at,username,role,action,object,outcome,sourceIp,requestId,detail');
    expect(lines.length).toBe(3);
    const [exp] = (await get('/api/audit/events', { action: 'audit.export', limit: 1 }).expect(200)).body.events;
    expect(exp.detail.filter).toMatchObject({ user: subjectName });
  });
});
