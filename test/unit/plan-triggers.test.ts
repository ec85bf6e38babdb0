import type { IncidentCategory, IncidentState } from '../../contracts/incidents';
import type { Plan, TriggerCondition, WarningColor } from '../../contracts/plans';
import { loadGaugeStations } from '../../gateway/feeds/gauge-writer';
import { loadPlans } from '../../gateway/plans/load';
import { conditionHolds, matchPlans, type GaugeFact, type IncidentFact } from '../../gateway/plans/triggers';

const incident = (over: Partial<IncidentFact> = {}): IncidentFact => ({
  kind: 'incident',
  id: 7,
  status: 'new',
  category: 'fire',
  priority: 6,
  agencies: 1,
  casualties: null,
  title: '某小区火情',
  ...over,
});
const harbinGauge = (level: number | null, rainfallMm: number | null = null): GaugeFact => ({
  kind: 'gauge',
  stationId: '10800400',
  name: '哈尔滨',
  river: '松花江',
  waterLevelM: level,
  rainfallMm,
  warningLevelM: 118.1,
  guaranteeLevelM: 120.3,
});

describe('conditionHolds — one condition, every given field must hold', () => {
  const c: TriggerCondition = { categories: ['fire', 'explosion'], minPriority: 7, minAgencies: 2 };
  it.each<[string, Partial<IncidentFact>, boolean]>([
    ['all met', { category: 'fire', priority: 7, agencies: 2 }, true],
    ['other category listed', { category: 'explosion', priority: 9, agencies: 3 }, true],
    ['category not listed', { category: 'hazmat', priority: 9, agencies: 3 }, false],
    ['priority one short', { priority: 6, agencies: 2 }, false],
    ['agencies one short', { priority: 7, agencies: 1 }, false],
    ['closed incident', { priority: 9, agencies: 3, status: 'closed' as IncidentState }, false],
    ['resolved incident', { priority: 9, agencies: 3, status: 'resolved' as IncidentState }, false],
    ['on scene still counts', { priority: 9, agencies: 3, status: 'on_scene' as IncidentState }, true],
  ])('%s → %s', (_w, over, want) => expect(conditionHolds(c, incident(over))).toBe(want));

  it.each<[number | null, boolean]>([
    [null, false],
    [3, true],
    [2, false],
  ])('casualties %s against at least 3 → %s', (n, want) =>
    expect(conditionHolds({ categories: ['fire'], minCasualties: 3 }, incident({ casualties: n }))).toBe(want),
  );

  it.each<[number | null, 'warning' | 'guarantee', number, boolean]>([
    [118.09, 'warning', 0, false],
    [118.1, 'warning', 0, true],
    [119.09, 'warning', 1, false],
    [119.1, 'warning', 1, true],
    [120.29, 'guarantee', 0, false],
    [120.3, 'guarantee', 0, true],
    [120.89, 'guarantee', 0.6, false],
    [120.9, 'guarantee', 0.6, true],
    [null, 'warning', 0, false],
  ])('Harbin gauge at %s m against %s + %s m → %s', (level, reach, aboveM, want) =>
    expect(conditionHolds({ gauge: { stations: ['10800400'], reach, aboveM } }, harbinGauge(level))).toBe(want),
  );

  it('a gauge condition asks only its stations, and a station without a guarantee level never reaches it', () => {
    expect(conditionHolds({ gauge: { stations: ['10850200'], reach: 'warning', aboveM: 0 } }, harbinGauge(125))).toBe(false);
    expect(
      conditionHolds(
        { gauge: { stations: ['10800400'], reach: 'guarantee', aboveM: 0 } },
        { ...harbinGauge(125), guaranteeLevelM: null },
      ),
    ).toBe(false);
  });

  it.each<[number | null, boolean]>([
    [49.9, false],
    [50, true],
    [null, false],
  ])('rainfall %s mm against 50 → %s', (mm, want) =>
    expect(conditionHolds({ rainfall: { minMm: 50 } }, harbinGauge(null, mm))).toBe(want),
  );

  it.each<[WarningColor, WarningColor, boolean]>([
    ['blue', 'yellow', false],
    ['yellow', 'yellow', true],
    ['orange', 'yellow', true],
    ['red', 'yellow', true],
    ['red', 'red', true],
    ['orange', 'red', false],
  ])('a %s warning against at least %s → %s', (color, minColor, want) =>
    expect(
      conditionHolds({ warning: { hazards: ['暴雨'], minColor } }, { kind: 'warning', id: 'w1', hazard: '暴雨', color }),
    ).toBe(want),
  );

  it('facts of one kind never meet conditions about another', () => {
    expect(conditionHolds({ warning: { hazards: ['暴雨'], minColor: 'blue' } }, incident({ priority: 10 }))).toBe(false);
    expect(conditionHolds({ categories: ['flood'] }, harbinGauge(130))).toBe(false);
    expect(conditionHolds({ rainfall: { minMm: 1 } }, { kind: 'warning', id: 'w', hazard: '暴雨', color: 'red' })).toBe(false);
    expect(
      conditionHolds(
        { warning: { hazards: ['暴雪'], minColor: 'blue' } },
        { kind: 'warning', id: 'w', hazard: '暴雨', color: 'red' },
      ),
    ).toBe(false);
  });
});

