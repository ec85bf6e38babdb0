import request from 'supertest';
import { createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';

/** A case event's audit rows carry its input and what it changed: the state from → to and the step's details. */
let t: CaseTestApp;
beforeAll(async () => {
  t = await createCaseTestApp();
}, 120_000);
afterAll(() => t.close());

async function commandRows(action: string, requestId: string) {
  const read = async () =>
    (
      await t.db.query<{ detail: string }>('SELECT detail FROM audit_event WHERE action = $1 AND request_id = $2 ORDER BY seq', [
        action,
        requestId,
      ])
    ).map((r) => JSON.parse(r.detail) as Record<string, unknown>);
  let rows = await read();
  for (let i = 0; rows.length < 2 && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await read();
  }
  return rows;
}

it('records accept, then dispatch with the department the rule chose', async () => {
  const reported = await reportCase(t, t.users.inspector!.cookie);
  expect(reported.status).toBe(201);
  const id = reported.body.case.id;
  const dispatcher = t.users.dispatcher!.cookie;
  const accept = await request(t.app).post(`/api/cases/${id}/accept`).set('Cookie', dispatcher).send({ note: '已受理，转立案' });
  expect(accept.status).toBe(200);
  const [authorised, completed] = await commandRows('case.dispatch', String(accept.headers['x-request-id']));
  expect(authorised).toMatchObject({ stage: 'authorised', input: { note: '已受理，转立案' } });
  expect(completed).toMatchObject({
    stage: 'completed',
    status: 200,
    changes: { case: id, event: 'accept', state: { from: reported.body.case.state, to: accept.body.case.state } },
  });
  expect(accept.body.case.state).not.toBe(reported.body.case.state);
  await request(t.app).post(`/api/cases/${id}/file`).set('Cookie', dispatcher).send({}).expect(200);
  const dispatch = await request(t.app).post(`/api/cases/${id}/dispatch`).set('Cookie', dispatcher).send({});
  expect(dispatch.status).toBe(200);
  const rows = await commandRows('case.dispatch', String(dispatch.headers['x-request-id']));
  expect(rows[1]).toMatchObject({
    changes: { event: 'dispatch', state: { to: dispatch.body.case.state }, step: expect.objectContaining({}) },
  });
  expect(JSON.stringify(rows[1]!.changes)).toContain(String(dispatch.body.case.departmentId));
});
