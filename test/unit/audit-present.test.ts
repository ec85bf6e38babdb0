import type { AuditEventView } from '../../contracts/identity';
import { loadPolicy } from '../../gateway/policy/load';
import { actionLabel, detailFields, groupRows, objectLabel, objectRefs, presentEntry } from '../../gateway/audit/present';

/** The audit log for people: one entry per action, named in Chinese, details as labelled fields. */
const policy = loadPolicy();
const none = { cases: new Map<number, string>(), incidents: new Map<number, string>(), users: new Map<string, string>() };

let nextSeq = 100;
function row(over: Partial<AuditEventView>): AuditEventView {
  return {
    seq: nextSeq++,
    at: '2026-12-07T08:00:00.000Z',
    userId: 'u1',
    username: 'shouli.li',
    role: 'dispatcher',
    action: 'case.dispatch',
    object: 'POST /api/cases/17/dispatch',
    outcome: 'ok',
    sourceIp: '127.0.0.1',
    requestId: 'req-1',
    detail: {},
    ...over,
  };
}
const authorised = (over: Partial<AuditEventView> = {}) =>
  row({ detail: { stage: 'authorised', route: 'POST /api/cases/:id/dispatch', input: { note: '请尽快处置' } }, ...over });
const completed = (over: Partial<AuditEventView> = {}) =>
  row({
    detail: {
      stage: 'completed',
      status: 200,
      changes: {
        case: 17,
        event: 'dispatch',
        state: { from: 'filed', to: 'dispatched' },
        step: { departmentName: '道里区城管局' },
      },
    },
    ...over,
  });

describe('pairing a command’s authorised and completed rows', () => {
  it('makes one entry of both rows when both are in the page, where the completed row is', () => {
    const a = authorised();
    const other = row({ action: 'auth.login', object: 'account x', requestId: 'req-2', detail: {} });
    const c = completed();
    const groups = groupRows([c, other, a], [], new Set());
    expect(groups.map((g) => g.map((r) => r.seq))).toEqual([[a.seq, c.seq], [other.seq]]);
  });

  it('attaches the half found outside the page', () => {
    const a = authorised({ requestId: 'req-3' });
    const c = completed({ requestId: 'req-3' });
    expect(groupRows([c], [a], new Set()).map((g) => g.map((r) => r.seq))).toEqual([[a.seq, c.seq]]);
  });

  it('leaves out an authorised row whose completed row led its entry on an earlier page', () => {
    const a = authorised({ requestId: 'req-4' });
    const c = completed({ requestId: 'req-4' });
    expect(groupRows([a], [c], new Set([c.seq]))).toEqual([]);
    // The filter did not select the completed row (e.g. outcome 失败): the authorised row leads, with its partner.
    expect(groupRows([a], [c], new Set()).map((g) => g.map((r) => r.seq))).toEqual([[a.seq, c.seq]]);
  });

  it('keeps apart the rows of different requests and of different actions of one request', () => {
    const a = authorised({ requestId: 'req-5' });
    const c = completed({ requestId: 'req-6' });
    const inline = row({ requestId: 'req-5', action: 'case.photo', object: 'case_photo:9', detail: { stage: 'report' } });
    expect(groupRows([inline, c, a], [], new Set()).map((g) => g.map((r) => r.seq))).toEqual([[inline.seq], [c.seq], [a.seq]]);
  });
});

