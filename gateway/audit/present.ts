import { AUDIT_EVENT_LABELS, type AuditEntry, type AuditField } from '../../contracts/audit';
import { CASE_CHANNEL_LABELS } from '../../contracts/cases/code-tables';
import { CASE_EVENT_LABELS, CASE_EVENTS, CASE_STATE_LABELS, CASE_STATES } from '../../contracts/cases/workflow';
import type { AuditEventView } from '../../contracts/identity';
import {
  INCIDENT_ACTION_LABELS,
  INCIDENT_ACTIONS,
  INCIDENT_STATE_LABELS,
  INCIDENT_STATES,
  SYSTEM_MODE_LABELS,
  SYSTEM_MODES,
  UNIT_STATUS_LABELS,
  UNIT_STATUSES,
} from '../../contracts/incidents';
import type { Policy } from '../policy/policy';

/**
 * The audit log for people: the stored rows of one action become one entry with a Chinese action name, the object
 * as people know it and labelled details. Pure: the database lookups (case codes, incident titles, user names) are
 * made by `entries.ts` from the references `objectRefs` names.
 */

/** What the object ids of a page resolve to: case id → 案件编号, incident id → title, user id → login name. */
export interface ObjectNames {
  cases: ReadonlyMap<number, string>;
  incidents: ReadonlyMap<number, string>;
  users: ReadonlyMap<string, string>;
}

type CommandStage = 'authorised' | 'completed';

/** The stage of a row the access middleware wrote around a command (gateway/policy/http.ts), or null. */
export function commandStage(row: AuditEventView): CommandStage | null {
  const stage = row.detail.stage;
  return row.requestId && (stage === 'authorised' || stage === 'completed') ? stage : null;
}

const pairKey = (row: AuditEventView) => `${row.requestId}\u0000${row.action}`;

/**
 * Groups a page of rows (newest first) into entries: a command's authorised and completed rows become one entry,
 * placed where its completed row is. `partners` are the other halves found outside the page; `shownBefore` the seqs of
 * completed rows that lead their entry on an earlier page (their authorised row in this page is then left out).
 */
export function groupRows(
  page: readonly AuditEventView[],
  partners: readonly AuditEventView[],
  shownBefore: ReadonlySet<number>,
): AuditEventView[][] {
  const halves = new Map<string, { authorised?: AuditEventView; completed?: AuditEventView }>();
  for (const row of [...partners, ...page]) {
    const stage = commandStage(row);
    if (!stage) continue;
    const pair = halves.get(pairKey(row)) ?? {};
    pair[stage] ??= row;
    halves.set(pairKey(row), pair);
  }
  const inPage = new Set(page.map((r) => r.seq));
  const groups: AuditEventView[][] = [];
  for (const row of page) {
    const stage = commandStage(row);
    if (!stage) {
      groups.push([row]);
      continue;
    }
    const { authorised, completed } = halves.get(pairKey(row))!;
    if (stage === 'authorised' && completed && (inPage.has(completed.seq) || shownBefore.has(completed.seq))) continue;
    groups.push([authorised, completed].filter((r): r is AuditEventView => r !== undefined));
  }
  return groups;
}

const ROUTE_OBJECT = /^(GET|HEAD|POST|PUT|PATCH|DELETE) (\/\S*)$/;

