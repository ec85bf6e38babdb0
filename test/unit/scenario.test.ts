import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from '@turf/turf';
import { CATEGORIES_BY_SOURCE, parseFeed } from '../../gateway/feeds/adapters';
import { avlTopic, parseAvlMessage } from '../../gateway/feeds/avl';
import { gaugeStationsFileSchema, gaugeTopic, parseGaugeMessage } from '../../gateway/feeds/gauges';
import { loadFusionRules, pairScore, type FusionProbe } from '../../gateway/incidents/fusion';
import { encodeAvl, encodeGauge } from '../../scripts/scenario/encoders';
import { measureFusionQuality, type FusionTruthEvent } from '../../scripts/scenario/fusion-quality';
import {
  buildScenario,
  nativeReport,
  SCENARIO_NAMES,
  type Scenario,
  type ScenarioName,
  type ScenarioUnit,
} from '../../scripts/scenario/scenarios';
import type { TruthReport } from '../../scripts/scenario/truth';
import { ROOT } from '../support/env';

const START = new Date('2026-02-19T01:30:00.000Z');
const rules = loadFusionRules();
const stations = gaugeStationsFileSchema.parse(
  JSON.parse(readFileSync(path.join(ROOT, 'data', 'feeds', 'gauge-stations.json'), 'utf8')),
).stations;

/** A few units at real stations, so that `mixed` produces AVL tracks. */
const UNITS: ScenarioUnit[] = [
  { id: 'FI001', type: 'fire_engine', lon: 126.6437, lat: 45.7731 },
  { id: 'FI002', type: 'fire_engine', lon: 126.6128, lat: 45.7547 },
  { id: 'AM001', type: 'ambulance', lon: 126.6305, lat: 45.7595 },
  { id: 'AM002', type: 'ambulance', lon: 126.6043, lat: 45.7529 },
  { id: 'TR001', type: 'traffic_police', lon: 126.6213, lat: 45.7642 },
  { id: 'TR002', type: 'traffic_police', lon: 126.5902, lat: 45.7602 },
  { id: 'RS001', type: 'rescue', lon: 126.6511, lat: 45.7482 },
];

const build = (name: ScenarioName, seed: number): Scenario =>
  buildScenario(name, { start: START, seed, units: UNITS, events: 300, rate: 0.1 });

/** Through JSON text and back, as a body arrives on the wire. */
const wire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));
const metres = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
  distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' });
const probe = (r: TruthReport): FusionProbe => ({
  source: r.source,
  category: r.category,
  lon: r.lon,
  lat: r.lat,
  reportedAt: r.at,
});

describe('scenarios are reproducible', () => {
  it.each(SCENARIO_NAMES)('%s: the same seed gives identical steps, another seed different ones', (name) => {
    const a = build(name, 7);
    expect(a.steps.length).toBeGreaterThan(0);
    expect(build(name, 7)).toEqual(a);
    expect(JSON.stringify(build(name, 8).steps)).not.toEqual(JSON.stringify(a.steps));
  });

  it.each(SCENARIO_NAMES)('%s: steps are in time order, at start + atMs, with unique record ids', (name) => {
    const s = build(name, 3);
    const ids = new Set<string>();
    let previous = -Infinity;
    for (const step of s.steps) {
      expect(step.atMs).toBeGreaterThanOrEqual(previous);
      previous = step.atMs;
      expect(step.truth.at.getTime()).toBe(START.getTime() + step.atMs);
      if (step.kind === 'report') {
        const key = `${step.truth.source}/${step.truth.sourceId}`;
        expect(ids.has(key)).toBe(false);
        ids.add(key);
      }
    }
    // Every report belongs to exactly one truth event.
    const inEvents = s.events.reduce((n, e) => n + e.reports.length, 0);
    expect(inEvents).toBe(ids.size);
  });

  it('mixed moves units towards its incidents when units are given, and not otherwise', () => {
    const withUnits = build('mixed', 1);
    const fixes = withUnits.steps.filter((s) => s.kind === 'avl');
    expect(fixes.length).toBeGreaterThan(10);
    expect(new Set(fixes.map((f) => (f.kind === 'avl' ? f.truth.unitId : '')))).toEqual(
      new Set(['TR002', 'AM002', 'FI001', 'FI002', 'AM001', 'RS001', 'TR001']),
    );
    const without = buildScenario('mixed', { start: START, seed: 1 });
    expect(without.steps.some((s) => s.kind === 'avl')).toBe(false);
  });
});

