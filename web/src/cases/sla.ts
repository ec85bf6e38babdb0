import { SLA_STATUS_LABELS, type CaseSummary, type SlaClock, type SlaStatus } from '../../../contracts/cases';

/**
 * How a case's SLA is coloured in queues and on the map: 正常, 预警, 超时, 暂停, fed back and waiting for the check
 * and 结案 (`awaiting`), or neutral (not yet timed, or the case has ended).
 */
export type SlaTone = 'normal' | 'warning' | 'overdue' | 'paused' | 'idle' | 'awaiting' | 'done';

export const SLA_TONE_LABELS: Record<SlaTone, string> = {
  normal: '正常',
  warning: '预警',
  overdue: '超时',
  paused: '暂停',
  idle: SLA_STATUS_LABELS.none,
  awaiting: SLA_STATUS_LABELS.awaiting_close,
  done: SLA_STATUS_LABELS.done,
};

export const SLA_TONE_COLORS: Record<SlaTone, string> = {
  normal: '#2e7d32',
  warning: '#ef8f00',
  overdue: '#c62828',
  paused: '#6d4c9f',
  idle: '#607d8b',
  awaiting: '#3f6fb5',
  done: '#90a4ae',
};

/**
 * The tone at `now`: the server's status, moved on by the clock's own times so that a queue left open turns
 * 预警 and 超时 when the warning point and the deadline pass (a suspended clock stays 暂停).
 */
export function slaTone(sla: SlaClock, now: Date = new Date()): SlaTone {
  const fromStatus: Record<SlaStatus, SlaTone> = {
    none: 'idle',
    normal: 'normal',
    warning: 'warning',
    overdue: 'overdue',
    suspended: 'paused',
    awaiting_close: 'awaiting',
    done: 'done',
  };
  const tone = fromStatus[sla.status];
  if (tone !== 'normal' && tone !== 'warning') return tone;
  const t = now.getTime();
  if (sla.deadline && t >= Date.parse(sla.deadline)) return 'overdue';
  if (tone === 'normal' && sla.warnAt && t >= Date.parse(sla.warnAt)) return 'warning';
  return tone;
}

const TONE_RANK: Record<SlaTone, number> = { overdue: 0, warning: 1, normal: 2, idle: 3, paused: 4, awaiting: 5, done: 6 };

/**
 * Queue order: 超时 first, then 预警, 正常, not yet timed, 暂停, fed back, ended; urgent (加急) and supervised (督办) cases before
 * others of the same tone; then the nearest deadline, then the oldest report.
 */
export function compareBySla(a: CaseSummary, b: CaseSummary, now: Date = new Date()): number {
  const ta = TONE_RANK[slaTone(a.sla, now)];
  const tb = TONE_RANK[slaTone(b.sla, now)];
  if (ta !== tb) return ta - tb;
  const ua = (a.urgent ? 2 : 0) + (a.supervision ? 1 : 0);
  const ub = (b.urgent ? 2 : 0) + (b.supervision ? 1 : 0);
  if (ua !== ub) return ub - ua;
  const da = a.sla.deadline ? Date.parse(a.sla.deadline) : Infinity;
  const db = b.sla.deadline ? Date.parse(b.sla.deadline) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return Date.parse(a.reportedAt) - Date.parse(b.reportedAt);
}

export function sortBySla<T extends CaseSummary>(cases: readonly T[], now: Date = new Date()): T[] {
  return [...cases].sort((a, b) => compareBySla(a, b, now));
}

/** Working minutes as 「剩 3 小时 20 分」 or 「超 1 天 2 小时」 (a working day counted as 8 working hours). */
export function formatRemaining(minutes: number | null): string {
  if (minutes === null) return '';
  const over = minutes < 0;
  let m = Math.round(Math.abs(minutes));
  const days = Math.floor(m / 480);
  m -= days * 480;
  const hours = Math.floor(m / 60);
  m -= hours * 60;
  const parts = [days ? `${days} 个工作日` : '', hours ? `${hours} 小时` : '', !days && m ? `${m} 分` : ''].filter(Boolean);
  const span = parts.length ? parts.join(' ') : '0 分';
  return over ? `超时 ${span}` : `剩 ${span}`;
}

/** The line a queue row shows under the tone: remaining working time, or why the clock is stopped. */
export function slaLine(sla: SlaClock, now: Date = new Date()): string {
  const tone = slaTone(sla, now);
  if (tone === 'paused') return sla.note ? `暂停：${sla.note}` : '暂停计时';
  if (tone === 'idle' || tone === 'done') return SLA_TONE_LABELS[tone];
  if (tone === 'awaiting') {
    const how = sla.onTime === true ? ' · 按期反馈' : sla.onTime === false ? ' · 超期反馈' : '';
    return `${SLA_TONE_LABELS.awaiting}${how}`;
  }
  const left = sla.remainingWorkingMinutes;
  // The server's count was taken when the case was read; past the deadline it no longer says 「剩」.
  if (tone === 'overdue') return left === null || left >= 0 ? SLA_TONE_LABELS.overdue : formatRemaining(left);
  return `${SLA_TONE_LABELS[tone]} · ${formatRemaining(left)}`;
}