/** The policy route an object such as `POST /api/cases/17/dispatch` names, with its parameters. */
function routeOf(policy: Policy, object: string | null): { route: string; actionId: string; params: string[] } | null {
  const m = object ? ROUTE_OBJECT.exec(object) : null;
  if (!m) return null;
  const hit = policy.httpAction(m[1]!, m[2]!);
  if (!hit) return null;
  const pattern = hit.route.split(' ')[1]!.split('/');
  const actual = m[2]!.split('/');
  const params = pattern.flatMap((seg, i) => (seg.startsWith(':') ? [decodeSegment(actual[i] ?? '')] : []));
  return { route: hit.route, actionId: hit.actionId, params };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The ids a page's objects name, for the lookups of `ObjectNames`. */
export function objectRefs(
  policy: Policy,
  rows: readonly AuditEventView[],
): { cases: number[]; incidents: number[]; users: string[] } {
  const cases = new Set<number>();
  const incidents = new Set<number>();
  const users = new Set<string>();
  for (const row of rows) {
    const hit = routeOf(policy, row.object);
    const id = hit?.params[0];
    const caseRow = /^city_case:(\d+)$/.exec(row.object ?? '');
    if (caseRow) cases.add(Number(caseRow[1]));
    if (!hit || id === undefined) continue;
    const path = hit.route.split(' ')[1]!;
    if (path.startsWith('/api/cases/:') && /^\d+$/.test(id)) cases.add(Number(id));
    else if (path.startsWith('/api/incidents/:') && /^\d+$/.test(id)) incidents.add(Number(id));
    else if (path.startsWith('/api/admin/users/:')) users.add(id);
  }
  return { cases: [...cases], incidents: [...incidents], users: [...users] };
}

/** What the resources of the API are called, longest path first wins. */
const ROUTE_NOUNS: readonly [string, string][] = [
  ['/api/cases/photos', '案件照片'],
  ['/api/cases/channels', 'Open311 渠道'],
  ['/api/open311/channels', 'Open311 渠道'],
  ['/api/cases/evaluation', '综合评价'],
  ['/api/cases', '案件'],
  ['/api/incidents', '警情'],
  ['/api/units', '力量'],
  ['/api/admin/users', '用户'],
  ['/api/admin/departments', '部门'],
  ['/api/admin/roles', '角色'],
  ['/api/audit', '审计日志'],
  ['/api/auth/tokens', 'API 令牌'],
  ['/api/auth', '本人账号'],
  ['/api/geo/road-conditions', '道路通行状况'],
  ['/api/warnings', '预警'],
  ['/api/reports/situation', '态势报告'],
  ['/api/reports', '信息报送'],
  ['/api/responses/tasks', '应急任务'],
  ['/api/responses/suggestions', '响应启动建议'],
  ['/api/responses', '应急响应'],
  ['/api/duty/shifts', '值班班次'],
  ['/api/duty/handovers', '交接班记录'],
  ['/api/notify', '通知'],
  ['/api/shelters', '避难场所'],
  ['/api/airdefense/sirens', '防空警报器'],
  ['/api/airdefense/commands', '警报鸣放命令'],
  ['/api/evacuation', '疏散掩蔽方案'],
  ['/api/population', '人口网格'],
  ['/api/mode/proposals', '模式切换提议'],
  ['/api/mode', '系统运行模式'],
  ['/api/replay', '复盘'],
  ['/api/analysis', '空间分析'],
  ['/api/feeds', '机构推送'],
  ['/api/cameras', '摄像机'],
  ['/api/conferences', '视频会商'],
  ['/ogc', 'OGC 图层'],
  ['/tiles', '矢量瓦片'],
];

/** Objects written as `<kind> <id>` or `<kind>:<id>` by the handlers that audit inline. */
const OBJECT_NOUNS: Readonly<Record<string, string>> = {
  user: '用户',
  account: '账号',
  session: '会话',
  department: '部门',
  api_token: 'API 令牌',
  camera: '摄像机',
  conference: '视频会商',
  replay: '复盘时段',
  socket: '实时连接事件',
  'ogc collection': '图层',
  case_photo: '案件照片',
  case_channel: 'Open311 渠道',
  city_case: '案件',
  audit_event: '审计日志',
  'audit_event chain': '审计哈希链',
  webhook: '推送接口',
  open311: 'Open311 接口',
  mqtt: 'MQTT 接入',
};

/** The object in words: 案件 20261207000009, 警情 #12 松花江大桥追尾, 用户 zhihui.wang, or the raw text when unknown. */
export function objectLabel(policy: Policy, object: string | null, names: ObjectNames): string | null {
  if (!object) return null;
  const hit = routeOf(policy, object);
  if (hit) {
    const path = hit.route.split(' ')[1]!;
    const noun = ROUTE_NOUNS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1];
    const id = hit.params[0];
    const name = noun ?? policy.action(hit.actionId)?.label ?? object;
    if (id === undefined) return name;
    if (noun === '案件') return `案件 ${names.cases.get(Number(id)) ?? `#${id}`}`;
    if (noun === '警情') return `警情 #${id}${names.incidents.has(Number(id)) ? ` ${names.incidents.get(Number(id))}` : ''}`;
    if (noun === '用户') return `用户 ${names.users.get(id) ?? id}`;
    return `${name} ${id}`;
  }
  if (OBJECT_NOUNS[object]) return OBJECT_NOUNS[object]!;
  const m = /^([a-z_]+(?: collection)?)(?: |:)(.+)$/.exec(object);
  if (!m || !OBJECT_NOUNS[m[1]!]) return object;
  if (m[1] === 'city_case') return `案件 ${names.cases.get(Number(m[2])) ?? `#${m[2]}`}`;
  return `${OBJECT_NOUNS[m[1]!]} ${m[2]!}`;
}

