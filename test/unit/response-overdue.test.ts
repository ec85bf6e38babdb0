import { graceMinutes } from '../../gateway/responses/commands';
import { overdueStage } from '../../gateway/responses/escalation';

describe('task overdue stages', () => {
  const due = new Date('2026-07-01T10:00:00Z');
  const red = new Date('2026-07-01T10:15:00Z');
  it.each([
    ['issued', '09:59:59', 'none'],
    ['issued', '10:00:00', 'amber'],
    ['received', '10:14:59', 'amber'],
    ['acknowledged', '10:15:00', 'red'],
    ['done', '11:00:00', 'none'],
    ['cancelled', '11:00:00', 'none'],
  ] as const)('%s at %s → %s', (state, at, want) =>
    expect(overdueStage({ state, dueAt: due, redAt: red }, new Date(`2026-07-01T${at}Z`))).toBe(want),
  );
  it('the grace period before red is half the allotted time, at least 10 minutes', () => {
    expect([graceMinutes(5), graceMinutes(15), graceMinutes(30), graceMinutes(120)]).toEqual([10, 10, 15, 60]);
  });
});