describe('names in Chinese', () => {
  it('names a case event by the event and the case by its code', () => {
    const entry = presentEntry(policy, [authorised({ requestId: 'r7' }), completed({ requestId: 'r7' })], {
      ...none,
      cases: new Map([[17, '20261207000009']]),
    });
    expect(entry).toMatchObject({
      actionLabel: '案件派遣',
      objectLabel: '案件 20261207000009',
      roleName: '受理员/派遣员',
      command: { authorisedSeq: expect.any(Number), completedSeq: expect.any(Number) },
    });
    expect(entry.fields).toEqual([
      { label: '备注', value: '请尽快处置' },
      { label: '状态', value: '已立案 → 已派遣' },
      { label: '步骤 · 处置部门', value: '道里区城管局' },
      { label: 'HTTP 状态', value: '200' },
    ]);
    expect(entry.rows.map((r) => r.detail.stage)).toEqual(['authorised', 'completed']);
  });

  it('says when a command has no completed row', () => {
    const entry = presentEntry(policy, [authorised({ requestId: 'r8' })], none);
    expect(entry.command).toEqual({ authorisedSeq: expect.any(Number), completedSeq: null });
    expect(entry.fields.at(-1)).toEqual({ label: '完成情况', value: '未记录完成（命令仍在执行，或执行中断）' });
  });

  it('uses the policy’s label for other actions and a table for the audit’s own', () => {
    expect(actionLabel(policy, [row({ action: 'user.create', object: 'user web.x', requestId: null })])).toBe('新建用户');
    expect(actionLabel(policy, [row({ action: 'access.denied', object: 'GET /api/audit/events' })])).toBe('访问被拒绝');
    expect(actionLabel(policy, [row({ action: 'no.such', object: null })])).toBe('no.such');
    const transition = row({
      action: 'incident.command',
      object: 'POST /api/incidents/5/transition',
      detail: { stage: 'authorised', input: { action: 'acknowledge' } },
    });
    expect(actionLabel(policy, [transition])).toBe('警情确认');
  });

  it('names objects as people know them', () => {
    const names = {
      cases: new Map([[3, '20261207000003']]),
      incidents: new Map([[5, '松花江大桥追尾']]),
      users: new Map([['u9', 'zhihui.wang']]),
    };
    expect(objectLabel(policy, 'POST /api/cases/3/file', names)).toBe('案件 20261207000003');
    expect(objectLabel(policy, 'POST /api/cases/4/file', names)).toBe('案件 #4');
    expect(objectLabel(policy, 'POST /api/incidents/5/dispatch', names)).toBe('警情 #5 松花江大桥追尾');
    expect(objectLabel(policy, 'PATCH /api/admin/users/u9', names)).toBe('用户 zhihui.wang');
    expect(objectLabel(policy, 'GET /api/audit/events', names)).toBe('审计日志');
    expect(objectLabel(policy, 'POST /api/mode', names)).toBe('系统运行模式');
    expect(objectLabel(policy, 'user web.x', names)).toBe('用户 web.x');
    expect(objectLabel(policy, 'city_case:3', names)).toBe('案件 20261207000003');
    expect(objectLabel(policy, 'ogc collection incidents', names)).toBe('图层 incidents');
    expect(objectLabel(policy, 'audit_event chain', names)).toBe('审计哈希链');
    expect(objectLabel(policy, 'something else', names)).toBe('something else');
    expect(objectLabel(policy, null, names)).toBeNull();
  });

  it('asks for the ids the objects of a page name', () => {
    const rows = [
      row({ object: 'POST /api/cases/3/file' }),
      row({ object: 'city_case:8' }),
      row({ object: 'POST /api/incidents/5/split' }),
      row({ object: 'POST /api/admin/users/u9/unlock' }),
      row({ object: 'GET /api/cases/categories' }),
    ];
    expect(objectRefs(policy, rows)).toEqual({ cases: [3, 8], incidents: [5], users: ['u9'] });
  });
});

describe('details as labelled fields', () => {
  it('writes from → to, yes/no, lists, enumerations and nested objects in words', () => {
    expect(
      detailFields(policy, {
        mode: { from: 'daily', to: 'emergency' },
        drill: { from: null, to: true },
        action: 'audit.read',
        reason: '无权限',
        urgent: false,
        departments: ['urban-mgmt', 'traffic-police'],
        filter: { user: 'zhihui', outcome: 'failed' },
        photoIds: [],
      }),
    ).toEqual([
      { label: '模式', value: '平时管理 → 应急处置' },
      { label: '演练', value: '（无） → 是' },
      { label: '操作', value: '查看审计日志' },
      { label: '原因', value: '无权限' },
      { label: '紧急', value: '否' },
      { label: '部门', value: 'urban-mgmt、traffic-police' },
      { label: '筛选条件 · 用户', value: 'zhihui' },
      { label: '筛选条件 · 结果', value: '失败' },
      { label: '照片', value: '无' },
    ]);
  });
});

describe('who may perform an action, in words (无权访问 names it)', () => {
  it('names roles, department kinds and everyone', () => {
    const views = new Map(policy.actionViews().map((a) => [a.id, a]));
    expect(views.get('audit.read')).toEqual({ id: 'audit.read', label: '查看审计日志', roles: ['审计管理员'], public: false });
    expect(views.get('road_condition.write')!.roles).toEqual([
      '指挥员',
      '受理员/派遣员',
      '领导',
      '处置部门（交警）',
      '处置部门（防汛）',
    ]);
    expect(views.get('session.read')!.roles).toEqual(['所有人员账号', '大屏设备']);
    expect(views.get('geo.public')).toMatchObject({ roles: [], public: true });
  });
});

describe('codes people read', () => {
  it('writes refusal reasons, channels and role changes in words', () => {
    expect(detailFields(policy, { channel: 'http', reason: 'bad_password' })).toEqual([
      { label: '通道', value: '网页/接口' },
      { label: '原因', value: '密码错误' },
    ]);
    expect(detailFields(policy, { channel: 'hotline_12319', kind: 'device' })).toEqual([
      { label: '通道', value: '12319 热线' },
      { label: '类型', value: '设备账号' },
    ]);
    expect(detailFields(policy, { from: 'commander', to: 'leader' })).toEqual([
      { label: '从', value: '指挥员' },
      { label: '至', value: '领导' },
    ]);
  });
});
