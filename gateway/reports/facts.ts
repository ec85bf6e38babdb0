import {
  INCIDENT_CATEGORY_LABELS,
  INCIDENT_STATE_LABELS,
  UNIT_STATUS_LABELS,
  UNIT_TYPE_LABELS,
  type IncidentCategory,
  type IncidentState,
  type UnitStatus,
  type UnitType,
} from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { reportSql } from './sql';

const SQL = {
  response: reportSql('facts-response.sql'),
  incidents: reportSql('facts-incidents.sql'),
  units: reportSql('facts-units.sql'),
  dispatches: reportSql('facts-dispatches.sql'),
  tasks: reportSql('facts-tasks.sql'),
};

export interface ResponseStep {
  action: 'declare' | 'escalate' | 'deescalate' | 'end';
  from: string | null;
  to: string | null;
  actor: string;
  reason: string;
  at: string;
}

/** What a report is drafted from: the response, its incidents, units and tasks as they are now. */
export interface ReportFacts {
  asOf: string;
  response: {
    id: string;
    planId: string;
    planTitle: string;
    level: string;
    status: 'active' | 'ended';
    drill: boolean;
    reason: string;
    declaredBy: string;
    startedAt: string;
    endedAt: string | null;
    endNote: string | null;
    steps: ResponseStep[];
  };
  incidents: {
    id: number;
    title: string;
    category: string;
    status: string;
    priority: number;
    place: string;
    address: string | null;
    sources: string[];
    casualties: number | null;
    firstReportedAt: string;
  }[];
  units: { type: string; status: string; n: number }[];
  dispatches: number;
  tasks: { department: string; title: string; role: string; state: string; overdue: string; dueAt: string }[];
}

const iso = (v: Date | string) => new Date(v).toISOString();

interface ResponseRow {
  id: string;
  plan_id: string;
  plan_title: string;
  level: string;
  status: 'active' | 'ended';
  drill: boolean;
  incident_ids: string[];
  reason: string;
  declared_by: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  end_note: string | null;
  steps: (Omit<ResponseStep, 'at'> & { at: string })[];
}

/** The response's row, or 404. */
export async function readResponseRow(db: Queryable, id: string): Promise<ResponseRow> {
  const [r] = await db.query<ResponseRow>(SQL.response, [id]);
  if (!r) throw new AppError('not_found', `未找到应急响应 ${id}`);
  return r;
}

/** Gathers the live facts of a response for a draft (read in the caller's transaction, so they are consistent). */
export async function gatherFacts(db: Queryable, responseId: string, now: Date): Promise<ReportFacts> {
  const r = await readResponseRow(db, responseId);
  const ids = r.incident_ids;
  // One after another: the caller's transaction is one connection.
  const incidents = await db.query<{
      id: string;
      title: string;
      category: string;
      status: string;
      priority: number;
      place: string;
      address: string | null;
      sources: string[];
      casualties: number | null;
      first_reported_at: Date | string;
  }>(SQL.incidents, [ids]);
  const units = await db.query<{ type: string; status: string; n: number }>(SQL.units, [ids]);
  const [dispatches] = await db.query<{ n: number }>(SQL.dispatches, [ids]);
  const tasks = await db.query<{ title: string; role: string; state: string; overdue: string; due_at: Date | string; department: string }>(
    SQL.tasks,
    [responseId],
  );
  return {
    asOf: now.toISOString(),
    response: {
      id: r.id,
      planId: r.plan_id,
      planTitle: r.plan_title,
      level: r.level,
      status: r.status,
      drill: r.drill,
      reason: r.reason,
      declaredBy: r.declared_by,
      startedAt: iso(r.started_at),
      endedAt: r.ended_at ? iso(r.ended_at) : null,
      endNote: r.end_note,
      steps: r.steps.map((s) => ({ ...s, at: iso(s.at) })),
    },
    incidents: incidents.map((i) => ({
      id: Number(i.id),
      title: i.title,
      category: i.category,
      status: i.status,
      priority: i.priority,
      place: i.place,
      address: i.address,
      sources: i.sources,
      casualties: i.casualties,
      firstReportedAt: iso(i.first_reported_at),
    })),
    units,
    dispatches: dispatches?.n ?? 0,
    tasks: tasks.map((t) => ({
      department: t.department,
      title: t.title,
      role: t.role,
      state: t.state,
      overdue: t.overdue,
      dueAt: iso(t.due_at),
    })),
  };
}

// ── Facts in words, for the templates ───────────────────────────────────────────────────────────────────────────