/** The action in words: a case event by its own name (案件派遣), an incident command by its step, else the policy's label. */
export function actionLabel(policy: Policy, rows: readonly AuditEventView[]): string {
  const row = rows[0]!;
  const hit = routeOf(policy, row.object);
  const last = hit?.route.split('/').at(-1);
  if (hit?.route.startsWith('POST /api/cases/:id/') && last) {
    const event = CASE_EVENTS.find((e) => e === last);
    if (event) return `案件${CASE_EVENT_LABELS[event]}`;
  }
  if (hit?.route === 'POST /api/incidents/:id/transition') {
    const input = rows.find((r) => commandStage(r) === 'authorised')?.detail.input;
    const step = input && typeof input === 'object' ? (input as Record<string, unknown>).action : undefined;
    const action = INCIDENT_ACTIONS.find((a) => a === step);
    if (action) return `警情${INCIDENT_ACTION_LABELS[action]}`;
  }
  if (hit?.route === 'POST /api/incidents/:id/split') return '警情拆分';
  if (hit?.route === 'POST /api/incidents/:id/merge') return '警情合并';
  return policy.action(row.action)?.label ?? AUDIT_EVENT_LABELS[row.action] ?? row.action;
}

/** Labels of the detail keys the handlers write; a key without one is shown as it is. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  reason: '原因',
  note: '备注',
  state: '状态',
  status: '状态',
  event: '事件',
  action: '操作',
  channel: '通道',
  departmentId: '部门编号',
  departmentName: '处置部门',
  previousDepartmentId: '原部门编号',
  via: '派遣依据',
  duplicateOf: '重复于案件',
  duplicateOfCode: '重复于案件编号',
  amount: '延期数量',
  deadline: '处置时限',
  level: '级别',
  step: '步骤',
  categoryCode: '小类代码',
  description: '描述',
  address: '地址',
  lon: '经度',
  lat: '纬度',
  urgent: '紧急',
  confirmed: '属实',
  passed: '通过',
  photoIds: '照片',
  photos: '照片数',
  inspectorId: '监督员',
  incident: '警情',
  unit: '力量',
  unitIds: '力量',
  mode: '模式',
  drill: '演练',
  proposal: '切换提议',
  warning: '预警',
  hazard: '灾种',
  area: '范围',
  cancelledBy: '解除通知',
  report: '信息报送',
  response: '应急响应',
  kind: '类型',
  version: '版本',
  receiver: '接收方',
  suggestion: '启动建议',
  task: '应急任务',
  checked: '已勾选',
  shift: '班次',
  handover: '交班记录',
  openItems: '未结事项',
  receivedBy: '接班人',
  cancelled: '取消时间',
  imported: '导入',
  updated: '更新',
  shifts: '班次数',
  departments: '部门',
  notification: '通知',
  recipients: '接收人数',
  recipient: '接收人',
  acknowledged: '确认收到',
  shelter: '避难场所',
  registered: '登记',
  sheltersImported: '新登记场所数',
  sheltersUpdated: '更新场所数',
  occupancy: '在避人数',
  opening: '开放状态',
  source: '来源',
  siren: '警报器',
  credential: '接入凭据',
  command: '鸣放命令',
  signal: '警报信号',
  officialPopulationCells: '导入人口网格数',
  id: '编号',
  name: '名称',
  username: '登录名',
  displayName: '姓名',
  role: '角色',
  disabled: '停用',
  gridScope: '网格范围',
  hotline: '热线',
  districtAdcode: '区县代码',
  label: '用途',
  days: '有效天数',
  changes: '变更',
  from: '从',
  to: '至',
  checkedRows: '已校验记录数',
  lastSeq: '最后一条记录',
  firstBroken: '第一处断点',
  seq: '记录序号',
  filter: '筛选条件',
  user: '用户',
  outcome: '结果',
  limit: '条数上限',
  layer: '图层',
  format: '格式',
  count: '数量',
  caseId: '案件',
  exifGps: '含 GPS 位置',
  repeats: '重复次数',
  attempts: '尝试次数',
  principal: '声称的身份',
  ip: '来源地址',
  stage: '阶段',
  route: '接口',
  input: '提交内容',
  lockedUntil: '锁定至',
  lock: '锁定原因',
  session: '会话',
  usualSourceWhileLocked: '锁定期间来自常用地址',
  sessionsEnded: '结束的会话数',
  otherSessionsEnded: '结束的其他会话数',
  apiKeysRevoked: '撤销的令牌数',
  expiresAt: '到期时间',
  owner: '所属用户',
  purged: '清理条数',
  throughSeq: '清理至记录',
  keepDays: '保留天数',
  created: '新建',
  title: '标题',
  viewId: '观看编号',
  service_code: '服务代码',
  repeatsBefore: '此前重复次数',
  coverage: '网格覆盖',
  idempotencyKey: '提交标识',
  coordSystem: '坐标系',
  contact: '联系方式',
  observedAt: '发现时间',
};

/** Machine codes people read in the log: refusal reasons, lock kinds, channels. */
const CODE_WORDS: Readonly<Record<string, string>> = {
  bad_password: '密码错误',
  unknown_user: '用户名不存在',
  bad_current_password: '当前密码错误',
  account_disabled: '账号已停用',
  disabled: '账号已停用',
  name: '该登录名失败次数过多',
  source: '该来源地址失败次数过多',
  usual_source: '常用地址失败次数过多',
  http: '网页/接口',
  socket: '实时连接',
  ...CASE_CHANNEL_LABELS,
  person: '人员账号',
  device: '设备账号',
};

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  ok: '成功',
  failed: '失败',
  denied: '拒绝',
  locked: '锁定',
  error: '错误',
};

