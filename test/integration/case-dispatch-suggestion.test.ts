import request from 'supertest';
import type { CaseDetail } from '../../contracts/cases';
import { caseEvent, createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';

/**
 * The department a console shows for 派遣 is the server's own choice: the case detail carries what automatic dispatch
 * would pick now, and 派遣 without a department given then sends the case exactly there.
 */
let t: CaseTestApp;
const u = (k: string) => t.users[k]!.cookie;
beforeAll(async () => {
  t = await createCaseTestApp();
});
afterAll(async () => {
  await t.close();
});

const detail = async (id: number, who: string): Promise<CaseDetail> => {
  const res = await request(t.app).get(`/api/cases/${id}`).set('Cookie', u(who)).expect(200);
  return res.body as CaseDetail;
};

/** Reported by the inspector, accepted and filed by the dispatcher: ready for 派遣. */
async function filedCase(categoryCode: string): Promise<CaseDetail> {
  const r = await reportCase(t, u('inspector'), { categoryCode, description: '派遣建议测试' });
  expect(r.status).toBe(201);
  expect((await caseEvent(t, u('dispatcher'), r.body.case.id, 'accept')).status).toBe(200);
  const filed = await caseEvent(t, u('dispatcher'), r.body.case.id, 'file');
  expect(filed.case.state).toBe('filed');
  return filed.case;
}

describe('the dispatch suggestion in the case detail', () => {
  it('for a 小类 with a dispatch rule (SJ0504 路面积水 → flood-control) at a real grid cell, equals where 派遣 sends it', async () => {
    const c = await filedCase('SJ0504');
    expect(c.place.gridCode).toMatch(/^\d{15}$/);
    const shown = await detail(c.id, 'dispatcher');
    // data/cityops/dispatch.json: the rule for SJ0504 names flood-control, not the 小类's own 排水管理处（防汛）.
    expect(shown.dispatchSuggestion).toEqual({
      departmentId: 'flood-control',
      departmentName: '市防汛抗旱指挥部办公室',
      via: '派遣规则',
    });
    const dispatched = await caseEvent(t, u('dispatcher'), c.id, 'dispatch');
    expect(dispatched.status).toBe(200);
    expect(dispatched.case.departmentId).toBe(shown.dispatchSuggestion!.departmentId);
    expect(dispatched.case.departmentName).toBe(shown.dispatchSuggestion!.departmentName);
    const step = dispatched.case.steps.at(-1)!;
    expect(step.data).toMatchObject({ departmentId: 'flood-control', via: '派遣规则' });
  });

  it('for a 小类 without a rule (SJ0102 暴露垃圾), the department of its kind, again where 派遣 sends it', async () => {
    const c = await filedCase('SJ0102');
    const shown = await detail(c.id, 'dispatcher');
    expect(shown.dispatchSuggestion).toMatchObject({
      departmentId: 'urban-mgmt',
      departmentName: '市城市管理综合执法局（12319）',
    });
    const dispatched = await caseEvent(t, u('dispatcher'), c.id, 'dispatch');
    expect(dispatched.case.departmentId).toBe(shown.dispatchSuggestion!.departmentId);
  });

  it('is offered only to whoever may dispatch the case now', async () => {
    const c = await filedCase('SJ0504');
    expect((await detail(c.id, 'inspector')).dispatchSuggestion).toBeNull();
    await caseEvent(t, u('dispatcher'), c.id, 'dispatch');
    // 已派遣: 改派 is still possible, so the dispatcher still sees where automatic dispatch would send it.
    expect((await detail(c.id, 'dispatcher')).dispatchSuggestion).toMatchObject({ departmentId: 'flood-control' });
  });
});
