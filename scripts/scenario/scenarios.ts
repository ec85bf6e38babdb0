import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeedSource, IncidentCategory, UnitType } from '../../contracts/incidents';
import { CATEGORIES_BY_SOURCE } from '../../gateway/feeds/adapters';
import { formatBeijingCompact } from '../../gateway/feeds/adapters/time';
import { gaugeStationsFileSchema, type GaugeStation } from '../../gateway/feeds/gauges';
import { encodeReport } from './encoders';
import { LOAD_ANCHORS, PLACES, southOfRiver } from './places';
import type { TruthGaugeReading, TruthReport, TruthTrack } from './truth';

/**
 * Named, reproducible scenarios for the simulator: ground truth (what happened, where and when, and which agency
 * reported it how) as a time-ordered list of steps. Everything random comes from a seeded PRNG, so the same
 * name, seed, start time and options give the same steps; the record ids embed the report time, so a run started
 * at another time sends new records rather than redeliveries.
 */

export const SCENARIO_NAMES = ['crash', 'fire', 'flood', 'airdefense', 'mixed', 'load'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const SCENARIO_DESCRIPTIONS: Record<ScenarioName, string> = {
  crash:
    'a crash at 友谊路与经纬街交口 reported within minutes by 110 (GCJ-02 caller location), 120 (address only, injured) ' +
    'and traffic police (road + cross road), plus one unrelated 110 report in 香坊 (about 7 km away)',
  fire: 'a fire in an old building at 靖宇街/南二道街 (道外 old town) reported by 119 (people trapped), 110 and 120',
  flood:
    'the Songhua rising at four gauges over a few compressed hours (readings every 30 s, 哈尔滨 station crosses its ' +
    '118.10 m warning level), waterlogging at low streets from flood control, traffic police and 110, a tunnel ' +
    'closure, a dyke patrol report at the Flood Control Monument and congestion on the 松花江公路大桥',
  airdefense: 'the annual 9·18 air-raid siren test (试鸣): 预先警报, 空袭警报 and 解除警报 messages and a siren fault',
  mixed:
    'crash, fire, flood and air-defence interleaved, plus AVL tracks of the nearest units driving to the crash, ' +
    'the fire and the flooded underpass (when units are known)',
  load:
    'N events at a given rate over central Harbin, each reported by 1–3 compatible agencies with position jitter ' +
    '10–150 m and time jitter 0–6 min (some address only), with distractors near in space but 40–120 min later or at ' +
    'the same time but 1.2–3 km away',
};

export const isScenarioName = (name: string): name is ScenarioName => (SCENARIO_NAMES as readonly string[]).includes(name);

/** A report step may carry native fields the truth model has no place for (a code variant, a cross road). */
export interface ReportStep {
  atMs: number;
  kind: 'report';
  truth: TruthReport;
  /**
   * Fields set in the native record after `encodeReport`, e.g. `{ kind: '预先警报' }` (another code of the same
   * category) — they never change what the record means in common terms.
   */
  native?: Record<string, unknown>;
}
export type ScenarioStep =
  ReportStep | { atMs: number; kind: 'gauge'; truth: TruthGaugeReading } | { atMs: number; kind: 'avl'; truth: TruthTrack };

/** A unit the simulator can move (from GET /api/units). */
export interface ScenarioUnit {
  id: string;
  type: UnitType;
  lon: number;
  lat: number;
}

/** One real event and the agency records about it: the ground truth for fusion quality. */
export interface TruthEvent {
  id: string;
  label: string;
  lon: number;
  lat: number;
  atMs: number;
  /** The event this one was placed to be confused with (near in space or in time), if any. */
  distractorOf: string | null;
  reports: TruthReport[];
}

export interface ScenarioOptions {
  /** Time zero: every step's report time is `start + atMs`. */
  start: Date;
  seed: number;
  /** Units for the AVL tracks of `mixed`. */
  units?: readonly ScenarioUnit[];
  /** `load`: how many events (distractors included); default 500. */
  events?: number;
  /**
   * `load`: events per second of scenario time; default 0.05 (3 a minute, 180 an hour: a busy day for central
   * Harbin across all six agencies).
   */
  rate?: number;
}

export interface Scenario {
  name: ScenarioName;
  seed: number;
  start: Date;
  steps: ScenarioStep[];
  events: TruthEvent[];
}

export const DEFAULT_LOAD_EVENTS = 500;
export const DEFAULT_LOAD_RATE = 0.05;

// ---------------------------------------------------------------------------------------------------------------
// Randomness and geometry

/** mulberry32: a small, fast, seedable PRNG (32-bit state), good enough for test data. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x5bd1e995) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index by weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates, on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

export interface LonLat {
  lon: number;
  lat: number;
}

/** The mean Earth radius turf uses, so distances here agree with the fusion code's. */
const EARTH_RADIUS_M = 6371008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** The point `distanceM` from `p` on the initial bearing `bearingDeg` (clockwise from north), on the sphere. */
export function moveBy(p: LonLat, distanceM: number, bearingDeg: number): LonLat {
  const d = distanceM / EARTH_RADIUS_M;
  const b = rad(bearingDeg);
  const lat1 = rad(p.lat);
  const lon1 = rad(p.lon);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lon: deg(lon2), lat: deg(lat2) };
}

