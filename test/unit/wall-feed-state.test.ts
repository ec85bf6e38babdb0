import type { Change, Incident, IncidentState, ModeProfile, ModeState, Unit } from '../../contracts/incidents';
import {
  applyCatchUp,
  applyChanges,
  applyMode,
  applySnapshot,
  emptyFeed,
  rankIncidents,
  resumeSeq,
  SEQ_WINDOW,
  type FeedState,
} from '../../web/src/wall/feed-state';

const T0 = '2026-03-01T08:00:00Z';

function incident(id: number, over: Partial<Incident> = {}): Incident {
  return {
    id,
    status: 'new',
    category: 'fire',
    priority: 5,
    title: `警情 ${id}`,
    place: { lon: 126.64, lat: 45.75, district: null, street: null, gridCode: null, via: 'reported' },
    sources: ['119'],
    firstReportedAt: T0,
    lastReportedAt: T0,
    createdAt: T0,
    updatedAt: T0,
    records: [],
    steps: [],
    unitIds: [],
    drill: false,
    suspectedDuplicateOf: null,
    ...over,
  };
}

function unit(id: string, over: Partial<Unit> = {}): Unit {
  return {
    id,
    callsign: id.toUpperCase(),
    type: 'fire_engine',
    agency: '119',
    status: 'available',
    lon: 126.6,
    lat: 45.7,
    positionAt: T0,
    staleAt: null,
    accuracyM: 10,
    incidentId: null,
    home: '道里消防站',
    ...over,
  };
}

const incChange = (seq: number, inc: Incident): Change => ({ seq, topic: 'incident', at: T0, district: null, incident: inc });
const unitChange = (seq: number, u: Unit): Change => ({ seq, topic: 'unit', at: T0, district: null, unit: u });
const status = (inc: Incident, s: IncidentState): Incident => ({ ...inc, status: s });

function loaded(): FeedState {
  return applySnapshot(emptyFeed(), {
    incidents: [incident(1), incident(2, { priority: 8 })],
    incidentsSeq: 100,
    units: [unit('u1'), unit('u2')],
    unitsSeq: 104,
  });
}

