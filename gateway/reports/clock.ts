import type { ClockEntry, ReportKind } from '../../contracts/reports';

/** A plan's reporting clock (data/plans/*.json `reporting`). */
export interface ReportingClock {
  /** 首报 by telephone within this many minutes of activation (shown, not tracked: no written record). */
  firstMinutes: number;
  /** The written 首报 within this many minutes of activation. */
  firstWrittenMinutes: number;
  /** A 续报 at most this many minutes after the previous report, while the response is active. */
  followUpMinutes: number;
  /** The 终报 within this many hours of the end. */
  finalHours: number;
}

export interface ClockInput {
  startedAt: Date;
  endedAt: Date | null;
  /** Sent (acknowledged) reports of the response. */
  sent: { kind: ReportKind; number: number; sentAt: Date }[];
}

const MINUTE = 60_000;

function entry(kind: ReportKind, number: number, due: Date, sentAt: Date | null, now: Date): ClockEntry {
  const status: ClockEntry['status'] = sentAt ? (sentAt <= due ? 'met' : 'late') : now > due ? 'overdue' : 'pending';
  return { kind, number, dueAt: due.toISOString(), sentAt: sentAt?.toISOString() ?? null, status };
}

/**
 * The timeliness clock of a response's reports (信息报送时限): the written 首报 is due `firstWrittenMinutes` after
 * activation; while the response is active each 续报 is due `followUpMinutes` after the report sent before it; the
 * 终报 is due `finalHours` after the end. Each deadline is met or late once a report answers it, otherwise pending
 * until it passes and overdue after.
 */
export function reportingClock(plan: ReportingClock, input: ClockInput, now: Date): ClockEntry[] {
  const byKind = (k: ReportKind) => input.sent.filter((s) => s.kind === k).sort((a, b) => a.number - b.number);
  const first = byKind('initial')[0] ?? null;
  const entries: ClockEntry[] = [
    entry('initial', 1, new Date(input.startedAt.getTime() + plan.firstWrittenMinutes * MINUTE), first?.sentAt ?? null, now),
  ];
  if (first) {
    let previous = first.sentAt;
    const updates = byKind('update');
    for (const u of updates) {
      entries.push(entry('update', u.number, new Date(previous.getTime() + plan.followUpMinutes * MINUTE), u.sentAt, now));
      previous = u.sentAt;
    }
    const nextDue = new Date(previous.getTime() + plan.followUpMinutes * MINUTE);
    // The next 续报 is owed while the response runs (and, if it ended after that deadline, was owed before the end).
    if (!input.endedAt || input.endedAt > nextDue) {
      entries.push(entry('update', updates.length + 1, nextDue, null, input.endedAt && input.endedAt < now ? input.endedAt : now));
    }
  }
  if (input.endedAt) {
    const final = byKind('final')[0] ?? null;
    entries.push(entry('final', 1, new Date(input.endedAt.getTime() + plan.finalHours * 3_600_000), final?.sentAt ?? null, now));
  }
  return entries;
}