const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
/** 12月7日 20:35 (Beijing time). */
export function beijingTime(isoTime: string): string {
  const parts = Object.fromEntries(TIME.formatToParts(new Date(isoTime)).map((p) => [p.type, p.value]));
  return `${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

const LEVELS: Record<string, string> = { I: 'Ⅰ级（特别重大）', II: 'Ⅱ级（重大）', III: 'Ⅲ级（较大）', IV: 'Ⅳ级（一般）' };
const STEP_WORDS: Record<ResponseStep['action'], string> = { declare: '启动', escalate: '升级为', deescalate: '降级为', end: '终止' };
const TASK_STATES: Record<string, string> = {
  issued: '已下达',
  received: '已接收',
  acknowledged: '已确认',
  done: '已完成',
  cancelled: '已取消',
};
const OVERDUE: Record<string, string> = { none: '', amber: '（已超时）', red: '（严重超时，已上报带班领导）' };
const SOURCES: Record<string, string> = { '110': '110', '119': '119', '120': '120', flood: '防汛', airdefense: '人防', traffic: '交警' };

const categoryLabel = (c: string) => INCIDENT_CATEGORY_LABELS[c as IncidentCategory] ?? c;
const stateLabel = (s: string) => INCIDENT_STATE_LABELS[s as IncidentState] ?? s;

/** The template fields (`{{name}}`) a report's text is made from, each a string. */
export function templateFields(f: ReportFacts, extra: { number: number; clerk: string; since: string | null }) {
  const r = f.response;
  const casualties = f.incidents.filter((i) => i.casualties !== null);
  const tasksOpen = f.tasks.filter((t) => t.state !== 'done' && t.state !== 'cancelled');
  const unitsByType = new Map<string, number>();
  for (const u of f.units) unitsByType.set(u.type, (unitsByType.get(u.type) ?? 0) + u.n);
  const onScene = f.units.filter((u) => u.status === 'on_scene').reduce((a, u) => a + u.n, 0);
  const stepsSince = r.steps.filter((s) => extra.since === null || s.at > extra.since);
  return {
    drill: r.drill ? '【演练】' : '',
    plan: r.planTitle,
    level: LEVELS[r.level] ?? r.level,
    number: String(extra.number),
    startedAt: beijingTime(r.startedAt),
    endedAt: r.endedAt ? beijingTime(r.endedAt) : '（尚未终止）',
    endNote: r.endNote ?? '',
    reason: r.reason,
    declaredBy: r.declaredBy,
    asOf: beijingTime(f.asOf),
    clerk: extra.clerk,
    event: f.incidents[0]?.title ?? r.planTitle,
    incidentCount: String(f.incidents.length),
    incidents: f.incidents.length
      ? f.incidents
          .map(
            (i, n) =>
              `${n + 1}. ${beijingTime(i.firstReportedAt)}，${i.place || '位置待核'}${i.address ? `（${i.address}）` : ''}发生${categoryLabel(i.category)}：${i.title}。` +
              `报警来源：${i.sources.map((s) => SOURCES[s] ?? s).join('、') || '—'}；当前状态：${stateLabel(i.status)}。`,
          )
          .join('\n')
      : '（本次响应未关联警情）',
    casualties: casualties.length
      ? casualties.map((i) => `${i.title}：报告伤亡 ${i.casualties} 人`).join('；') + '。'
      : '暂无人员伤亡报告。',
    dispatches: String(f.dispatches),
    unitsAtWork: String(f.units.reduce((a, u) => a + u.n, 0)),
    unitsOnScene: String(onScene),
    unitsByType: unitsByType.size
      ? [...unitsByType].map(([t, n]) => `${UNIT_TYPE_LABELS[t as UnitType] ?? t} ${n} 辆`).join('、')
      : '无',
    unitStates: f.units.length
      ? f.units.map((u) => `${UNIT_TYPE_LABELS[u.type as UnitType] ?? u.type}${UNIT_STATUS_LABELS[u.status as UnitStatus] ?? u.status} ${u.n}`).join('，')
      : '无',
    tasksTotal: String(f.tasks.length),
    tasksDone: String(f.tasks.filter((t) => t.state === 'done').length),
    tasksOpen: String(tasksOpen.length),
    tasksOverdue: String(f.tasks.filter((t) => t.overdue !== 'none' && t.state !== 'done' && t.state !== 'cancelled').length),
    taskLines: f.tasks.length
      ? f.tasks
          .map((t) => `- ${t.department}（${t.role === 'lead' ? '牵头' : '配合'}）：${t.title}，${TASK_STATES[t.state] ?? t.state}${t.state === 'done' ? '' : (OVERDUE[t.overdue] ?? '')}`)
          .join('\n')
      : '（暂无部门任务）',
    changes: stepsSince.length
      ? stepsSince
          .map((s) => `${beijingTime(s.at)} ${s.actor} ${STEP_WORDS[s.action]}${s.to ? (LEVELS[s.to] ?? s.to) : ''}响应：${s.reason}`)
          .join('\n')
      : '响应级别无变化。',
  };
}
