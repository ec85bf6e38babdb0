import type { CaseState, CaseSummary, SlaClock } from '../../contracts/cases';
import { viewClock, type StoredClock } from '../../gateway/cases/sla';
import { loadCaseTables } from '../../gateway/cases/tables';
import { compareBySla, formatRemaining, slaLine, slaTone, sortBySla } from '../../web/src/cases/sla';

/** SLA colouring of queues: the server's status moved on by the clock's own times, and the queue order. */

const clock = (over: Partial<SlaClock> = {}): SlaClock => ({
  status: 'normal',
  limit: { amount: 4, unit: 'working_hours' },
  startedAt: '2026-11-22T01:00:00Z',
  deadline: '2026-11-22T05:00:00Z',
  warnAt: '2026-11-22T04:00:00Z',
  suspendedAt: null,
  note: null,
  remainingWorkingMinutes: 120,
  onTime: null,
  ...over,
});

const summary = (id: number, sla: SlaClock, over: Partial<CaseSummary> = {}): CaseSummary =>
  ({ id, sla, urgent: false, supervision: null, reportedAt: `2026-11-22T00:0${id % 10}:00Z`, ...over }) as CaseSummary;

describe('slaTone', () => {
  it('follows the server status', () => {
    const at = new Date('2026-11-22T02:00:00Z');
    expect(slaTone(clock(), at)).toBe('normal');
    expect(slaTone(clock({ status: 'warning' }), at)).toBe('warning');
    expect(slaTone(clock({ status: 'overdue' }), at)).toBe('overdue');
    expect(slaTone(clock({ status: 'suspended' }), at)).toBe('paused');
    expect(slaTone(clock({ status: 'none', deadline: null, warnAt: null }), at)).toBe('idle');
    expect(slaTone(clock({ status: 'done' }), at)).toBe('done');
  });

  it('turns 预警 at the warning point and 超时 at the deadline while the page stays open', () => {
    expect(slaTone(clock(), new Date('2026-11-22T03:59:59Z'))).toBe('normal');
    expect(slaTone(clock(), new Date('2026-11-22T04:00:00Z'))).toBe('warning');
    expect(slaTone(clock(), new Date('2026-11-22T05:00:00Z'))).toBe('overdue');
    expect(slaTone(clock({ status: 'warning' }), new Date('2026-11-22T06:00:00Z'))).toBe('overdue');
  });

  it('a suspended or finished clock never turns overdue by the wall clock', () => {
    const late = new Date('2026-11-30T00:00:00Z');
    expect(slaTone(clock({ status: 'suspended' }), late)).toBe('paused');
    expect(slaTone(clock({ status: 'done' }), late)).toBe('done');
  });
});

describe('queue order', () => {
  it('超时, 预警, 正常, untimed, 暂停, done; urgent and supervised first within a tone; nearest deadline next', () => {
    const at = new Date('2026-11-22T02:00:00Z');
    const cases = [
      summary(1, clock({ status: 'done' })),
      summary(2, clock({ status: 'suspended' })),
      summary(3, clock({ status: 'none', deadline: null, warnAt: null })),
      summary(4, clock({ deadline: '2026-11-22T09:00:00Z', warnAt: '2026-11-22T08:00:00Z' })),
      summary(5, clock()),
      summary(6, clock({ status: 'warning' })),
      summary(7, clock({ status: 'overdue' })),
      summary(8, clock({ deadline: '2026-11-22T09:00:00Z', warnAt: '2026-11-22T08:00:00Z' }), { urgent: true }),
      summary(9, clock({ deadline: '2026-11-22T09:00:00Z', warnAt: '2026-11-22T08:00:00Z' }), { supervision: 'yellow' }),
    ];
    expect(sortBySla(cases, at).map((c) => c.id)).toEqual([7, 6, 8, 9, 5, 4, 3, 2, 1]);
  });

  it('is a consistent order (antisymmetric)', () => {
    const at = new Date('2026-11-22T02:00:00Z');
    const a = summary(1, clock());
    const b = summary(2, clock({ status: 'overdue' }));
    expect(Math.sign(compareBySla(a, b, at))).toBe(-Math.sign(compareBySla(b, a, at)));
    expect(compareBySla(a, a, at)).toBe(0);
  });
});