describe('matchPlans over the real plan files', () => {
  const stations = loadGaugeStations();
  const plans: Plan[] = loadPlans({
    roles: new Set(['leader', 'commander']),
    departments: new Set([
      'command-center',
      'police-110',
      'fire-119',
      'ems-120',
      'flood-control',
      'civil-defence',
      'traffic-police',
      'urban-mgmt',
      'planning',
      'info-center',
    ]),
    stations: new Set(stations.map((s) => s.stcd)),
  });
  const levelOf = (planId: string, fact: Parameters<typeof matchPlans>[1]) =>
    matchPlans(plans, fact).find((m) => m.planId === planId)?.level ?? null;

  it.each<[IncidentCategory, number, number, number | null, string, string | null]>([
    ['waterlogging', 5, 1, null, 'urban-waterlogging', null],
    ['waterlogging', 6, 1, null, 'urban-waterlogging', 'IV'],
    ['waterlogging', 7, 1, null, 'urban-waterlogging', 'IV'],
    ['waterlogging', 7, 2, null, 'urban-waterlogging', 'III'],
    ['waterlogging', 9, 2, null, 'urban-waterlogging', 'III'],
    ['waterlogging', 9, 3, null, 'urban-waterlogging', 'II'],
    ['fire', 6, 1, null, 'fire', 'IV'],
    ['fire', 8, 1, null, 'fire', 'III'],
    ['fire', 6, 1, 3, 'fire', 'III'],
    ['fire', 9, 3, null, 'fire', 'II'],
    ['fire', 6, 1, 30, 'fire', 'I'],
    ['traffic_crash', 6, 1, null, 'road-traffic', null],
    ['traffic_crash', 8, 2, null, 'road-traffic', 'III'],
    ['hazmat', 7, 2, null, 'hazmat-leak', 'III'],
    ['air_raid', 8, 1, null, 'air-raid', 'II'],
    ['air_raid', 9, 2, null, 'air-raid', 'I'],
    ['crime', 10, 3, null, 'fire', null],
  ])('%s priority %s, %s agencies, casualties %s → %s %s', (category, priority, agencies, casualties, planId, level) =>
    expect(levelOf(planId, incident({ category, priority, agencies, casualties }))).toBe(level),
  );

  it.each<[number, string | null]>([
    [118.0, null],
    [118.1, 'IV'],
    [119.1, 'III'],
    [120.3, 'II'],
    [120.9, 'I'],
  ])('Harbin gauge %s m → Songhua flood plan %s', (level, want) =>
    expect(levelOf('songhua-flood', harbinGauge(level))).toBe(want),
  );

  it('a tributary station: warning → Ⅳ, guarantee → Ⅲ (its own levels from gauge-stations.json)', () => {
    const hulan = stations.find((s) => s.name === '呼兰')!;
    const fact = (z: number): GaugeFact => ({
      kind: 'gauge',
      stationId: hulan.stcd,
      name: hulan.name,
      river: hulan.river,
      waterLevelM: z,
      rainfallMm: null,
      warningLevelM: hulan.warningLevelM,
      guaranteeLevelM: hulan.guaranteeLevelM,
    });
    expect(levelOf('songhua-flood', fact(hulan.warningLevelM!))).toBe('IV');
    expect(levelOf('songhua-flood', fact(hulan.guaranteeLevelM!))).toBe('III');
  });

  it('the reason names the plan, the level, the condition and the facts', () => {
    const [m] = matchPlans(
      plans,
      incident({ id: 42, category: 'waterlogging', priority: 7, agencies: 2, title: '文昌桥下积水' }),
    );
    expect(m).toMatchObject({
      planId: 'urban-waterlogging',
      level: 'III',
      incidentIds: [42],
      basis: { kind: 'incident', key: '42' },
    });
    expect(m!.reason).toBe(
      '符合《哈尔滨市城市内涝应急预案》Ⅲ级启动条件：城市内涝警情优先级7级以上且两个以上部门报告（下穿桥、低洼路段积水断行）' +
        '（警情 #42「文昌桥下积水」，城市内涝，优先级 7，2 个部门报警）',
    );
    const [g] = matchPlans(plans, harbinGauge(119.25));
    expect(g!.reason).toContain('Ⅲ级启动条件：松花江哈尔滨站水位超警戒水位1米');
    expect(g!.reason).toContain('水位 119.25 米，警戒水位 118.10 米，保证水位 120.30 米');
  });

  it('warnings: 暴雪 colours map to the snow plan’s levels; one fact can match several plans, most severe first', () => {
    expect(levelOf('snow-ice', { kind: 'warning', id: 'w', hazard: '暴雪', color: 'orange' })).toBe('II');
    expect(levelOf('snow-ice', { kind: 'warning', id: 'w', hazard: '暴雨', color: 'orange' })).toBeNull();
    const both = matchPlans(plans, incident({ category: 'explosion', priority: 9, agencies: 3 }));
    expect(both.map((m) => [m.planId, m.level])).toEqual([
      ['fire', 'II'],
      ['hazmat-leak', 'II'],
      ['earthquake', 'III'],
    ]);
  });
});