describe('every step is accepted by the real adapters', () => {
  it.each(SCENARIO_NAMES)('%s', (name) => {
    const s = build(name, 11);
    for (const step of s.steps) {
      if (step.kind === 'report') {
        const t = step.truth;
        expect(CATEGORIES_BY_SOURCE[t.source]).toContain(t.category);
        const parsed = parseFeed(t.source, wire(nativeReport(step)));
        expect(parsed.source).toBe(t.source);
        expect(parsed.sourceId).toBe(t.sourceId);
        expect(parsed.category).toBe(t.category);
        expect(Date.parse(parsed.reportedAt)).toBe(t.at.getTime());
        if (t.addressOnly) {
          expect(parsed.point).toBeNull();
          expect(parsed.address).toBe(t.address);
        } else {
          expect(parsed.point).not.toBeNull();
          expect(metres(parsed.point!, t)).toBeLessThan(1);
        }
      } else if (step.kind === 'gauge') {
        const reading = parseGaugeMessage(gaugeTopic(step.truth.stcd), wire(encodeGauge(step.truth)), stations);
        expect(Date.parse(reading.at)).toBe(step.truth.at.getTime());
      } else {
        const fix = parseAvlMessage(avlTopic(step.truth.unitId), wire(encodeAvl(step.truth)));
        expect(metres(fix, step.truth)).toBeLessThan(1);
      }
    }
  });

  it('the traffic platform sends a junction as road and cross road', () => {
    const s = build('crash', 1);
    const step = s.steps.find((x) => x.kind === 'report' && x.truth.source === 'traffic');
    if (step?.kind !== 'report') throw new Error('crash has a traffic report');
    const body = nativeReport(step);
    expect(body).toMatchObject({ roadName: '友谊路', crossRoad: '经纬街' });
    expect(parseFeed('traffic', wire(body)).address).toBe('友谊路与经纬街交口');
  });
});

describe('crash', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i: the three reports fuse by the rules, the distractor does not', (seed) => {
    const s = build('crash', seed);
    const [crash, other] = s.events;
    expect(crash!.reports.map((r) => r.source).sort()).toEqual(['110', '120', 'traffic']);
    expect(crash!.reports.find((r) => r.source === '120')!.addressOnly).toBe(true);
    const reports = crash!.reports;
    for (let i = 0; i < reports.length; i++) {
      for (let j = i + 1; j < reports.length; j++) {
        const score = pairScore(rules, probe(reports[i]!), probe(reports[j]!));
        expect(score).not.toBeNull();
        expect(score!.score).toBeGreaterThanOrEqual(rules.threshold);
      }
    }
    expect(other!.reports).toHaveLength(1);
    const distractor = other!.reports[0]!;
    expect(distractor.source).toBe('110');
    for (const r of reports) {
      const score = pairScore(rules, probe(r), probe(distractor));
      expect(score === null || score.score < rules.threshold).toBe(true);
    }
    // Within minutes: all three reports inside ten minutes of the first.
    const times = reports.map((r) => r.at.getTime());
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(10 * 60_000);
  });
});

describe('flood', () => {
  it('only the 哈尔滨 gauge crosses its warning level, and it starts below it', () => {
    const s = build('flood', 5);
    for (const st of stations) {
      const levels = s.steps.flatMap((x) => (x.kind === 'gauge' && x.truth.stcd === st.stcd ? [x.truth.waterLevelM!] : []));
      if (!levels.length) continue;
      if (st.stcd === '10800400') {
        expect(levels[0]).toBeLessThan(st.warningLevelM!);
        expect(levels[levels.length - 1]).toBeGreaterThanOrEqual(st.warningLevelM!);
      } else {
        expect(Math.max(...levels)).toBeLessThan(st.warningLevelM!);
      }
    }
  });
});

