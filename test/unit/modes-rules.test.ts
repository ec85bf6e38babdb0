import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCaseTables } from '../../gateway/cases/tables';
import { resumedClocks } from '../../gateway/modes/case-clocks';
import { receiptClocks, type OrderRow } from '../../gateway/modes/receipts';
import { loadModeProfiles, needsConfirmation } from '../../gateway/modes/service';
import { parsePolicy } from '../../gateway/policy/load';
import type { Subject } from '../../gateway/policy/policy';
import { unknownIds } from '../../web/src/wall/mode-view';
import { ROOT } from '../support/env';

/** The pure rules of the modes: frozen clocks resuming, receipt clocks, the second-leader rule, per-mode grants. */

const cal = loadCaseTables().calendar;
const profiles = loadModeProfiles();

describe('frozen case clocks resume with the frozen working time added', () => {
  // Working calendar: Mon–Fri 08:30–12:00 and 13:30–17:30 Beijing time. A 4-hour clock started Monday 09:00 ends
  // 14:30; frozen from Monday 11:00 to Tuesday 09:00 it has 2 h left at 11:00 and resumes Tuesday 09:00 → 11:00.
  const clock = {
    id: 7,
    startedAt: new Date('2026-11-23T01:00:00Z'),
    deadline: new Date('2026-11-23T06:30:00Z'),
    warnAt: new Date('2026-11-23T05:42:00Z'),
  };

  it('moves the deadline on by the working time spent frozen', () => {
    const [moved] = resumedClocks(cal, [clock], new Date('2026-11-23T03:00:00Z'), new Date('2026-11-24T01:00:00Z'));
    expect(moved!.id).toBe(7);
    expect(moved!.deadline.toISOString()).toBe('2026-11-24T03:00:00.000Z');
  });

  it('counts a clock that started under the frozen mode from its own start', () => {
    // Frozen since Sunday; the clock started Monday 09:00: it has all 4 h left on Tuesday 09:00 → 14:30.
    const [moved] = resumedClocks(cal, [clock], new Date('2026-11-22T00:00:00Z'), new Date('2026-11-24T01:00:00Z'));
    expect(moved!.deadline.toISOString()).toBe('2026-11-24T06:30:00.000Z');
  });

  it('leaves a clock already overdue when the freeze began as it was', () => {
    const [moved] = resumedClocks(cal, [clock], new Date('2026-11-23T08:00:00Z'), new Date('2026-11-25T01:00:00Z'));
    expect(moved!.deadline.toISOString()).toBe(clock.deadline.toISOString());
  });
});

describe('receipt clocks', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const row = (over: Partial<OrderRow>): OrderRow => ({
    kind: 'unit',
    id: '1',
    recipient: '巡逻一车',
    about: '警情 #1',
    issued_at: new Date('2026-12-07T11:59:00Z'),
    received_at: null,
    drill: false,
    ...over,
  });
  const wartime = profiles.find((p) => p.id === 'wartime')!.receipts!;

  it('times open orders to now and received ones to their receipt, against the limit of their kind', () => {
    const { open, received } = receiptClocks(
      [
        row({ id: 'a' }),
        row({ id: 'b', kind: 'department', issued_at: new Date('2026-12-07T11:50:00Z') }),
        row({ id: 'c', received_at: new Date('2026-12-07T11:59:45Z') }),
      ],
      wartime,
      now,
    );
    expect(open.map((o) => [o.id, o.elapsedS, o.limitS, o.overdue])).toEqual([
      ['b', 600, 300, true],
      ['a', 60, 60, false],
    ]);
    expect(received.map((o) => [o.id, o.elapsedS, o.overdue])).toEqual([['c', 45, false]]);
  });

  it('puts overdue orders first even when a longer one of another kind is still within its limit', () => {
    const { open } = receiptClocks(
      [
        row({ id: 'task', kind: 'task', issued_at: new Date('2026-12-07T11:56:00Z') }),
        row({ id: 'unit', issued_at: new Date('2026-12-07T11:58:00Z') }),
      ],
      { unitSeconds: 60, departmentSeconds: 300, taskSeconds: 600 },
      now,
    );
    expect(open.map((o) => o.id)).toEqual(['unit', 'task']);
  });

  it('marks nothing overdue in a mode that clocks no receipts', () => {
    const { open } = receiptClocks([row({ issued_at: new Date('2026-12-07T08:00:00Z') })], null, now);
    expect(open[0]).toMatchObject({ limitS: null, overdue: false, elapsedS: 14_400 });
  });
});