/** Great-circle distance in metres (haversine, as turf computes it). */
export function metresBetween(a: LonLat, b: LonLat): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
}

/** Initial bearing from a to b, degrees clockwise from north. */
function bearingOf(a: LonLat, b: LonLat): number {
  const y = Math.sin(rad(b.lon - a.lon)) * Math.cos(rad(b.lat));
  const x =
    Math.cos(rad(a.lat)) * Math.sin(rad(b.lat)) - Math.sin(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.cos(rad(b.lon - a.lon));
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

/** A point between `minM` and `maxM` from `p` in a random direction. */
function scatter(rng: Prng, p: LonLat, minM: number, maxM: number): LonLat {
  return moveBy(p, rng.between(minM, maxM), rng.between(0, 360));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Scenario times are whole seconds: the agencies' own formats carry no more. */
const wholeSeconds = (ms: number) => Math.round(ms / SECOND) * SECOND;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------------------------------------------
// Building steps

interface ReportSpec {
  source: FeedSource;
  category: IncidentCategory;
  priority: number;
  atMs: number;
  point: LonLat;
  address: string | null;
  addressOnly?: boolean;
  casualties?: number | null;
  title: string;
  description: string | null;
  native?: Record<string, unknown>;
}

/** Collects steps and events; hands out record ids in each agency's style, unique within the run. */
class Builder {
  readonly steps: ScenarioStep[] = [];
  readonly events: TruthEvent[] = [];
  private seq = 0;

  constructor(
    readonly rng: Prng,
    readonly start: Date,
  ) {}

  at(atMs: number): Date {
    return new Date(this.start.getTime() + atMs);
  }

  /** A record id as the agency's system writes them, with the report time and a running number. */
  private recordId(source: FeedSource, at: Date): string {
    const n = pad(++this.seq, 4);
    const t = formatBeijingCompact(at);
    const [day, clock] = [t.slice(0, 8), t.slice(8)];
    switch (source) {
      case '110':
        return `J230100${t}${n}`;
      case '119':
        return `HRB119-${day}-${clock}${n}`;
      case '120':
        return `120HRB${t}${n}`;
      case 'flood':
        return `FX-HRB-${day.slice(0, 4)}-${day.slice(4)}-${clock}${n}`;
      case 'airdefense':
        return `RF-BJ-${day}-${clock}${n}`;
      case 'traffic':
        return `JJ230100${t}${n}`;
    }
  }

  event(label: string, place: LonLat, atMs: number, distractorOf: string | null = null): TruthEvent {
    const event: TruthEvent = {
      id: `E${pad(this.events.length + 1, 5)}`,
      label,
      lon: place.lon,
      lat: place.lat,
      atMs: wholeSeconds(atMs),
      distractorOf,
      reports: [],
    };
    this.events.push(event);
    return event;
  }

  report(event: TruthEvent, spec: ReportSpec): TruthReport {
    if (!CATEGORIES_BY_SOURCE[spec.source].includes(spec.category)) {
      throw new Error(`scenario error: ${spec.source} cannot send ${spec.category}`);
    }
    if (spec.addressOnly && !spec.address) throw new Error('scenario error: an address-only report needs an address');
    const atMs = wholeSeconds(spec.atMs);
    const at = this.at(atMs);
    const truth: TruthReport = {
      source: spec.source,
      sourceId: this.recordId(spec.source, at),
      category: spec.category,
      priority: spec.priority,
      title: spec.title,
      description: spec.description,
      at,
      lon: spec.point.lon,
      lat: spec.point.lat,
      address: spec.address,
      addressOnly: spec.addressOnly ?? false,
      casualties: spec.casualties ?? null,
    };
    const step: ReportStep = { atMs, kind: 'report', truth };
    if (spec.native) step.native = spec.native;
    this.steps.push(step);
    event.reports.push(truth);
    return truth;
  }

  gauge(atMs: number, stcd: string, waterLevelM: number | null, rainfallMm: number | null): void {
    const t = wholeSeconds(atMs);
    this.steps.push({ atMs: t, kind: 'gauge', truth: { stcd, at: this.at(t), waterLevelM, rainfallMm } });
  }

  avl(atMs: number, track: Omit<TruthTrack, 'at'>): void {
    const t = wholeSeconds(atMs);
    this.steps.push({ atMs: t, kind: 'avl', truth: { ...track, at: this.at(t) } });
  }

  finish(name: ScenarioName, seed: number): Scenario {
    // Stable: steps at the same time keep the order they were written in.
    const steps = this.steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.atMs - b.s.atMs || a.i - b.i);
    return { name, seed, start: this.start, steps: steps.map((x) => x.s), events: this.events };
  }
}

/** The native record of a report step, as its agency delivers it: `encodeReport` plus the step's native fields. */
export function nativeReport(step: ReportStep): Record<string, unknown> {
  const body = encodeReport(step.truth);
  // The traffic platform names a junction as road + cross road; the adapter joins them back into "A与B交口".
  if (step.truth.source === 'traffic' && step.truth.address) {
    const junction = /^(.+?)与(.+?)交口$/.exec(step.truth.address);
    if (junction) {
      body.roadName = junction[1];
      body.crossRoad = junction[2];
    }
  }
  return step.native ? { ...body, ...step.native } : body;
}

/** Where units should go for an incident of a scenario (for the AVL tracks of `mixed`). */
interface Target {
  label: string;
  point: LonLat;
  /** When the first report came in. */
  atMs: number;
  needs: UnitType[];
}

// ---------------------------------------------------------------------------------------------------------------
// crash

function crash(b: Builder, t0: number): Target[] {
  const { rng } = b;
  const place = PLACES.youyiJingwei;
  const site = scatter(rng, place, 0, 25);
  const injured = rng.int(1, 3);
  const event = b.event('交通事故：友谊路与经纬街交口', site, t0);
  const first = t0 + rng.int(20, 80) * SECOND;
  b.report(event, {
    source: '110',
    category: 'traffic_crash',
    priority: 7,
    atMs: first,
    // The caller's phone location (GCJ-02 on the wire), a few tens of metres off.
    point: scatter(rng, site, 10, 60),
    address: '道里区友谊路与经纬街交口',
    casualties: injured,
    title: '交通事故 · 友谊路与经纬街交口',
    description: `报警人称友谊路与经纬街交口一辆出租车与一辆私家车相撞，${injured}人受伤，车辆占用两条车道。`,
  });
  b.report(event, {
    source: '120',
    category: 'traffic_crash',
    priority: 8,
    atMs: t0 + rng.int(100, 200) * SECOND,
    point: scatter(rng, site, 10, 40),
    address: place.address,
    addressOnly: true,
    casualties: injured,
    title: '交通事故伤 · 友谊路与经纬街交口',
    description: `车祸外伤，${injured}名伤员，其中1人头部出血、意识清楚，请求出车。`,
  });
  b.report(event, {
    source: 'traffic',
    category: 'traffic_crash',
    priority: 5,
    atMs: t0 + rng.int(200, 320) * SECOND,
    point: scatter(rng, site, 5, 30),
    address: '友谊路与经纬街交口',
    casualties: injured,
    title: '交通事故 · 友谊路与经纬街交口',
    description: '出租车与私家车相撞，占用两条车道，后方车辆缓行，已派警处置。',
    native: { direction: '由西向东' },
  });
  // Unrelated, far away: a theft in 香坊 at about the same time.
  const far = PLACES.zhujiangHongqi;
  const other = b.event('盗窃：珠江路与红旗大街交口', scatter(rng, far, 0, 40), t0);
  b.report(other, {
    source: '110',
    category: 'crime',
    priority: 5,
    atMs: t0 + rng.int(60, 240) * SECOND,
    point: scatter(rng, other, 10, 50),
    address: '香坊区珠江路与红旗大街交口',
    title: '盗窃 · 珠江路与红旗大街交口',
    description: '报警人称珠江路与红旗大街交口附近一商铺卷帘门被撬，店内现金被盗。',
    native: { JQLB: '0102' },
  });
  return [{ label: '友谊路与经纬街交口交通事故', point: site, atMs: first, needs: ['traffic_police', 'ambulance'] }];
}

// ---------------------------------------------------------------------------------------------------------------
// fire

function fire(b: Builder, t0: number): Target[] {
  const { rng } = b;
  const place = PLACES.jingyuNaner;
  const site = scatter(rng, place, 0, 40);
  const trapped = rng.int(2, 4);
  const event = b.event('火灾：靖宇街南二道街老楼', site, t0);
  const first = t0 + rng.int(10, 50) * SECOND;
  b.report(event, {
    source: '119',
    category: 'fire',
    priority: 7,
    atMs: first,
    // The fire service's GIS places the building itself (WGS-84).
    point: scatter(rng, site, 5, 20),
    address: '道外区靖宇街与南二道街交口中华巴洛克街区老楼',
    casualties: trapped,
    title: '火灾 · 靖宇街与南二道街交口',
    description: `三层砖木结构老楼二层起火，浓烟从窗口冒出，${trapped}人被困三楼，楼道狭窄。`,
  });
  b.report(event, {
    source: '110',
    category: 'fire',
    priority: 8,
    atMs: t0 + rng.int(60, 150) * SECOND,
    point: scatter(rng, site, 20, 80),
    address: '道外区靖宇街南二道街附近',
    title: '火灾 · 靖宇街南二道街',
    description: '群众报警称靖宇街一栋老楼冒出浓烟，楼上有人呼救。',
  });
  b.report(event, {
    source: '120',
    category: 'injury',
    priority: 8,
    atMs: t0 + rng.int(180, 360) * SECOND,
    point: scatter(rng, site, 10, 60),
    address: place.address,
    casualties: 1,
    title: '烧烫伤 · 靖宇街与南二道街交口',
    description: '火场疏散出一名老年女性，吸入浓烟、右臂烧伤，意识清楚。',
    // 烧烫伤, another 120 code of the same category.
    native: { call_type: '05' },
  });
  return [{ label: '靖宇街老楼火灾', point: site, atMs: first, needs: ['fire_engine', 'fire_engine', 'ambulance'] }];
}

// ---------------------------------------------------------------------------------------------------------------
// flood

let stationCache: GaugeStation[] | null = null;
function gaugeStations(): GaugeStation[] {
  stationCache ??= gaugeStationsFileSchema.parse(
    JSON.parse(readFileSync(path.resolve(__dirname, '../../data/feeds/gauge-stations.json'), 'utf8')),
  ).stations;
  return stationCache;
}

function station(stcd: string): GaugeStation {
  const s = gaugeStations().find((x) => x.stcd === stcd);
  if (!s) throw new Error(`gauge station ${stcd} is not in data/feeds/gauge-stations.json`);
  return s;
}

const FLOOD_DURATION = 20 * MINUTE;
const GAUGE_INTERVAL = 30 * SECOND;

/**
 * A rise over the run relative to the warning level: `from` and `to` are metres above (+) or below (−) it. Only
 * 哈尔滨 crosses it; the others rise but stay below.
 */
const RISES = [
  { stcd: '10800400', from: -0.48, to: 0.36, rain: true },
  { stcd: '10850200', from: -0.8, to: -0.35, rain: false },
  { stcd: '10860300', from: -0.9, to: -0.45, rain: true },
  { stcd: '10800710', from: -0.9, to: -0.4, rain: false },
] as const;

function flood(b: Builder, t0: number): Target[] {
  const { rng } = b;
  const harbin = station('10800400');
  const warning = harbin.warningLevelM ?? 118.1;
  let crossingMs: number | null = null;
  for (let t = 0; t <= FLOOD_DURATION; t += GAUGE_INTERVAL) {
    const x = t / FLOOD_DURATION;
    const s = x * x * (3 - 2 * x);
    for (const rise of RISES) {
      const st = station(rise.stcd);
      const base = st.warningLevelM ?? 100;
      const level = base + rise.from + (rise.to - rise.from) * s + rng.between(-0.01, 0.01);
      const rain = rise.rain ? Math.max(0, rng.between(-0.5, 4) * (1 - 0.6 * x)) : null;
      b.gauge(t0 + t, rise.stcd, Number(level.toFixed(2)), rain === null ? null : Number(rain.toFixed(1)));
      if (rise.stcd === harbin.stcd && level >= warning && crossingMs === null) crossingMs = t0 + t;
    }
  }
  crossingMs ??= t0 + FLOOD_DURATION;

  // Waterlogging under the 和兴路 flyover: flood control and traffic police report it.
  const hexing = PLACES.xidazhiHexing;
  const hexingSite = scatter(rng, hexing, 0, 30);
  const hexingEvent = b.event('积水：西大直街和兴路桥下', hexingSite, t0 + 4 * MINUTE);
  b.report(hexingEvent, {
    source: 'flood',
    category: 'waterlogging',
    priority: 6,
    atMs: t0 + 4 * MINUTE + rng.int(0, 40) * SECOND,
    point: scatter(rng, hexingSite, 5, 30),
    address: '南岗区西大直街和兴路桥下',
    title: '城市内涝 · 西大直街和兴路桥下',
    description: '和兴路桥下积水深约40厘米，一辆小客车涉水熄火，已设置警示并调排水车。',
    native: { type: '积水点', reporter: '南岗区防汛抗旱指挥部' },
  });
  b.report(hexingEvent, {
    source: 'traffic',
    category: 'waterlogging',
    priority: 5,
    atMs: t0 + 5 * MINUTE + rng.int(0, 60) * SECOND,
    point: scatter(rng, hexingSite, 10, 50),
    address: '西大直街与和兴路交口',
    title: '路面积水 · 西大直街与和兴路交口',
    description: '桥下积水，西大直街由西向东方向车辆无法通行，正在疏导绕行。',
  });

  // 学府路: flood control alone.
  const xuefu = PLACES.xuefuLu;
  const xuefuEvent = b.event('内涝：学府路学府三道街', scatter(rng, xuefu, 0, 40), t0 + 7 * MINUTE);
  b.report(xuefuEvent, {
    source: 'flood',
    category: 'waterlogging',
    priority: 6,
    atMs: t0 + 7 * MINUTE + rng.int(0, 30) * SECOND,
    point: scatter(rng, xuefuEvent, 5, 40),
    address: '南岗区学府路与学府三道街交口',
    title: '城市内涝 · 学府路与学府三道街交口',
    description: '学府路学府三道街段路面积水深约30厘米，雨水井满溢，附近高校学生出行受阻。',
  });

  // The 红军街 underpass fills: flood control reports it by name only, traffic police close it.
  const tunnel = PLACES.hongjunTunnel;
  const tunnelSite = scatter(rng, tunnel, 0, 30);
  const tunnelEvent = b.event('积水封闭：红军街下穿隧道', tunnelSite, t0 + 7 * MINUTE);
  b.report(tunnelEvent, {
    source: 'flood',
    category: 'waterlogging',
    priority: 8,
    atMs: t0 + 7 * MINUTE + rng.int(30, 60) * SECOND,
    point: scatter(rng, tunnelSite, 10, 40),
    address: tunnel.address,
    addressOnly: true,
    title: '城市内涝 · 红军街下穿隧道',
    description: '红军街下穿隧道最低点积水约50厘米并持续上涨，泵站满负荷运行。',
    native: { type: '积水点' },
  });
  b.report(tunnelEvent, {
    source: 'traffic',
    category: 'road_closure',
    priority: 4,
    atMs: t0 + 8 * MINUTE + rng.int(0, 60) * SECOND,
    point: scatter(rng, tunnelSite, 10, 40),
    address: tunnel.address,
    title: '交通管制 · 红军街下穿隧道',
    description: '隧道积水，双向封闭，车辆经西大直街、东大直街绕行。',
    native: { eventType: '管制' },
  });

  // 珠江路 at 中山路: traffic police, then a 110 caller.
  const zhujiang = PLACES.zhujiangZhongshan;
  const zhujiangSite = scatter(rng, zhujiang, 0, 40);
  const zhujiangEvent = b.event('积水：珠江路与中山路交口', zhujiangSite, t0 + 10 * MINUTE);
  b.report(zhujiangEvent, {
    source: 'traffic',
    category: 'waterlogging',
    priority: 5,
    atMs: t0 + 10 * MINUTE + rng.int(0, 40) * SECOND,
    point: scatter(rng, zhujiangSite, 5, 40),
    address: zhujiang.address,
    title: '路面积水 · 珠江路与中山路交口',
    description: '路口积水，车辆缓行，已安排警力疏导。',
  });
  b.report(zhujiangEvent, {
    source: '110',
    category: 'waterlogging',
    priority: 5,
    atMs: t0 + 13 * MINUTE + rng.int(0, 60) * SECOND,
    point: scatter(rng, zhujiangSite, 20, 90),
    address: '香坊区珠江路与中山路交口',
    title: '积水内涝 · 珠江路与中山路交口',
    description: '群众报警称珠江路中山路口积水没过车轮，有一辆轿车被困，车内两人未受伤。',
  });

  // The river at the Flood Control Monument, shortly after 哈尔滨 station crosses its warning level.
  const monument = PLACES.floodMonument;
  const dykeEvent = b.event('堤防险情：防洪纪念塔段', scatter(rng, monument, 0, 30), crossingMs + 2 * MINUTE);
  b.report(dykeEvent, {
    source: 'flood',
    category: 'flood',
    priority: 8,
    atMs: crossingMs + 2 * MINUTE + rng.int(0, 30) * SECOND,
    point: scatter(rng, dykeEvent, 5, 30),
    address: '道里区防洪纪念塔段松花江江堤',
    title: '堤防险情 · 防洪纪念塔段',
    description: '江水漫上防洪纪念塔段亲水平台，堤防巡查加密至每小时一次，劝离沿江游人。',
    native: { reporter: '道里区防汛抗旱指挥部' },
  });

  // Sightseers stop on the highway bridge to watch the river.
  const bridge = PLACES.songhuaBridge;
  const bridgeEvent = b.event('拥堵：松花江公路大桥', scatter(rng, bridge, 0, 80), t0 + 15 * MINUTE);
  b.report(bridgeEvent, {
    source: 'traffic',
    category: 'congestion',
    priority: 3,
    atMs: t0 + 15 * MINUTE + rng.int(0, 60) * SECOND,
    point: scatter(rng, bridgeEvent, 5, 40),
    address: bridge.address,
    title: '交通拥堵 · 松花江公路大桥',
    description: '江水上涨，大批市民在桥上停车观看水情，南向北方向拥堵约1公里。',
    native: { direction: '由南向北' },
  });

  return [{ label: '红军街下穿隧道积水', point: tunnelSite, atMs: t0 + 7 * MINUTE, needs: ['rescue', 'traffic_police'] }];
}

// ---------------------------------------------------------------------------------------------------------------
// airdefense

function airdefense(b: Builder, t0: number): Target[] {
  const { rng } = b;
  const sirenPoint = scatter(rng, PLACES.harbinStation, 0, 30);
  const phases = [
    { offset: 0, kind: '预先警报', text: '九一八防空警报试鸣：预先警报，鸣36秒停24秒，反复3遍，时长3分钟。' },
    { offset: 5 * MINUTE, kind: '空袭警报', text: '九一八防空警报试鸣：空袭警报，鸣6秒停6秒，反复15遍，时长3分钟。' },
    { offset: 10 * MINUTE, kind: '解除警报', text: '九一八防空警报试鸣：解除警报，连续鸣响3分钟。' },
  ];
  for (const phase of phases) {
    const atMs = t0 + phase.offset + rng.int(0, 10) * SECOND;
    const event = b.event(`防空警报试鸣：${phase.kind}`, sirenPoint, atMs);
    b.report(event, {
      source: 'airdefense',
      category: 'air_raid',
      priority: 4,
      atMs,
      point: sirenPoint,
      address: '南岗区哈尔滨站警报点',
      title: `${phase.kind} · 试鸣`,
      description: phase.text,
      native: { kind: phase.kind },
    });
  }
  // During the 空袭警报 phase a siren in 道外 stays silent.
  const faulty = scatter(rng, PLACES.nanxunJie, 0, 60);
  const faultAt = t0 + 6 * MINUTE + rng.int(0, 60) * SECOND;
  const fault = b.event('警报器故障：南勋街警报点', faulty, faultAt);
  b.report(fault, {
    source: 'airdefense',
    category: 'siren_fault',
    priority: 7,
    atMs: faultAt,
    point: faulty,
    address: '道外区南勋街警报点',
    title: '警报器故障 · 南勋街警报点',
    description: '试鸣期间该警报点未发声，远程自检功放模块无输出，已通知维保单位到场检修。',
  });
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// AVL tracks for mixed

const COT_GROUND_VEHICLE = 'a-f-G-E-V';
const FIX_INTERVAL = 15 * SECOND;
const MAX_FIXES = 60;

/** The nearest free unit of each needed type drives (in a straight line) to each target, one fix every 15 s. */
function tracks(b: Builder, targets: readonly Target[], units: readonly ScenarioUnit[]): void {
  const { rng } = b;
  const taken = new Set<string>();
  for (const target of targets) {
    for (const type of target.needs) {
      const unit = units
        .filter((u) => u.type === type && !taken.has(u.id))
        .map((u) => ({ u, d: metresBetween(u, target.point) }))
        .sort((x, y) => x.d - y.d || x.u.id.localeCompare(y.u.id))[0];
      if (!unit) continue;
      taken.add(unit.u.id);
      const depart = target.atMs + rng.int(60, 150) * SECOND;
      const speedMs = rng.between(30, 50) / 3.6;
      const driveMs = Math.max(FIX_INTERVAL, (unit.d / speedMs) * SECOND);
      const interval = Math.max(FIX_INTERVAL, Math.ceil(driveMs / MAX_FIXES / SECOND) * SECOND);
      const fixes = Math.max(1, Math.ceil(driveMs / interval));
      for (let i = 0; i <= fixes; i++) {
        const f = i / fixes;
        const accuracyM = Math.round(rng.between(3, 12));
        const exact = {
          lon: unit.u.lon + (target.point.lon - unit.u.lon) * f,
          lat: unit.u.lat + (target.point.lat - unit.u.lat) * f,
        };
        const fix = i === fixes ? exact : scatter(rng, exact, 0, accuracyM);
        b.avl(depart + Math.round(driveMs * f), {
          unitId: unit.u.id,
          cotType: COT_GROUND_VEHICLE,
          staleAfterS: 120,
          lon: fix.lon,
          lat: fix.lat,
          accuracyM,
          status: i === fixes ? 'on_scene' : 'en_route',
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// load

interface LoadKind {
  label: string;
  weight: number;
  /** What each agency that may report it calls it (pairwise compatible under data/fusion-rules.json). */
  agencies: Partial<Record<FeedSource, IncidentCategory>>;
  priority: [number, number];
  casualties: [number, number] | null;
  texts: readonly string[];
}

const LOAD_KINDS: readonly LoadKind[] = [
  {
    label: '交通事故',
    weight: 24,
    agencies: { '110': 'traffic_crash', '120': 'traffic_crash', traffic: 'traffic_crash', '119': 'traffic_crash' },
    priority: [4, 8],
    casualties: [0, 3],
    texts: ['两车相撞，有人受伤', '电动车与轿车刮碰，骑车人倒地', '出租车追尾公交车，车头受损', '行人被转弯车辆刮倒'],
  },
  {
    label: '火灾',
    weight: 10,
    agencies: { '119': 'fire', '110': 'fire', '120': 'injury' },
    priority: [5, 9],
    casualties: [0, 2],
    texts: ['居民楼厨房起火，浓烟较大', '临街门市房着火', '停放车辆自燃', '楼道杂物起火'],
  },
  {
    label: '急病',
    weight: 18,
    agencies: { '120': 'medical', '110': 'medical' },
    priority: [5, 10],
    casualties: [1, 1],
    texts: ['老人晕倒在路边，呼之不应', '男子胸痛伴大汗', '孕妇腹痛需送医', '儿童高热抽搐'],
  },
  {
    label: '伤害案件',
    weight: 12,
    agencies: { '110': 'crime', '120': 'injury' },
    priority: [6, 9],
    casualties: [1, 2],
    texts: ['两人持械斗殴，一人受伤', '男子被抢劫并被刺伤', '醉酒男子殴打路人'],
  },
  {
    label: '打架斗殴',
    weight: 8,
    agencies: { '110': 'public_order', '120': 'injury' },
    priority: [4, 7],
    casualties: [0, 2],
    texts: ['饭店门前多人打架', '商场内聚众滋事', '夜市摊位纠纷引发斗殴'],
  },
  {
    label: '积水',
    weight: 8,
    agencies: { flood: 'waterlogging', traffic: 'waterlogging', '110': 'waterlogging', '119': 'waterlogging' },
    priority: [4, 7],
    casualties: null,
    texts: ['路面积水深约30厘米，车辆涉水熄火', '地下通道积水', '小区门前积水，居民出行困难'],
  },
  {
    label: '交通拥堵',
    weight: 8,
    agencies: { traffic: 'congestion', '110': 'congestion' },
    priority: [2, 4],
    casualties: null,
    texts: ['路口严重拥堵，车辆排队约500米', '信号灯故障导致拥堵'],
  },
  {
    label: '道路封闭',
    weight: 4,
    agencies: { traffic: 'road_closure' },
    priority: [2, 4],
    casualties: null,
    texts: ['道路施工，半幅封闭', '路面结冰，临时封闭'],
  },
  {
    label: '危化品泄漏',
    weight: 3,
    agencies: { '119': 'hazmat', '120': 'injury' },
    priority: [7, 9],
    casualties: [0, 3],
    texts: ['燃气管道泄漏，有刺鼻气味', '液化气罐泄漏，周边居民已疏散'],
  },
  {
    label: '爆炸',
    weight: 2,
    agencies: { '119': 'explosion', '110': 'explosion', '120': 'injury' },
    priority: [8, 10],
    casualties: [1, 4],
    texts: ['餐馆燃气爆炸，玻璃震碎', '锅炉房发生爆炸'],
  },
  {
    label: '其他求助',
    weight: 3,
    agencies: { '110': 'other', '119': 'other' },
    priority: [2, 4],
    casualties: null,
    texts: ['电梯困人', '老人被反锁屋内'],
  },
];

/** Central Harbin, where `load` keeps its events (south of the river). */
const LOAD_BOX = { west: 126.515, east: 126.72, south: 45.685, north: 45.8 };
const inLoadBox = (p: LonLat) =>
  p.lon >= LOAD_BOX.west &&
  p.lon <= LOAD_BOX.east &&
  p.lat >= LOAD_BOX.south &&
  p.lat <= LOAD_BOX.north &&
  southOfRiver(p.lon, p.lat);

/** How many agencies report an event: 1 (35 %), 2 (40 %), 3 (25 %), at most as many as can. */
const REPORT_COUNT_WEIGHTS = [0.35, 0.4, 0.25];
/** Reports of an event within this of its landmark may name only the landmark (no coordinates). */
const ADDRESS_ONLY_WITHIN_M = 150;
const ADDRESS_ONLY_SHARE = 0.35;
const AT_LANDMARK_SHARE = 0.3;
const DISTRACTOR_SHARE = 0.25;
const COMPASS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];

type Anchor = (typeof LOAD_ANCHORS)[number];

function nearestAnchor(p: LonLat): { anchor: Anchor; distanceM: number } {
  let best = { anchor: LOAD_ANCHORS[0]!, distanceM: Infinity };
  for (const anchor of LOAD_ANCHORS) {
    const d = metresBetween(anchor, p);
    if (d < best.distanceM) best = { anchor, distanceM: d };
  }
  return best;
}

/** "…附近" at a landmark, otherwise direction and distance from the nearest one, as a dispatcher writes it. */
function addressNear(p: LonLat): { address: string; nearLandmark: boolean } {
  const { anchor, distanceM } = nearestAnchor(p);
  if (distanceM <= ADDRESS_ONLY_WITHIN_M) return { address: `${anchor.name}附近`, nearLandmark: true };
  const dir = COMPASS[Math.round(bearingOf(anchor, p) / 45) % 8]!;
  return { address: `${anchor.name}${dir}约${Math.max(1, Math.round(distanceM / 50)) * 50}米`, nearLandmark: false };
}

/**
 * Where an event happens: 30 % at a landmark (within 150 m, so a caller may name just the landmark), the rest
 * anywhere in central Harbin south of the river.
 */
function eventPoint(rng: Prng): LonLat {
  if (rng.chance(AT_LANDMARK_SHARE)) {
    for (let tries = 0; tries < 20; tries++) {
      const p = scatter(rng, rng.pick(LOAD_ANCHORS), 0, ADDRESS_ONLY_WITHIN_M);
      if (inLoadBox(p)) return p;
    }
  }
  for (;;) {
    const p = { lon: rng.between(LOAD_BOX.west, LOAD_BOX.east), lat: rng.between(LOAD_BOX.south, LOAD_BOX.north) };
    if (inLoadBox(p)) return p;
  }
}

/** A point `minM`–`maxM` from `p`, kept in central Harbin; null when none is found. */
function around(rng: Prng, p: LonLat, minM: number, maxM: number): LonLat | null {
  for (let tries = 0; tries < 30; tries++) {
    const q = scatter(rng, p, minM, maxM);
    if (inLoadBox(q)) return q;
  }
  return null;
}

interface LoadEventMeta {
  event: TruthEvent;
  kind: LoadKind;
}

function load(b: Builder, count: number, rate: number): void {
  const { rng } = b;
  const placed: LoadEventMeta[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) t += (-Math.log(1 - rng.next()) / rate) * SECOND;
    let kind = LOAD_KINDS[rng.weighted(LOAD_KINDS.map((k) => k.weight))]!;
    let point: LonLat | null = null;
    let distractorOf: string | null = null;
    if (i > 0 && rng.chance(DISTRACTOR_SHARE)) {
      if (rng.chance(0.5)) {
        // Near an earlier event (100–400 m) of the same kind, 40–120 minutes after it.
        const earlier = placed.filter((m) => t - m.event.atMs >= 40 * MINUTE && t - m.event.atMs <= 120 * MINUTE);
        if (earlier.length) {
          const ref = rng.pick(earlier);
          point = around(rng, ref.event, 100, 400);
          if (point) [kind, distractorOf] = [ref.kind, ref.event.id];
        }
      } else {
        // At the same time (within 3 minutes) as another event of the same kind, 1.2–3 km away.
        const recent = placed.filter((m) => Math.abs(t - m.event.atMs) <= 3 * MINUTE);
        if (recent.length) {
          const ref = rng.pick(recent);
          point = around(rng, ref.event, 1200, 3000);
          if (point) [kind, distractorOf] = [ref.kind, ref.event.id];
        }
      }
    }
    point ??= eventPoint(rng);
    const event = b.event(kind.label, point, t, distractorOf);
    placed.push({ event, kind });
    loadReports(b, event, kind);
  }
}

function loadReports(b: Builder, event: TruthEvent, kind: LoadKind): void {
  const { rng } = b;
  const agencies = Object.keys(kind.agencies) as FeedSource[];
  const n = Math.min(agencies.length, 1 + rng.weighted(REPORT_COUNT_WEIGHTS));
  const sources = rng.shuffle(agencies).slice(0, n);
  const text = rng.pick(kind.texts);
  const casualties = kind.casualties ? rng.int(kind.casualties[0], kind.casualties[1]) : null;
  const { address, nearLandmark } = addressNear(event);
  for (const source of sources) {
    const category = kind.agencies[source]!;
    const addressOnly = nearLandmark && rng.chance(ADDRESS_ONLY_SHARE);
    b.report(event, {
      source,
      category,
      priority: rng.int(kind.priority[0], kind.priority[1]),
      atMs: event.atMs + rng.between(0, 6 * MINUTE),
      // Where this agency puts it: a caller's phone, a patrol's GPS, a map click.
      point: scatter(rng, event, 10, 150),
      address,
      addressOnly,
      casualties: source === 'flood' ? null : casualties,
      title: `${kind.label} · ${address}`,
      description: `${address}${text}。`,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** The steps and ground truth of a named scenario. */
export function buildScenario(name: ScenarioName, opts: ScenarioOptions): Scenario {
  const b = new Builder(new Prng(opts.seed), opts.start);
  switch (name) {
    case 'crash':
      crash(b, 0);
      break;
    case 'fire':
      fire(b, 0);
      break;
    case 'flood':
      flood(b, 0);
      break;
    case 'airdefense':
      airdefense(b, 0);
      break;
    case 'mixed': {
      const targets = [...crash(b, 0), ...flood(b, 1 * MINUTE), ...fire(b, 3 * MINUTE), ...airdefense(b, 5 * MINUTE)];
      if (opts.units?.length) tracks(b, targets, opts.units);
      break;
    }
    case 'load': {
      const events = opts.events ?? DEFAULT_LOAD_EVENTS;
      const rate = opts.rate ?? DEFAULT_LOAD_RATE;
      if (!Number.isInteger(events) || events < 1) throw new Error(`events must be a positive whole number (got ${events})`);
      if (!(rate > 0)) throw new Error(`rate must be a positive number of events per second (got ${rate})`);
      load(b, events, rate);
      break;
    }
  }
  return b.finish(name, opts.seed);
}
