import {
  INCIDENT_ACTIONS,
  INCIDENT_STATES,
  nextIncidentState,
  OPEN_STATES,
  type IncidentAction,
  type IncidentState,
} from '../../contracts/incidents';

/**
 * The incident lifecycle (DOMAIN.md §2): new → acknowledged → dispatched → en route → on scene → resolved →
 * closed, and cancelled from any open state. Every state × action pair is checked against this list, written
 * out by hand from the domain: anything not listed must be refused.
 */
const ALLOWED: [IncidentState, IncidentAction, IncidentState][] = [
  ['new', 'acknowledge', 'acknowledged'],
  ['new', 'dispatch', 'dispatched'],
  ['acknowledged', 'dispatch', 'dispatched'],
  // More units may be sent while the first are on their way or there; the state stays.
  ['dispatched', 'dispatch', 'dispatched'],
  ['en_route', 'dispatch', 'en_route'],
  ['on_scene', 'dispatch', 'on_scene'],
  ['dispatched', 'en_route', 'en_route'],
  // A unit close by may report on scene without reporting en route first.
  ['dispatched', 'on_scene', 'on_scene'],
  ['en_route', 'on_scene', 'on_scene'],
  ['on_scene', 'resolve', 'resolved'],
  ['resolved', 'close', 'closed'],
  ['new', 'cancel', 'cancelled'],
  ['acknowledged', 'cancel', 'cancelled'],
  ['dispatched', 'cancel', 'cancelled'],
  ['en_route', 'cancel', 'cancelled'],
  ['on_scene', 'cancel', 'cancelled'],
];

const expected = (from: IncidentState, action: IncidentAction) =>
  ALLOWED.find(([f, a]) => f === from && a === action)?.[2] ?? null;

describe('incident transition table', () => {
  const pairs = INCIDENT_STATES.flatMap((s) => INCIDENT_ACTIONS.map((a) => [s, a] as const));

  it.each(pairs)('%s + %s', (from, action) => {
    expect(nextIncidentState(from, action)).toBe(expected(from, action));
  });

  it('covers all 8 × 7 pairs', () => {
    expect(pairs).toHaveLength(56);
  });

  it('lets nothing leave closed or cancelled, and every open state be cancelled', () => {
    for (const a of INCIDENT_ACTIONS) {
      expect(nextIncidentState('closed', a)).toBeNull();
      expect(nextIncidentState('cancelled', a)).toBeNull();
    }
    for (const s of OPEN_STATES) expect(nextIncidentState(s, 'cancel')).toBe('cancelled');
  });

  it('reaches closed from new only through resolved', () => {
    // Breadth-first over the table: every path to closed passes through resolved, and through on_scene before it.
    const paths: IncidentState[][] = [['new']];
    const toClosed: IncidentState[][] = [];
    while (paths.length) {
      const path = paths.shift()!;
      const at = path[path.length - 1]!;
      for (const a of INCIDENT_ACTIONS) {
        const next = nextIncidentState(at, a);
        if (!next || path.includes(next)) continue;
        if (next === 'closed') toClosed.push([...path, next]);
        else paths.push([...path, next]);
      }
    }
    expect(toClosed.length).toBeGreaterThan(0);
    for (const p of toClosed) {
      expect(p.indexOf('on_scene')).toBeGreaterThan(0);
      expect(p.indexOf('resolved')).toBe(p.length - 2);
    }
  });
});