describe('wall feed state', () => {
  test('a snapshot loads the lists and resumes from the lower of its two sequences', () => {
    const s = loaded();
    expect(s.loaded).toBe(true);
    expect([...s.incidents.keys()].sort()).toEqual([1, 2]);
    expect([...s.units.keys()].sort()).toEqual(['u1', 'u2']);
    expect(resumeSeq(s)).toBe(100);
  });

  test('changes after the snapshot replace entities by id and add new ones', () => {
    let s = loaded();
    s = applyChanges(s, [
      incChange(101, { ...incident(1), title: '更新后' }),
      incChange(102, incident(3, { priority: 9 })),
      unitChange(105, unit('u1', { lon: 126.7, lat: 45.8 })),
    ]);
    expect(s.incidents.get(1)?.title).toBe('更新后');
    expect(s.incidents.get(3)?.priority).toBe(9);
    expect(s.units.get('u1')?.lon).toBe(126.7);
    expect(resumeSeq(s)).toBe(105);
  });

  test('replayed changes already covered by the snapshot are ignored', () => {
    let s = loaded();
    // Units were read at 104: a unit change at 103 is older than the snapshot's unit list.
    s = applyChanges(s, [unitChange(103, unit('u1', { status: 'out_of_service' }))]);
    expect(s.units.get('u1')?.status).toBe('available');
    // Incidents were read at 100: a change at 102 is newer and applies.
    s = applyChanges(s, [incChange(102, status(incident(1), 'acknowledged'))]);
    expect(s.incidents.get(1)?.status).toBe('acknowledged');
  });

  test('a change delivered twice is applied once', () => {
    let s = loaded();
    const c = incChange(110, status(incident(1), 'acknowledged'));
    s = applyChanges(s, [c]);
    const after = s;
    s = applyChanges(s, [c]);
    expect(s).toBe(after);
    s = applyChanges(s, [c, c, incChange(111, status(incident(2), 'dispatched'))]);
    expect(s.incidents.get(1)?.status).toBe('acknowledged');
    expect(s.incidents.get(2)?.status).toBe('dispatched');
    expect(s.seen.has(110)).toBe(true);
  });

  test('an older change arriving late does not overwrite a newer version of the entity', () => {
    let s = loaded();
    s = applyChanges(s, [incChange(120, status(incident(1), 'dispatched'))]);
    s = applyChanges(s, [incChange(118, status(incident(1), 'acknowledged'))]);
    expect(s.incidents.get(1)?.status).toBe('dispatched');
    // Within one batch, order of arrival does not matter either.
    s = applyChanges(s, [unitChange(131, unit('u2', { lon: 127 })), unitChange(130, unit('u2', { lon: 126 }))]);
    expect(s.units.get('u2')?.lon).toBe(127);
    expect(resumeSeq(s)).toBe(131);
  });

  test('closed and cancelled incidents leave the list and late older changes do not bring them back', () => {
    let s = loaded();
    s = applyChanges(s, [incChange(140, status(incident(1), 'closed')), incChange(141, status(incident(2), 'cancelled'))]);
    expect(s.incidents.size).toBe(0);
    s = applyChanges(s, [incChange(139, status(incident(1), 'resolved'))]);
    expect(s.incidents.has(1)).toBe(false);
  });

  test('resolved incidents stay on the list until closed', () => {
    let s = loaded();
    s = applyChanges(s, [incChange(150, status(incident(1), 'resolved'))]);
    expect(s.incidents.get(1)?.status).toBe('resolved');
    s = applyChanges(s, [incChange(151, status(incident(1), 'closed'))]);
    expect(s.incidents.has(1)).toBe(false);
  });

  test('a catch-up is applied like changes; a reset applies nothing and asks for the snapshot', () => {
    let s = loaded();
    const caught = applyCatchUp(s, {
      changes: [incChange(99, incident(1, { title: '旧' })), incChange(101, incident(4))],
      head: 101,
      reset: false,
    });
    expect(caught.reset).toBe(false);
    s = caught.state;
    expect(s.incidents.get(1)?.title).toBe('警情 1');
    expect(s.incidents.has(4)).toBe(true);

    const reset = applyCatchUp(s, { changes: [incChange(5000, incident(9))], head: 5000, reset: true });
    expect(reset.reset).toBe(true);
    expect(reset.state).toBe(s);
    expect(reset.state.incidents.has(9)).toBe(false);
  });

  test('a reloaded snapshot replaces the picture, keeping only versions newer than it', () => {
    let s = loaded();
    s = applyChanges(s, [incChange(200, incident(5)), incChange(6001, incident(6, { title: '快照之后' }))]);
    s = applySnapshot(s, {
      incidents: [incident(7), incident(6, { title: '快照中' })],
      incidentsSeq: 6000,
      units: [unit('u3')],
      unitsSeq: 6000,
    });
    // 1, 2 and 5 are gone (not in the new snapshot, older than it); 6 keeps its newer version.
    expect([...s.incidents.keys()].sort()).toEqual([6, 7]);
    expect(s.incidents.get(6)?.title).toBe('快照之后');
    expect([...s.units.keys()]).toEqual(['u3']);
    expect(resumeSeq(s)).toBe(6000);
    // Changes buffered during the reload: older ones are covered by the snapshot, newer ones apply.
    s = applyChanges(s, [incChange(5990, incident(8)), incChange(6002, status(incident(7), 'acknowledged'))]);
    expect(s.incidents.has(8)).toBe(false);
    expect(s.incidents.get(7)?.status).toBe('acknowledged');
  });

  test('the window of remembered sequences stays bounded', () => {
    let s = loaded();
    const batch: Change[] = [];
    for (let i = 1; i <= SEQ_WINDOW + 10; i++) batch.push(unitChange(1000 + i, unit('u1', { lon: 126 + i / 1e6 })));
    s = applyChanges(s, batch);
    expect(s.seen.size).toBeLessThanOrEqual(SEQ_WINDOW);
    expect(s.seen.has(1000 + SEQ_WINDOW + 10)).toBe(true);
    // A duplicate of an old sequence that left the window is still refused by the per-entity check.
    s = applyChanges(s, [unitChange(1001, unit('u1', { lon: 0 }))]);
    expect(s.units.get('u1')?.lon).toBeCloseTo(126 + (SEQ_WINDOW + 10) / 1e6);
  });

  test('mode changes apply unless older', () => {
    const mode = (seq: number, m: ModeState['mode']): ModeState => ({
      mode: m,
      drill: false,
      reason: '测试',
      changedBy: 'leader',
      changedAt: T0,
      seq,
    });
    let s = applyMode(loaded(), mode(10, 'emergency'));
    s = applyMode(s, mode(9, 'daily'));
    expect(s.mode?.mode).toBe('emergency');
    s = applyChanges(s, [{ seq: 300, topic: 'mode', at: T0, district: null, mode: mode(300, 'wartime') }]);
    expect(s.mode?.mode).toBe('wartime');
  });

  test('the queue ranks by mode-boosted priority, then oldest first', () => {
    const profile = { priorityBoost: { flood: 2 } } as unknown as ModeProfile;
    const list = rankIncidents(
      [
        incident(1, { priority: 6, firstReportedAt: '2026-03-01T08:05:00Z' }),
        incident(2, { priority: 7, firstReportedAt: '2026-03-01T08:06:00Z' }),
        incident(3, { priority: 6, category: 'flood' }),
        incident(4, { priority: 6, firstReportedAt: '2026-03-01T07:00:00Z' }),
        incident(5, { priority: 10, status: 'resolved' }),
      ],
      profile,
    );
    expect(list.map((i) => i.id)).toEqual([3, 2, 4, 1, 5]);
  });
});
