import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { CaseDetail, RoleEvaluationResponse } from '../../contracts/cases';
import { caseEvent, createCaseTestApp, reportCase, uploadPhoto, type CaseTestApp } from '../support/cases';

/**
 * Who dispatched a case, and when, for 按时派遣率 and the dispatcher indicators: the first dispatch (time and person)
 * stays as it was through 返工 and 改派; the last dispatch is kept beside it.
 */
let t: CaseTestApp;
const u = (k: string) => t.users[k]!.cookie;
const id = (k: string) => t.users[k]!.id;
beforeAll(async () => {
  t = await createCaseTestApp();
});
afterAll(async () => {
  await t.close();
});

async function ok(cookie: string, caseId: number, event: string, body: Record<string, unknown> = {}): Promise<CaseDetail> {
  const r = await caseEvent(t, cookie, caseId, event, body);
  expect({ event, status: r.status, error: r.error }).toEqual({ event, status: 200, error: undefined });
  return r.case;
}

/** A case reported, accepted and filed, then dispatched by the dispatcher; the time of that step. */
async function dispatchedByDispatcher(): Promise<{ id: number; at: string }> {
  const r = await reportCase(t, u('inspector'));
  expect(r.status).toBe(201);
  const caseId = r.body.case.id;
  await ok(u('dispatcher'), caseId, 'accept');
  await ok(u('dispatcher'), caseId, 'file');
  const c = await ok(u('dispatcher'), caseId, 'dispatch');
  return { id: caseId, at: c.steps.find((s) => s.event === 'dispatch')!.at };
}

const columns = async (caseId: number) =>
  (
    await t.db.query<{ first_dispatched_at: Date; first_dispatched_by: string; dispatched_at: Date; dispatched_by: string }>(
      'SELECT first_dispatched_at, first_dispatched_by, dispatched_at, dispatched_by FROM city_case WHERE id = $1',
      [caseId],
    )
  )[0]!;

const lastStepAt = (c: CaseDetail, event: string) => c.steps.filter((s) => s.event === event).at(-1)!.at;

it('keeps the first dispatch through 返工 then 改派, and the last one beside it', async () => {
  const first = await dispatchedByDispatcher();
  await ok(u('handler'), first.id, 'take');
  const photo = await uploadPhoto(t, u('handler'), 'feedback', first.id);
  await ok(u('handler'), first.id, 'feedback', { photoIds: [photo.id] });
  await ok(u('dispatcher'), first.id, 'rework', { reason: '清运不彻底，返工' });
  const re = await ok(u('commander'), first.id, 'redispatch', { departmentId: 'traffic-police' });

  const row = await columns(first.id);
  expect(row.first_dispatched_at.toISOString()).toBe(first.at);
  expect(row.first_dispatched_by).toBe(id('dispatcher'));
  expect(row.dispatched_at.toISOString()).toBe(lastStepAt(re, 'redispatch'));
  expect(row.dispatched_by).toBe(id('commander'));
});

it('keeps the first dispatch through two 改派', async () => {
  const first = await dispatchedByDispatcher();
  await ok(u('commander'), first.id, 'redispatch', { departmentId: 'traffic-police' });
  const again = await ok(u('dispatcher'), first.id, 'redispatch', { departmentId: 'urban-mgmt' });

  const row = await columns(first.id);
  expect(row.first_dispatched_at.toISOString()).toBe(first.at);
  expect(row.first_dispatched_by).toBe(id('dispatcher'));
  expect(row.dispatched_at.toISOString()).toBe(lastStepAt(again, 'redispatch'));
  expect(row.dispatched_by).toBe(id('dispatcher'));
});

it('credits the dispatcher indicators to whoever dispatched first, not to who redispatched', async () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const res = await request(t.app).get(`/api/cases/evaluation/roles?from=${today}&to=${today}`).set('Cookie', u('leader'));
  expect(res.status).toBe(200);
  const e = res.body as RoleEvaluationResponse;
  const dispatcher = e.dispatchers.find((d) => d.userId === id('dispatcher'));
  expect(dispatcher).toBeDefined();
  // The dispatcher dispatched both cases first; the first came back for 返工, so one of two was dispatched right
  // (派遣准确率 counts the cases never reworked). The commander only redispatched: no dispatch of theirs to count.
  expect(dispatcher!.indicators.find((i) => i.id === 'accurate_dispatch_rate')!.value).toBe(0.5);
  expect(e.dispatchers.find((d) => d.userId === id('commander'))).toBeUndefined();
});

it('migration 054 gives cases written before it their first dispatch back from their steps', async () => {
  const first = await dispatchedByDispatcher();
  await ok(u('commander'), first.id, 'redispatch', { departmentId: 'traffic-police' });
  // As the old code left such a case: the first dispatch time moved to a later dispatch, nobody named as first.
  await t.db.query(
    'UPDATE city_case SET first_dispatched_at = dispatched_at, first_dispatched_by = NULL, dispatched_by = $2 WHERE id = $1',
    [first.id, id('commander')],
  );
  const migration = readFileSync(path.join(__dirname, '../../geo/migrations/054_case_first_dispatch.sql'), 'utf8');
  await t.db.query(migration.slice(migration.indexOf('UPDATE city_case')));

  const row = await columns(first.id);
  expect(row.first_dispatched_at.toISOString()).toBe(first.at);
  expect(row.first_dispatched_by).toBe(id('dispatcher'));
  expect(row.dispatched_by).toBe(id('commander'));
});