describe('the second leader', () => {
  it('is needed for real 战时 only, not for a drill, not for staying, not for the other modes', () => {
    const daily = { mode: 'daily' as const, drill: false };
    expect(needsConfirmation(profiles, daily, { mode: 'wartime', drill: false })).toEqual({ withinMinutes: 10 });
    expect(needsConfirmation(profiles, daily, { mode: 'wartime', drill: true })).toBeNull();
    expect(needsConfirmation(profiles, { mode: 'wartime', drill: true }, { mode: 'wartime', drill: false })).toEqual({
      withinMinutes: 10,
    });
    expect(needsConfirmation(profiles, { mode: 'wartime', drill: false }, { mode: 'wartime', drill: false })).toBeNull();
    expect(needsConfirmation(profiles, daily, { mode: 'emergency', drill: false })).toBeNull();
    expect(needsConfirmation(profiles, { mode: 'wartime', drill: false }, daily)).toBeNull();
  });
});

describe('per-mode grants in the policy file', () => {
  const base = JSON.parse(readFileSync(path.join(ROOT, 'data', 'policy.json'), 'utf8')) as {
    actions: Record<string, Record<string, unknown>>;
  };
  const withAction = (a: Record<string, unknown>) => ({ ...base, actions: { ...base.actions, 'test.act': a } });
  const handler: Subject = { role: 'handler', kind: 'person', departmentKind: 'civil_defence', mustChangePassword: false };

  it('replaces allow in the named mode only, and suspends with an empty list', () => {
    const p = parsePolicy(
      withAction({ label: '测试', allow: ['leader'], modes: { wartime: ['handler:civil_defence'], emergency: [] } }),
    );
    expect(p.authorize(handler, 'test.act').allowed).toBe(false);
    expect(p.authorize(handler, 'test.act', 'daily').allowed).toBe(false);
    expect(p.authorize(handler, 'test.act', 'wartime').allowed).toBe(true);
    const leader: Subject = { ...handler, role: 'leader', departmentKind: 'command' };
    expect(p.authorize(leader, 'test.act', 'daily').allowed).toBe(true);
    const none = p.authorize(leader, 'test.act', 'emergency');
    expect(none.allowed).toBe(false);
    if (!none.allowed) expect(none.reason).toMatch(/应急处置.*暂停/);
    expect(p.actionsByMode(handler).wartime).toContain('test.act');
    expect(p.actionsByMode(handler).daily).not.toContain('test.act');
  });

  it('checks the grants of every mode like allow, and refuses them on public actions', () => {
    expect(() => parsePolicy(withAction({ label: '测试', allow: ['leader'], modes: { wartime: ['general'] } }))).toThrow(
      /modes\.wartime.*unknown role/,
    );
    expect(() => parsePolicy(withAction({ label: '测试', allow: ['leader'], modes: { peacetime: ['leader'] } }))).toThrow();
    expect(() => parsePolicy(withAction({ label: '测试', public: true, modes: { wartime: ['leader'] } }))).toThrow(
      /public action cannot have per-mode grants/,
    );
    expect(() =>
      parsePolicy(withAction({ label: '测试', allow: ['leader'], mutates: true, modes: { wartime: ['wall'] } })),
    ).toThrow(/device role/);
  });
});

describe('the mode profiles name only layers and panels the wall knows', () => {
  it('names no id in data/modes.json that the wall does not know', () => {
    expect(unknownIds(profiles)).toEqual([]);
  });

  it('shows the air-defence picture in 战时 and the incidents and public warnings in every mode', () => {
    const wartime = profiles.find((p) => p.id === 'wartime')!;
    // The sirens panel carries the signal timeline and the coverage gaps of failed sirens.
    expect(wartime.defaultLayers).toEqual(expect.arrayContaining(['sirens', 'incidents']));
    // Where people can take cover, and how full each place is.
    expect(wartime.defaultLayers).toContain('shelters');
    expect(profiles.filter((p) => p.defaultLayers.includes('shelters')).map((p) => p.id)).toEqual(['wartime']);
    expect(wartime.panels).toEqual(expect.arrayContaining(['sirens', 'receipts']));
    for (const p of profiles) expect(p.defaultLayers).toEqual(expect.arrayContaining(['incidents', 'warnings']));
  });

  it('reports an unknown id with its mode and kind', () => {
    expect(unknownIds([{ id: 'wartime', defaultLayers: ['incidents', 'sirenz'], panels: ['detail', 'queue', 'x'] }])).toEqual([
      { mode: 'wartime', kind: '图层', id: 'sirenz' },
      { mode: 'wartime', kind: '面板', id: 'x' },
    ]);
  });
});