describe('measureFusionQuality', () => {
  // Hand-built truth near 人民广场. One degree of latitude is about 111.2 km, of longitude here about 77.7 km.
  const t0 = Date.parse('2026-02-19T01:00:00Z');
  let n = 0;
  const report = (
    source: TruthReport['source'],
    category: TruthReport['category'],
    lon: number,
    lat: number,
    minutes: number,
  ): TruthReport => ({
    source,
    sourceId: `T${++n}`,
    category,
    priority: 5,
    title: 't',
    description: null,
    at: new Date(t0 + minutes * 60_000),
    lon,
    lat,
    address: null,
    addressOnly: false,
    casualties: null,
  });

  // A crash reported by three agencies within 50 m and 4 minutes, and a fire 2.2 km east reported by two.
  const crash: FusionTruthEvent = {
    id: 'crash',
    reports: [
      report('110', 'traffic_crash', 126.598, 45.7715, 0),
      report('120', 'traffic_crash', 126.5983, 45.7716, 2),
      report('traffic', 'traffic_crash', 126.5979, 45.7712, 4),
    ],
  };
  const fire: FusionTruthEvent = {
    id: 'fire',
    reports: [report('119', 'fire', 126.626, 45.7715, 1), report('110', 'fire', 126.6262, 45.7714, 3)],
  };

  it('is perfect on two well-separated events', () => {
    const q = measureFusionQuality([crash, fire], rules);
    // Pairs by hand: crash 3·2/2 = 3, fire 1; all of them merged, nothing else.
    expect(q).toMatchObject({ events: 2, records: 5, incidents: 2, truthPairs: 4, predictedPairs: 4, truePairs: 4 });
    expect(q.precision).toBe(1);
    expect(q.recall).toBe(1);
    expect(q.f1).toBe(1);
    expect(q.eventsSplit).toBe(0);
    expect(q.eventsMergedWrongly).toBe(0);
  });

  it('loses recall on an event whose two reports are 2 km apart', () => {
    // 2 km north: 2000 / 111 195 ≈ 0.01799° of latitude — beyond the 500 m rule, so the two records stay apart.
    const spread: FusionTruthEvent = {
      id: 'spread',
      reports: [report('110', 'medical', 126.61, 45.73, 10), report('120', 'medical', 126.61, 45.73 + 0.01799, 11)],
    };
    const q = measureFusionQuality([crash, spread], rules);
    // Truth pairs: crash 3 + spread 1 = 4. Merged: the crash's 3 (all correct). Recall 3/4, precision 1.
    expect(q.truthPairs).toBe(4);
    expect(q.predictedPairs).toBe(3);
    expect(q.truePairs).toBe(3);
    expect(q.precision).toBe(1);
    expect(q.recall).toBeCloseTo(0.75, 10);
    expect(q.f1).toBeCloseTo((2 * 0.75) / 1.75, 10);
    expect(q.incidents).toBe(3);
    expect(q.eventsSplit).toBe(1);
  });

  it('counts a wrong merge against precision', () => {
    // A second crash 100 m away and 5 minutes later, reported by 119: by the rules it joins the first crash.
    const second: FusionTruthEvent = { id: 'second', reports: [report('119', 'traffic_crash', 126.5993, 45.7715, 5)] };
    const q = measureFusionQuality([crash, second], rules);
    // All four records in one incident: 6 merged pairs, of which the crash's 3 are true.
    expect(q.incidents).toBe(1);
    expect(q.predictedPairs).toBe(6);
    expect(q.truePairs).toBe(3);
    expect(q.precision).toBe(0.5);
    expect(q.recall).toBe(1);
    expect(q.eventsMergedWrongly).toBe(2);
  });

  it('gives a load scenario a precision and recall between 0 and 1', () => {
    const s = buildScenario('load', { start: START, seed: 1, events: 400, rate: 0.05 });
    const q = measureFusionQuality(s.events, rules);
    expect(q.events).toBe(400);
    expect(q.records).toBe(s.steps.length);
    expect(q.precision).toBeGreaterThan(0.5);
    expect(q.recall).toBeGreaterThan(0.5);
    expect(q.precision).toBeLessThanOrEqual(1);
    expect(q.recall).toBeLessThanOrEqual(1);
    // Distractors exist and are placed as described: far in time or far in space from the event they imitate.
    const byId = new Map(s.events.map((e) => [e.id, e]));
    const distractors = s.events.filter((e) => e.distractorOf);
    expect(distractors.length).toBeGreaterThan(40);
    for (const d of distractors) {
      const ref = byId.get(d.distractorOf!)!;
      const dt = Math.abs(d.atMs - ref.atMs);
      const dm = metres(d, ref);
      expect((dt >= 40 * 60_000 - 1000 && dm <= 401) || (dt <= 3 * 60_000 + 1000 && dm >= 1199)).toBe(true);
    }
  });
});