describe('remaining time', () => {
  it('counts working days of 8 hours, hours and minutes', () => {
    expect(formatRemaining(45)).toBe('剩 45 分');
    expect(formatRemaining(200)).toBe('剩 3 小时 20 分');
    expect(formatRemaining(480 + 120)).toBe('剩 1 个工作日 2 小时');
    expect(formatRemaining(-90)).toBe('超时 1 小时 30 分');
    expect(formatRemaining(0)).toBe('剩 0 分');
    expect(formatRemaining(null)).toBe('');
  });

  it('the queue line says why a clock is stopped and never 「剩」 once overdue', () => {
    expect(slaLine(clock({ status: 'suspended', note: '挂账：等待审批' }))).toBe('暂停：挂账：等待审批');
    expect(slaLine(clock(), new Date('2026-11-22T02:00:00Z'))).toBe('正常 · 剩 2 小时');
    expect(slaLine(clock(), new Date('2026-11-22T06:00:00Z'))).toBe('超时');
    expect(slaLine(clock({ status: 'overdue', remainingWorkingMinutes: -30 }))).toBe('超时 30 分');
  });
});

describe('the SLA badge per case state', () => {
  const cal = loadCaseTables().calendar;
  // Dispatched Monday 2026-11-23 09:00 (Beijing) with 4 working hours: deadline 14:30, read at 10:00.
  const started = new Date('2026-11-23T01:00:00Z');
  const running: Omit<StoredClock, 'caseState'> = {
    limit: { amount: 4, unit: 'working_hours' },
    startedAt: started,
    deadline: new Date('2026-11-23T06:30:00Z'),
    warnAt: new Date('2026-11-23T05:42:00Z'),
    suspendedAt: null,
    suspendNote: null,
    doneAt: null,
    onTime: null,
    urgent: false,
  };
  const untimed = { ...running, startedAt: null, deadline: null, warnAt: null };
  const suspended = { ...running, suspendedAt: new Date('2026-11-23T01:30:00Z'), suspendNote: '回退待重新派遣' };
  const fedBack = { ...running, doneAt: new Date('2026-11-23T02:00:00Z'), onTime: true };
  const now = new Date('2026-11-23T02:00:00Z');

  // state, the clock as the service stores it in that state, the badge's tone and text.
  const rows: [CaseState, Omit<StoredClock, 'caseState'>, string, string][] = [
    ['reported', untimed, 'idle', '未计时'],
    ['verifying', untimed, 'idle', '未计时'],
    ['pending_filing', untimed, 'idle', '未计时'],
    ['filed', untimed, 'idle', '未计时'],
    ['rejected', untimed, 'idle', '未计时'],
    ['dispatched', running, 'normal', '正常 · 剩 3 小时'],
    ['handling', running, 'normal', '正常 · 剩 3 小时'],
    ['extension_requested', running, 'normal', '正常 · 剩 3 小时'],
    ['suspended', suspended, 'paused', '暂停：回退待重新派遣'],
    ['returned', suspended, 'paused', '暂停：回退待重新派遣'],
    ['fed_back', fedBack, 'awaiting', '已反馈待结案 · 按期反馈'],
    ['checking', fedBack, 'awaiting', '已反馈待结案 · 按期反馈'],
    ['checked', fedBack, 'awaiting', '已反馈待结案 · 按期反馈'],
    ['closed', fedBack, 'done', '已完成'],
    ['voided', suspended, 'done', '已完成'],
  ];

  it.each(rows)('%s', (caseState, stored, tone, text) => {
    const sla = viewClock(cal, { ...stored, caseState }, now);
    expect(slaTone(sla, now)).toBe(tone);
    expect(slaLine(sla, now)).toBe(text);
  });

  it('says when the feedback came late while the case waits for its check', () => {
    const sla = viewClock(cal, { ...fedBack, onTime: false, caseState: 'checking' }, now);
    expect(slaLine(sla, now)).toBe('已反馈待结案 · 超期反馈');
  });
});
