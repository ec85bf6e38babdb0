import request from 'supertest';
import { auditEntryPageSchema, policyActionsSchema, type AuditEntry } from '../../contracts/audit';
import { createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';
import { createAccount, login } from '../support/identity';

/**
 * `GET /api/audit/entries`, the audit log for people, over the real database: a case dispatch is one entry named
 * 案件派遣 on 案件 <its code> with its details as labelled fields, paged without showing a command twice; and
 * `GET /api/auth/actions` names who may do what.
 */
let t: CaseTestApp;
let auditor: string;
beforeAll(async () => {
  t = await createCaseTestApp();
  const a = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
  auditor = await login(t.app, a.username, a.password);
}, 120_000);
afterAll(() => t.close());

const entries = async (query: Record<string, string | number>) =>
  auditEntryPageSchema.parse(
    (await request(t.app).get('/api/audit/entries').query(query).set('Cookie', auditor).expect(200)).body,
  );

/** The completed row is written when the response has ended: wait for it. */
async function settled(requestId: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const [row] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_event WHERE request_id = $1', [requestId]);
    if (Number(row!.n) >= 2) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the command ${requestId} has no completed audit row`);
}

it('shows a case dispatch as one entry in Chinese, with its details as labelled fields', async () => {
  const reported = await reportCase(t, t.users.inspector!.cookie);
  expect(reported.status).toBe(201);
  const { id, code } = reported.body.case;
  const dispatcher = t.users.dispatcher!;
  await request(t.app).post(`/api/cases/${id}/accept`).set('Cookie', dispatcher.cookie).send({}).expect(200);
  await request(t.app).post(`/api/cases/${id}/file`).set('Cookie', dispatcher.cookie).send({}).expect(200);
  const dispatch = await request(t.app)
    .post(`/api/cases/${id}/dispatch`)
    .set('Cookie', dispatcher.cookie)
    .send({ note: '请当日处置' })
    .expect(200);
  const requestId = String(dispatch.headers['x-request-id']);
  await settled(requestId);

  const page = await entries({ user: dispatcher.username, action: 'case.dispatch', limit: 10 });
  const entry = page.entries.find((e) => e.requestId === requestId)!;
  expect(entry).toMatchObject({
    action: 'case.dispatch',
    actionLabel: '案件派遣',
    objectLabel: `案件 ${code}`,
    roleName: '受理员/派遣员',
    outcome: 'ok',
  });
  expect(entry.rows.map((r) => r.detail.stage)).toEqual(['authorised', 'completed']);
  expect(entry.command).toEqual({ authorisedSeq: entry.rows[0]!.seq, completedSeq: entry.rows[1]!.seq });
  expect(entry.fields).toEqual(
    expect.arrayContaining([
      { label: '备注', value: '请当日处置' },
      { label: '状态', value: '已立案 → 已派遣' },
      { label: '步骤 · 处置部门', value: dispatch.body.case.departmentName },
      { label: 'HTTP 状态', value: '200' },
    ]),
  );
  // The other two commands of the case are entries of their own: 受理, 立案; no row shows twice.
  const labels = page.entries.filter((e) => e.objectLabel === `案件 ${code}`).map((e) => e.actionLabel);
  expect(labels).toEqual(['案件派遣', '案件立案', '案件受理']);
  const seqs = page.entries.flatMap((e) => e.rows.map((r) => r.seq));
  expect(new Set(seqs).size).toBe(seqs.length);
});

it('pages one entry at a time without showing a command’s authorised row again', async () => {
  const dispatcher = t.users.dispatcher!;
  const shown: AuditEntry[] = [];
  let beforeSeq: number | null = null;
  for (let i = 0; i < 12; i++) {
    const page = await entries({
      user: dispatcher.username,
      action: 'case.dispatch',
      limit: 1,
      ...(beforeSeq ? { beforeSeq } : {}),
    });
    shown.push(...page.entries);
    beforeSeq = page.nextBeforeSeq;
    if (beforeSeq === null) break;
  }
  expect(shown.map((e) => e.actionLabel).slice(0, 3)).toEqual(['案件派遣', '案件立案', '案件受理']);
  const seqs = shown.flatMap((e) => e.rows.map((r) => r.seq));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(shown.every((e) => e.rows.length === 2)).toBe(true);
});

it('names who may perform each action for every signed-in person', async () => {
  const res = await request(t.app).get('/api/auth/actions').set('Cookie', t.users.planner!.cookie).expect(200);
  const actions = new Map(policyActionsSchema.parse(res.body).actions.map((a) => [a.id, a]));
  expect(actions.get('audit.read')).toEqual({ id: 'audit.read', label: '查看审计日志', roles: ['审计管理员'], public: false });
  await request(t.app).get('/api/auth/actions').expect(401);
});
