import request from 'supertest';
import type { z } from 'zod';
import {
  caseDetailSchema,
  caseDuplicatesSchema,
  caseEventAnswerSchema,
  caseListAnswerSchema,
  casePhotoUploadSchema,
  caseReportAnswerSchema,
  categoryTreeSchema,
} from '../../contracts/case-answers';
import {
  adminAnswers,
  apiTokenListSchema,
  auditPageSchema,
  issuedApiTokenSchema,
  passwordPolicySchema,
  sessionInfoSchema,
  sessionProbeSchema,
} from '../../contracts/identity';
import { caseEvent, createCaseTestApp, reportCase, sampleJpeg, type CaseTestApp } from '../support/cases';
import { createAccount, login } from '../support/identity';

/**
 * The server's answers parse with the contract schemas the browser parses them with (contracts/identity.ts,
 * contracts/case-answers.ts), so the two sides cannot drift apart unnoticed.
 */
let t: CaseTestApp;
const u = (k: string) => t.users[k]!.cookie;
beforeAll(async () => {
  t = await createCaseTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The body parsed with the schema; a mismatch fails with zod's list of problems. */
function parsed<S extends z.ZodType>(schema: S, res: { status: number; body: unknown }, status = 200): z.output<S> {
  expect(res.status).toBe(status);
  const result = schema.safeParse(res.body);
  if (!result.success) throw new Error(`answer does not match its contract: ${result.error.message}`);
  return result.data;
}

const get = (path: string, cookie: string) => request(t.app).get(path).set('Cookie', cookie);

describe('identity and administration answers', () => {
  it('session, renewal and password policy', async () => {
    const probe = parsed(sessionProbeSchema, await get('/api/auth/session', u('dispatcher')));
    expect(probe.user?.username).toBe(t.users.dispatcher!.username);
    parsed(sessionInfoSchema, await request(t.app).post('/api/auth/renew').set('Cookie', u('dispatcher')));
    parsed(passwordPolicySchema, await get('/api/auth/password-policy', u('dispatcher')));
  });

  it("a person's API tokens", async () => {
    parsed(
      issuedApiTokenSchema,
      await request(t.app).post('/api/auth/tokens').set('Cookie', u('planner')).send({ label: 'QGIS 规划科' }),
      201,
    );
    expect(parsed(apiTokenListSchema, await get('/api/auth/tokens', u('planner'))).length).toBeGreaterThan(0);
  });

  it('users, roles, departments and the audit trail', async () => {
    expect(parsed(adminAnswers.users, await get('/api/admin/users', u('sysadmin'))).users.length).toBeGreaterThan(0);
    parsed(adminAnswers.roles, await get('/api/admin/roles', u('sysadmin')));
    parsed(adminAnswers.departments, await get('/api/admin/departments', u('sysadmin')));
    parsed(adminAnswers.tokens, await get(`/api/admin/users/${t.users.planner!.id}/tokens`, u('sysadmin')));
  });
});

describe('case answers', () => {
  it('categories, a report with a photo, its detail, an event, the list and duplicates', async () => {
    parsed(categoryTreeSchema, await get('/api/cases/categories', u('inspector')));
    const photo = await request(t.app)
      .post('/api/cases/photos?stage=report')
      .set('Cookie', u('inspector'))
      .set('Content-Type', 'image/jpeg')
      .send(await sampleJpeg({ seed: 16 }));
    const uploaded = parsed(casePhotoUploadSchema, photo, 201);
    const r = await reportCase(t, u('inspector'), { photoIds: [uploaded.id] });
    const reported = parsed(caseReportAnswerSchema, r, 201);
    const id = reported.case.id;
    parsed(caseDetailSchema, await get(`/api/cases/${id}`, u('dispatcher')));
    const accepted = await request(t.app).post(`/api/cases/${id}/accept`).set('Cookie', u('dispatcher')).send({});
    parsed(caseEventAnswerSchema, accepted);
    parsed(caseListAnswerSchema, await get('/api/cases?limit=20', u('dispatcher')));
    const { lon, lat } = reported.case.place;
    parsed(caseDuplicatesSchema, await get(`/api/cases/duplicates?lon=${lon}&lat=${lat}&categoryCode=SJ0102`, u('dispatcher')));
    expect((await caseEvent(t, u('dispatcher'), id, 'file')).status).toBe(200);
  });
});

describe('audit answers', () => {
  it('a page of the audit trail', async () => {
    const a = await createAccount(t.db, { role: 'auditadmin', departmentId: null, prefix: 'audwire' });
    const auditor = await login(t.app, a.username, a.password);
    const page = parsed(auditPageSchema, await get('/api/audit/events?limit=5', auditor));
    expect(page.events.length).toBeGreaterThan(0);
  });
});
