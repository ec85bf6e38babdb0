import { caseEvent, createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';

/** 重复案件合并: a duplicate report is voided into the case that stays, which must exist and be open. */
let t: CaseTestApp;
beforeAll(async () => {
  t = await createCaseTestApp();
}, 180_000);
afterAll(() => t.close());

const u = (key: string) => t.users[key]!.cookie;

it('merges a duplicate into the open case of the same spot, and says so in its history', async () => {
  const first = (await reportCase(t, u('inspector'))).body.case;
  const where = { lon: first.place.lon, lat: first.place.lat };
  const second = (await reportCase(t, u('inspector2'), where)).body.case;
  const merged = await caseEvent(t, u('dispatcher'), second.id, 'void', {
    reason: `与案件 ${first.code} 重复`,
    duplicateOf: first.id,
  });
  expect(merged.status).toBe(200);
  expect(merged.case.state).toBe('voided');
  const step = merged.case.steps.at(-1)!;
  expect(step).toMatchObject({ event: 'void', to: 'voided', data: { duplicateOf: first.id, duplicateOfCode: first.code } });
  // The case that stays is untouched and still open.
  const [kept] = await t.db.query<{ state: string }>('SELECT state FROM city_case WHERE id = $1', [first.id]);
  expect(kept!.state).toBe('reported');
});

it('refuses to merge into itself, into an unknown case or into a closed one, changing nothing', async () => {
  const a = (await reportCase(t, u('inspector'))).body.case;
  const self = await caseEvent(t, u('dispatcher'), a.id, 'void', { reason: '重复', duplicateOf: a.id });
  expect([self.status, self.error?.message]).toEqual([400, expect.stringContaining('自己')]);
  const unknown = await caseEvent(t, u('dispatcher'), a.id, 'void', { reason: '重复', duplicateOf: 999_999_999 });
  expect(unknown.status).toBe(404);
  const b = (await reportCase(t, u('inspector'))).body.case;
  expect((await caseEvent(t, u('dispatcher'), b.id, 'reject', { reason: '不属于城管范围' })).status).toBe(200);
  const closed = await caseEvent(t, u('dispatcher'), a.id, 'void', { reason: '重复', duplicateOf: b.id });
  expect([closed.status, closed.error?.message]).toEqual([409, expect.stringContaining('已办结')]);
  const [still] = await t.db.query<{ state: string }>('SELECT state FROM city_case WHERE id = $1', [a.id]);
  expect(still!.state).toBe('reported');
  // Only the centre may merge: an inspector is refused by the transition table's roles.
  expect((await caseEvent(t, u('inspector'), a.id, 'void', { reason: '重复', duplicateOf: b.id })).status).toBe(403);
});