/** A stored value in words, the enumerations of the platform by their Chinese names. */
function valueWords(policy: Policy, key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (key === 'action') return policy.action(value)?.label ?? AUDIT_EVENT_LABELS[value] ?? value;
    if (key === 'role') return policy.roleName(value);
    if (key === 'outcome') return OUTCOME_WORDS[value] ?? value;
    if ((key === 'reason' || key === 'lock' || key === 'channel' || key === 'kind') && CODE_WORDS[value])
      return CODE_WORDS[value];
    if ((key === 'from' || key === 'to') && policy.file.roles[value]) return policy.roleName(value);
    const known =
      CASE_STATES.find((s) => s === value && (key === 'state' || key === 'from' || key === 'to')) ??
      INCIDENT_STATES.find((s) => s === value && (key === 'status' || key === 'from' || key === 'to')) ??
      UNIT_STATUSES.find((s) => s === value && (key === 'status' || key === 'from' || key === 'to')) ??
      SYSTEM_MODES.find((s) => s === value && (key === 'mode' || key === 'from' || key === 'to'));
    if (known) return stateWord(known);
    return value;
  }
  if (Array.isArray(value)) {
    if (!value.length) return '无';
    return value.every((v) => typeof v !== 'object' || v === null)
      ? value.map((v) => valueWords(policy, key, v)).join('、')
      : `${value.length} 项`;
  }
  return JSON.stringify(value);
}

