import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportingClock } from '../../gateway/reports/clock';
import { loadReportTemplates, TEMPLATES_FILE } from '../../gateway/reports/templates';
import { readFileSync } from 'node:fs';

/** The timeliness clock of reports upward (信息报送时限), on fixed times; expectations written out by hand. */
const PLAN = { firstMinutes: 30, firstWrittenMinutes: 60, followUpMinutes: 120, finalHours: 24 };
const at = (hhmm: string) => new Date(`2026-07-20T${hhmm}:00.000Z`);

describe('reportingClock', () => {
  it('owes a written 首报 an hour after activation: pending, then overdue', () => {
    const input = { startedAt: at('08:00'), endedAt: null, sent: [] };
    expect(reportingClock(PLAN, input, at('08:59'))).toEqual([
      { kind: 'initial', number: 1, dueAt: '2026-07-20T09:00:00.000Z', sentAt: null, status: 'pending' },
    ]);
    expect(reportingClock(PLAN, input, at('09:01'))).toEqual([
      { kind: 'initial', number: 1, dueAt: '2026-07-20T09:00:00.000Z', sentAt: null, status: 'overdue' },
    ]);
  });

  it('runs the 续报 clock from the report sent before it; a late 首报 stays marked late', () => {
    const input = {
      startedAt: at('08:00'),
      endedAt: null,
      sent: [
        { kind: 'initial' as const, number: 1, sentAt: at('09:10') },
        { kind: 'update' as const, number: 1, sentAt: at('11:00') },
      ],
    };
    expect(reportingClock(PLAN, input, at('13:30'))).toEqual([
      { kind: 'initial', number: 1, dueAt: '2026-07-20T09:00:00.000Z', sentAt: '2026-07-20T09:10:00.000Z', status: 'late' },
      { kind: 'update', number: 1, dueAt: '2026-07-20T11:10:00.000Z', sentAt: '2026-07-20T11:00:00.000Z', status: 'met' },
      { kind: 'update', number: 2, dueAt: '2026-07-20T13:00:00.000Z', sentAt: null, status: 'overdue' },
    ]);
  });

  it('after the end owes no further 续报 (unless one fell due before it) and owes the 终报 within its hours', () => {
    const sent = [{ kind: 'initial' as const, number: 1, sentAt: at('08:30') }];
    // Ended 09:30, before the 续报 fell due at 10:30: only the 终报 is owed.
    expect(reportingClock(PLAN, { startedAt: at('08:00'), endedAt: at('09:30'), sent }, at('12:00'))).toEqual([
      { kind: 'initial', number: 1, dueAt: '2026-07-20T09:00:00.000Z', sentAt: '2026-07-20T08:30:00.000Z', status: 'met' },
      { kind: 'final', number: 1, dueAt: '2026-07-21T09:30:00.000Z', sentAt: null, status: 'pending' },
    ]);
    // Ended 11:00, after the 续报 fell due at 10:30 without one: that 续报 stays overdue.
    expect(reportingClock(PLAN, { startedAt: at('08:00'), endedAt: at('11:00'), sent }, at('12:00'))[1]).toEqual({
      kind: 'update',
      number: 1,
      dueAt: '2026-07-20T10:30:00.000Z',
      sentAt: null,
      status: 'overdue',
    });
  });
});

describe('report templates', () => {
  it('loads the shipped templates', () => {
    const t = loadReportTemplates();
    expect(t.templates.initial.title).toContain('首报');
    expect(t.templates.final.title).toContain('终报');
  });

  it('names the file and field of an unknown {{field}}', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'templates-'));
    const file = path.join(dir, 'templates.json');
    const json = JSON.parse(readFileSync(TEMPLATES_FILE, 'utf8')) as { templates: { update: { body: string[] } } };
    json.templates.update.body[2] = '伤亡：{{deaths}}';
    writeFileSync(file, JSON.stringify(json));
    expect(() => loadReportTemplates(file)).toThrow(
      'report templates templates.json: templates.update.body.2: unknown field {{deaths}}',
    );
  });
});