function stateWord(s: string): string {
  return (
    (CASE_STATE_LABELS as Record<string, string>)[s] ??
    (INCIDENT_STATE_LABELS as Record<string, string>)[s] ??
    (UNIT_STATUS_LABELS as Record<string, string>)[s] ??
    (SYSTEM_MODE_LABELS as Record<string, string>)[s] ??
    s
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A detail object as labelled fields: `{from, to}` becomes "A → B", nested objects "外层 · 内层". */
export function detailFields(policy: Policy, detail: unknown, skip: ReadonlySet<string> = new Set(), prefix = ''): AuditField[] {
  if (!isRecord(detail))
    return detail === undefined || detail === null ? [] : [{ label: prefix || '内容', value: String(detail) }];
  const out: AuditField[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (skip.has(key) || value === undefined) continue;
    const label = prefix ? `${prefix} · ${FIELD_LABELS[key] ?? key}` : (FIELD_LABELS[key] ?? key);
    if (isRecord(value) && Object.keys(value).every((k) => k === 'from' || k === 'to') && 'to' in value) {
      const from = value.from === null || value.from === undefined ? '（无）' : valueWords(policy, key, value.from);
      out.push({ label, value: `${from} → ${valueWords(policy, key, value.to)}` });
    } else if (isRecord(value)) {
      out.push(...detailFields(policy, value, new Set(), label));
    } else {
      out.push({ label, value: valueWords(policy, key, value) });
    }
  }
  return out;
}

/** One entry's details: for a command what was asked (its input) and what it changed; else the row's own detail. */
function entryFields(policy: Policy, rows: readonly AuditEventView[]): AuditField[] {
  const authorised = rows.find((r) => commandStage(r) === 'authorised');
  const completed = rows.find((r) => commandStage(r) === 'completed');
  if (!authorised && !completed) return detailFields(policy, rows[0]!.detail);
  const fields = [
    ...detailFields(policy, authorised?.detail.input),
    // The case and its event are the entry's object and action already.
    ...detailFields(policy, completed?.detail.changes, new Set(['case', 'event'])),
  ];
  if (!completed) fields.push({ label: '完成情况', value: '未记录完成（命令仍在执行，或执行中断）' });
  else if (typeof completed.detail.status === 'number')
    fields.push({ label: 'HTTP 状态', value: String(completed.detail.status) });
  return fields;
}

/** One entry from its rows (oldest first is not required: they are sorted here). */
export function presentEntry(policy: Policy, group: readonly AuditEventView[], names: ObjectNames): AuditEntry {
  const rows = [...group].sort((a, b) => a.seq - b.seq);
  const lead = rows.at(-1)!;
  const authorised = rows.find((r) => commandStage(r) === 'authorised');
  const completed = rows.find((r) => commandStage(r) === 'completed');
  return {
    seq: lead.seq,
    at: lead.at,
    username: lead.username,
    role: lead.role,
    roleName: lead.role ? policy.roleName(lead.role) : null,
    action: lead.action,
    actionLabel: actionLabel(policy, rows),
    object: lead.object,
    objectLabel: objectLabel(policy, lead.object, names),
    outcome: lead.outcome,
    sourceIp: lead.sourceIp,
    requestId: lead.requestId,
    command: authorised || completed ? { authorisedSeq: authorised?.seq ?? null, completedSeq: completed?.seq ?? null } : null,
    fields: entryFields(policy, rows),
    rows,
  };
}
