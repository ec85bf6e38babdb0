import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from '@turf/turf';
import fc from 'fast-check';
import { HARBIN_BOUNDS } from '../../contracts/geo';
import {
  FEED_SOURCES,
  normalisedReportSchema,
  UNIT_STATUSES,
  type FeedSource,
  type NormalisedReport,
} from '../../contracts/incidents';
import { FeedRejection, REJECTION_KINDS, type RejectionKind } from '../../gateway/feeds/adapter';
import { CATEGORIES_BY_SOURCE, FEED_ADAPTERS, FEED_PROFILES, parseNative } from '../../gateway/feeds/adapters';
import {
  formatBeijingCompact,
  formatBeijingDashed,
  formatIsoBeijing,
  parseBeijingCompact,
  parseBeijingDashed,
  parseEpochMillis,
  parseEpochSeconds,
  parseIsoUtc,
  parseIsoWithOffset,
} from '../../gateway/feeds/adapters/time';
import { parseAvlMessage } from '../../gateway/feeds/avl';
import { parseFeedJson } from '../../gateway/feeds/payload';
import { gaugeStationsFileSchema, gaugeTopic, parseGaugeMessage, type GaugeStation } from '../../gateway/feeds/gauges';
import { wgs84ToGcj02 } from '../../geo/coords/gcj02';
import { encodeAvl, encodeGauge, encodeReport } from '../../scripts/scenario/encoders';
import type { TruthReport } from '../../scripts/scenario/truth';
import { ROOT } from '../support/env';

const FEEDS_DIR = path.join(ROOT, 'data', 'feeds');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
/** Through JSON text and back, as a body arrives on the wire. */
const wire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));
const metres = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
  distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' });

/** The rejection thrown by `fn`; fails the test when it throws something else or nothing. */
function rejectionOf(fn: () => unknown): FeedRejection {
  try {
    fn();
  } catch (e) {
    if (e instanceof FeedRejection) return e;
    throw e;
  }
  throw new Error('expected a FeedRejection, but the record was accepted');
}

type Body = Record<string, unknown>;
interface MalformedSample {
  kind: RejectionKind;
  why: string;
  body: Body;
}

function samples(source: FeedSource): { valid: [string, Body][]; malformed: MalformedSample[] } {
  const dir = path.join(FEEDS_DIR, 'samples', source);
  const files = readdirSync(dir).sort();
  return {
    valid: files.filter((f) => /^valid-.+\.json$/.test(f)).map((f) => [f, readJson(path.join(dir, f)) as Body]),
    malformed: readJson(path.join(dir, 'malformed.json')) as MalformedSample[],
  };
}

/**
 * How each agency carries coordinates, written out here independently of the adapters: the field(s), the text or
 * number form, and the coordinate system.
 */
const COORDINATES: Record<FeedSource, { crs: 'wgs84' | 'gcj02'; put(body: Body, lon: number, lat: number): Body }> = {
  '110': { crs: 'gcj02', put: (b, lon, lat) => ({ ...b, GCJ02_JD: lon.toFixed(7), GCJ02_WD: lat.toFixed(7) }) },
  '119': {
    crs: 'wgs84',
    put: (b, lon, lat) => ({ ...b, location: { ...(b.location as Body), coord: `${lon.toFixed(7)},${lat.toFixed(7)}` } }),
  },
  '120': { crs: 'gcj02', put: (b, lon, lat) => ({ ...b, gcj_lng: lon, gcj_lat: lat }) },
  flood: { crs: 'wgs84', put: (b, lon, lat) => ({ ...b, lng: lon, lat }) },
  airdefense: { crs: 'wgs84', put: (b, lon, lat) => ({ ...b, x: lon, y: lat }) },
  traffic: { crs: 'gcj02', put: (b, lon, lat) => ({ ...b, gcjLon: lon, gcjLat: lat }) },
};

/** Hand-worked expectations for one valid sample per source (the agency's tables and time format applied by hand). */
const WORKED: Record<FeedSource, { file: string; expected: Partial<NormalisedReport>; at: { lon: number; lat: number } }> = {
  '110': {
    file: 'valid-robbery-zhongyang-dajie.json',
    expected: {
      sourceId: 'J2301002026010814220501',
      category: 'crime',
      priority: 7,
      nativePriority: '2',
      reportedAt: '2026-01-08T06:22:05.000Z',
      coordSystem: 'gcj02',
      address: '道里区中央大街与西十二道街交口',
      casualties: null,
    },
    at: { lon: 126.617, lat: 45.7745 },
  },
  '119': {
    file: 'valid-fire-jingyu-jie-trapped.json',
    expected: {
      sourceId: 'HRB119-20260108-0037',
      category: 'fire',
      priority: 7,
      reportedAt: '2026-01-07T19:41:27.000Z',
      coordSystem: 'wgs84',
      casualties: 3,
    },
    at: { lon: 126.6445, lat: 45.7826 },
  },
  '120': {
    file: 'valid-chest-pain-xidazhi-jie.json',
    expected: {
      sourceId: '120HRB2026021906120044',
      category: 'medical',
      priority: 10,
      reportedAt: '2026-02-18T22:12:03.512Z',
      coordSystem: 'gcj02',
      casualties: 1,
    },
    at: { lon: 126.629, lat: 45.75 },
  },
  flood: {
    file: 'valid-piping-qunli-dyke.json',
    expected: {
      sourceId: 'FX-HRB-2025-0817-006',
      category: 'flood',
      priority: 8,
      reportedAt: '2025-08-17T11:36:00.000Z',
      coordSystem: 'wgs84',
      casualties: 0,
    },
    at: { lon: 126.552, lat: 45.7705 },
  },
  airdefense: {
    file: 'valid-siren-fault-zhongyang-dajie.json',
    expected: {
      sourceId: 'RF-BJ-20260115-0041',
      category: 'siren_fault',
      priority: 4,
      reportedAt: '2026-01-15T01:12:40.000Z',
      coordSystem: 'wgs84',
      casualties: null,
    },
    at: { lon: 126.617, lat: 45.7745 },
  },
  traffic: {
    file: 'valid-crash-hongjun-xidazhi.json',
    expected: {
      sourceId: 'JJ230100202602190801',
      category: 'traffic_crash',
      priority: 5,
      nativePriority: '一般',
      reportedAt: '2026-02-18T23:58:10.000Z',
      coordSystem: 'gcj02',
      address: '红军街与西大直街交口',
      casualties: 2,
    },
    at: { lon: 126.6398, lat: 45.7578 },
  },
};

/** Real places over the city's extent, WGS-84: 哈尔滨站, 松花江公路大桥, 阿城, 太平机场, 依兰, 五常. */
const KNOWN_POINTS = [
  { lon: 126.6325, lat: 45.7608 },
  { lon: 126.67, lat: 45.803 },
  { lon: 126.958, lat: 45.544 },
  { lon: 126.25, lat: 45.623 },
  { lon: 129.5603, lat: 46.3351 },
  { lon: 127.163, lat: 44.904 },
];

const MARGIN = 0.001;
const chinese = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c)), minLength, maxLength });

const truthFor = (source: FeedSource): fc.Arbitrary<TruthReport> =>
  fc.record({
    source: fc.constant(source),
    sourceId: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,40}$/),
    category: fc.constantFrom(...CATEGORIES_BY_SOURCE[source]),
    priority: fc.integer({ min: 0, max: 10 }),
    title: chinese(2, 20),
    description: fc.option(chinese(1, 200), { nil: null }),
    at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T15:59:59Z'), noInvalidDate: true }),
    lon: fc.double({ min: HARBIN_BOUNDS.west + MARGIN, max: HARBIN_BOUNDS.east - MARGIN, noNaN: true }),
    lat: fc.double({ min: HARBIN_BOUNDS.south + MARGIN, max: HARBIN_BOUNDS.north - MARGIN, noNaN: true }),
    address: chinese(2, 60),
    addressOnly: fc.boolean(),
    casualties: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
  });

/** A value nested `depth` arrays deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * Hostile input every feed must refuse as `malformed` (never store, never fail on): what PostgreSQL text cannot hold,
 * anywhere in the record (vendor extras and keys included), and sizes no record has.
 */
const HOSTILE: [string, (body: Body) => Body][] = [
  ['U+0000 in a vendor extra field', (b) => ({ ...b, vendorExtra: 'a\u0000b' })],
  ['U+0000 in a key', (b) => ({ ...b, ['x\u0000y']: 1 })],
  ['U+0000 deep in a vendor object', (b) => ({ ...b, vendorExtra: { a: [{ b: '\u0000' }] } })],
  ['a lone high surrogate', (b) => ({ ...b, vendorExtra: 'x\ud800' })],
  ['a lone low surrogate', (b) => ({ ...b, vendorExtra: '\udc00x' })],
  ['a 200,000-character string', (b) => ({ ...b, vendorExtra: 'x'.repeat(200_000) })],
  ['a value nested 10,000 deep', (b) => ({ ...b, vendorExtra: nested(10_000) })],
];
/** The same families as JSON text on the wire (10,000-deep text is refused before it is parsed). */
const HOSTILE_TEXT: [string, string][] = [
  ['10,000-deep JSON text', `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
  ['U+0000 escaped in JSON text', '{"x":"\\u0000"}'],
  ['a lone surrogate escaped in JSON text', '{"x":"\\udfff"}'],
];

describe.each(FEED_SOURCES)('feed adapter conformance: %s', (source) => {
  const adapter = FEED_ADAPTERS[source];
  const { valid, malformed } = samples(source);

  it('is registered under its own source and names the system it imitates', () => {
    expect(adapter.source).toBe(source);
    expect(adapter.system.length).toBeGreaterThan(2);
  });

  it('has at least three valid samples and a malformed sample for every rejection kind', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(new Set(malformed.map((m) => m.kind))).toEqual(new Set(REJECTION_KINDS));
    for (const m of malformed) expect(m.why.length).toBeGreaterThan(3);
  });

  it('accepts every valid sample, with output that passes the common schema', () => {
    for (const [file, body] of valid) {
      let report: NormalisedReport;
      try {
        report = parseNative(adapter, wire(body));
      } catch (e) {
        throw new Error(`${source}/${file} was rejected: ${(e as Error).message}`, { cause: e });
      }
      expect(normalisedReportSchema.parse(report)).toEqual(report);
      expect(report.source).toBe(source);
      expect(report.priority).toBeGreaterThanOrEqual(0);
      expect(report.priority).toBeLessThanOrEqual(10);
      expect(report.title).not.toMatch(/\n/);
      if (report.point) {
        expect(report.coordSystem).toBe(COORDINATES[source].crs);
        expect(report.point.lon).toBeGreaterThanOrEqual(HARBIN_BOUNDS.west);
        expect(report.point.lat).toBeLessThanOrEqual(HARBIN_BOUNDS.north);
      }
      if (file.startsWith('valid-address-only-')) {
        expect(report).toMatchObject({ coordSystem: 'address', point: null });
        expect(report.address).toEqual(expect.any(String));
      }
    }
  });

  it('maps a worked sample exactly as the agency tables say', () => {
    const worked = WORKED[source];
    const body = valid.find(([f]) => f === worked.file)?.[1];
    if (!body) throw new Error(`missing sample ${worked.file}`);
    const report = parseNative(adapter, body);
    expect(report).toMatchObject(worked.expected);
    // Samples carry 6 decimals (≈ 0.1 m); GCJ-02 ones were converted from these positions.
    expect(metres(report.point!, worked.at)).toBeLessThan(0.5);
  });

  it('accepts fields it does not know (real feeds carry vendor extras)', () => {
    for (const [, body] of valid) expect(() => parseNative(adapter, { ...body, vendorExtra: { a: 1 } })).not.toThrow();
  });

  it.each(malformed.map((m) => [m.kind, m.why, m] as const))('rejects %s: %s', (_kind, _why, sample) => {
    const rejection = rejectionOf(() => parseNative(adapter, sample.body));
    expect(rejection.kind).toBe(sample.kind);
    expect(rejection.message.trim().length).toBeGreaterThan(10);
  });

  it.each(HOSTILE)('refuses hostile input as malformed, naming the problem: %s', (_name, spoil) => {
    for (const [, body] of valid) {
      const rejection = rejectionOf(() => parseNative(adapter, spoil(body)));
      expect(rejection.kind).toBe('malformed');
      expect(rejection.message).toMatch(/记录无法保存：字段 .*(U\+0000|surrogate|超过 \d+ 个字符|嵌套超过 \d+ 层)/);
    }
  });

  it.each(HOSTILE_TEXT)('refuses hostile JSON text as malformed: %s', (_name, text) => {
    const rejection = rejectionOf(() => parseNative(adapter, parseFeedJson(text)));
    expect(rejection.kind).toBe('malformed');
  });

  it('rejects bodies that are not records at all as malformed', () => {
    for (const body of [null, 'JJDBH=1', [valid[0]![1]], 42]) {
      expect(rejectionOf(() => parseNative(adapter, body)).kind).toBe('malformed');
    }
  });

  it('places known WGS-84 points within 1 m after the agency coordinate system is undone', () => {
    const { crs, put } = COORDINATES[source];
    const base = valid[0]![1];
    for (const truth of KNOWN_POINTS) {
      const [lon, lat] = crs === 'gcj02' ? wgs84ToGcj02(truth.lon, truth.lat) : [truth.lon, truth.lat];
      if (crs === 'gcj02') expect(metres({ lon, lat }, truth)).toBeGreaterThan(100);
      const report = parseNative(adapter, put(base, lon, lat));
      expect(report.coordSystem).toBe(crs);
      expect(metres(report.point!, truth)).toBeLessThan(1);
    }
  });

  it('has priorities on the common 0–10 scale for every category it can send', () => {
    const categories = CATEGORIES_BY_SOURCE[source];
    expect(categories.length).toBeGreaterThan(0);
    for (const category of categories) {
      const choices = FEED_PROFILES[source].priorityChoices(category);
      expect(choices.length).toBeGreaterThan(0);
      for (const c of choices) expect(Number.isInteger(c.priority) && c.priority >= 0 && c.priority <= 10).toBe(true);
    }
  });

  it('round-trips simulator truth: encode → parseNative gives the same report, at the agency resolution', () => {
    fc.assert(
      fc.property(truthFor(source), (truth) => {
        const report = parseNative(adapter, wire(encodeReport(truth)));
        normalisedReportSchema.parse(report);
        expect(report).toMatchObject({ source, sourceId: truth.sourceId, category: truth.category, address: truth.address });
        // The native priority maps back to the reported common one, and that is the agency level nearest the truth.
        const choices = FEED_PROFILES[source].priorityChoices(truth.category);
        expect(choices.find((c) => c.native === report.nativePriority)?.priority).toBe(report.priority);
        const nearest = Math.min(...choices.map((c) => Math.abs(c.priority - truth.priority)));
        expect(Math.abs(report.priority - truth.priority)).toBe(nearest);
        expect(Math.floor(Date.parse(report.reportedAt) / 1000)).toBe(Math.floor(truth.at.getTime() / 1000));
        if (truth.addressOnly) {
          expect(report).toMatchObject({ coordSystem: 'address', point: null });
        } else {
          expect(report.coordSystem).toBe(COORDINATES[source].crs);
          expect(metres(report.point!, truth)).toBeLessThan(1);
        }
        if (source !== 'airdefense') expect(report.casualties).toBe(truth.casualties);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode a category the agency cannot send', () => {
    const foreign = (['air_raid', 'crime'] as const).find((c) => !CATEGORIES_BY_SOURCE[source].includes(c))!;
    const truth = fc.sample(truthFor(source), 1)[0]!;
    expect(() => encodeReport({ ...truth, category: foreign })).toThrow(/cannot send/);
  });
});

describe('agency time formats', () => {
  const badTime = (fn: () => unknown) => expect(rejectionOf(fn).kind).toBe('bad_time');

  it('reads Beijing wall times as UTC+8, across midnight and the year end', () => {
    expect(parseBeijingCompact('20260108142205', 'BJSJ')).toBe('2026-01-08T06:22:05.000Z');
    expect(parseBeijingCompact('20260101053000', 'BJSJ')).toBe('2025-12-31T21:30:00.000Z');
    expect(parseBeijingDashed('2026-07-01 00:00:00', 'tm')).toBe('2026-06-30T16:00:00.000Z');
  });

  it('checks the calendar instead of rolling over', () => {
    expect(parseBeijingDashed('2028-02-29 12:00:00', 'tm')).toBe('2028-02-29T04:00:00.000Z');
    expect(parseBeijingDashed('2000-02-29 12:00:00', 'tm')).toBe('2000-02-29T04:00:00.000Z');
    badTime(() => parseBeijingDashed('2026-02-29 12:00:00', 'tm'));
    badTime(() => parseBeijingCompact('20260230120000', 'BJSJ'));
    badTime(() => parseBeijingCompact('20261301120000', 'BJSJ'));
    badTime(() => parseBeijingCompact('20260431120000', 'BJSJ'));
    badTime(() => parseBeijingCompact('20260101126000', 'BJSJ'));
    badTime(() => parseBeijingCompact('20260101125960', 'BJSJ'));
    badTime(() => parseBeijingCompact('2026010112000', 'BJSJ'));
    expect(rejectionOf(() => parseBeijingCompact('20260230120000', 'BJSJ')).message).toMatch(
      /BJSJ "20260230120000" 有误：2026-02 只有 01–28 日，没有 30 日/,
    );
  });

  it('needs an explicit offset in ISO times and honours it', () => {
    expect(parseIsoWithOffset('2026-03-15T14:22:05.5+08:00', 't')).toBe('2026-03-15T06:22:05.500Z');
    expect(parseIsoWithOffset('2026-03-15T01:00:00-05:00', 't')).toBe('2026-03-15T06:00:00.000Z');
    expect(parseIsoUtc('2026-03-15T06:22:05Z', 't')).toBe('2026-03-15T06:22:05.000Z');
    badTime(() => parseIsoWithOffset('2026-03-15T14:22:05', 't'));
    badTime(() => parseIsoWithOffset('2026-03-15T14:22:05+15:00', 't'));
    badTime(() => parseIsoUtc('2026-03-15T14:22:05+08:00', 't'));
    badTime(() => parseIsoUtc('2026-03-15 06:22:05Z', 't'));
  });

  it('refuses epoch values in the wrong unit or with fractions', () => {
    expect(parseEpochMillis(1773555725000, 'call_ts')).toBe('2026-03-15T06:22:05.000Z');
    expect(parseEpochSeconds(1773555725, 'ts')).toBe('2026-03-15T06:22:05.000Z');
    badTime(() => parseEpochMillis(1773555725, 'call_ts'));
    badTime(() => parseEpochSeconds(1773555725000, 'ts'));
    badTime(() => parseEpochSeconds(1773555725.5, 'ts'));
  });

  it('formats back to the same second', () => {
    const at = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T15:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(at, (d) => {
        const second = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
        expect(parseBeijingCompact(formatBeijingCompact(d), 'x')).toBe(second);
        expect(parseBeijingDashed(formatBeijingDashed(d), 'x')).toBe(second);
        expect(parseIsoWithOffset(formatIsoBeijing(d), 'x')).toBe(second);
      }),
      { numRuns: 500 },
    );
  });
});

describe('flood gauge readings (MQTT, SL 323 fields)', () => {
  const { stations } = gaugeStationsFileSchema.parse(readJson(path.join(FEEDS_DIR, 'gauge-stations.json')));
  const harbin = stations.find((s) => s.name === '哈尔滨') as GaugeStation;
  const reading = { stcd: harbin.stcd, tm: '2025-08-20 08:00:00', z: 118.42, drp: 3.5 };
  const parse = (body: unknown, topic = gaugeTopic(harbin.stcd)) => parseGaugeMessage(topic, body, stations);
  const kindOf = (body: unknown, topic?: string) => rejectionOf(() => parse(body, topic)).kind;

  it('lists real Songhua-system stations with the published Harbin levels', () => {
    expect(harbin).toMatchObject({ river: '松花江', warningLevelM: 118.1, guaranteeLevelM: 120.3 });
    expect(stations.map((s) => s.river)).toEqual(expect.arrayContaining(['松花江', '呼兰河', '阿什河', '拉林河']));
    expect(new Set(stations.map((s) => s.stcd)).size).toBe(stations.length);
  });

  it('normalises a reading, with the warning level of the station', () => {
    expect(parse(reading)).toEqual({
      stationId: harbin.stcd,
      name: '哈尔滨',
      river: '松花江',
      lon: harbin.lon,
      lat: harbin.lat,
      waterLevelM: 118.42,
      rainfallMm: 3.5,
      warningLevelM: 118.1,
      at: '2025-08-20T00:00:00.000Z',
      overWarning: true,
    });
    expect(parse({ ...reading, z: 118.1 }).overWarning).toBe(true);
    expect(parse({ ...reading, z: 117.95 }).overWarning).toBe(false);
    expect(parse({ stcd: harbin.stcd, tm: reading.tm, drp: 12 })).toMatchObject({ waterLevelM: null, overWarning: false });
  });

  it.each([
    ['malformed', 'z as text', { ...reading, z: '118.42' }],
    ['malformed', 'tm missing', { stcd: reading.stcd, z: 118.42 }],
    ['malformed', 'neither z nor drp', { stcd: reading.stcd, tm: reading.tm }],
    ['malformed', 'negative rainfall', { ...reading, drp: -1 }],
    ['malformed', 'stcd not 8 characters', { ...reading, stcd: '108004' }],
    ['bad_time', 'ISO time instead of yyyy-MM-dd HH:mm:ss', { ...reading, tm: '2025-08-20T08:00:00+08:00' }],
    ['bad_time', '31 June', { ...reading, tm: '2025-06-31 08:00:00' }],
  ] as const)('rejects %s: %s', (kind, _why, body) => {
    expect(kindOf(body)).toBe(kind);
  });

  it.each(HOSTILE)('refuses hostile input as malformed: %s', (_name, spoil) => {
    expect(kindOf(spoil(reading))).toBe('malformed');
  });

  it('rejects a reading on another station’s topic, and unknown stations', () => {
    expect(kindOf(reading, gaugeTopic('10800800'))).toBe('malformed');
    expect(kindOf({ ...reading, stcd: '10899999' }, gaugeTopic('10899999'))).toBe('unknown_code');
  });

  it('round-trips simulator readings at SL 323 resolution', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...stations),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T15:59:59Z'), noInvalidDate: true }),
        fc.option(fc.double({ min: 90, max: 200, noNaN: true }), { nil: null }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        (station, at, z, drp) => {
          const got = parse(
            wire(encodeGauge({ stcd: station.stcd, at, waterLevelM: z, rainfallMm: drp })),
            gaugeTopic(station.stcd),
          );
          expect(got.stationId).toBe(station.stcd);
          expect(Math.floor(Date.parse(got.at) / 1000)).toBe(Math.floor(at.getTime() / 1000));
          if (z === null) expect(got.waterLevelM).toBeNull();
          else expect(Math.abs(got.waterLevelM! - z)).toBeLessThanOrEqual(0.005 + 1e-9);
          expect(Math.abs(got.rainfallMm! - drp)).toBeLessThanOrEqual(0.05 + 1e-9);
        },
      ),
    );
  });
});

describe('unit positions (AVL, Cursor-on-Target-like)', () => {
  const fix = {
    uid: 'HRB-120-A07',
    type: 'a-f-G-E-V',
    time: '2026-01-08T06:22:05Z',
    start: '2026-01-08T06:22:05Z',
    stale: '2026-01-08T06:24:05Z',
    point: { lat: 45.7608, lon: 126.6325, hae: 9999999, ce: 8.5, le: 9999999 },
    status: 'en_route',
  };
  const topic = 'harbin/avl/HRB-120-A07';
  const kindOf = (body: unknown, t = topic) => rejectionOf(() => parseAvlMessage(t, body)).kind;

  it('normalises a fix', () => {
    expect(parseAvlMessage(topic, fix)).toEqual({
      unitId: 'HRB-120-A07',
      lon: 126.6325,
      lat: 45.7608,
      at: '2026-01-08T06:22:05.000Z',
      staleAt: '2026-01-08T06:24:05.000Z',
      accuracyM: 8.5,
      status: 'en_route',
    });
    const unknownError = { ...fix, point: { ...fix.point, ce: 9999999 }, status: undefined };
    expect(parseAvlMessage(topic, unknownError)).toMatchObject({ accuracyM: null, status: null });
  });

  it.each([
    ['malformed', 'status outside the unit statuses', { ...fix, status: 'parked' }],
    ['malformed', 'stale missing', { ...fix, stale: undefined }],
    ['malformed', 'type is not a CoT type', { ...fix, type: 'ambulance' }],
    ['malformed', 'ce as text', { ...fix, point: { ...fix.point, ce: '8.5' } }],
    ['bad_time', 'stale equal to time', { ...fix, stale: fix.time }],
    ['bad_time', 'stale before start', { ...fix, start: '2026-01-08T06:30:00Z' }],
    ['bad_time', 'time in Beijing offset, not UTC', { ...fix, time: '2026-01-08T14:22:05+08:00' }],
    ['bad_time', 'invalid calendar date', { ...fix, time: '2026-02-30T06:22:05Z' }],
    ['bad_coordinates', 'lat as text', { ...fix, point: { ...fix.point, lat: '45.7608' } }],
    ['bad_coordinates', 'lat beyond 90', { ...fix, point: { ...fix.point, lat: 126.6325, lon: 45.7608 } }],
    ['bad_coordinates', 'no position', { ...fix, point: { ...fix.point, lat: null, lon: null } }],
    ['outside_area', 'a position in Beijing', { ...fix, point: { ...fix.point, lat: 39.9087, lon: 116.3975 } }],
  ] as const)('rejects %s: %s', (kind, _why, body) => {
    expect(kindOf(body)).toBe(kind);
  });

  it.each(HOSTILE)('refuses hostile input as malformed: %s', (_name, spoil) => {
    expect(kindOf(spoil(fix))).toBe('malformed');
  });

  it('rejects a fix published on another unit’s topic', () => {
    expect(kindOf(fix, 'harbin/avl/HRB-120-A08')).toBe('malformed');
  });

  it('round-trips simulator tracks', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Z0-9-]{2,20}$/),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 3600 }),
        fc.double({ min: HARBIN_BOUNDS.west + MARGIN, max: HARBIN_BOUNDS.east - MARGIN, noNaN: true }),
        fc.double({ min: HARBIN_BOUNDS.south + MARGIN, max: HARBIN_BOUNDS.north - MARGIN, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }),
        fc.option(fc.constantFrom(...UNIT_STATUSES), { nil: null }),
        (unitId, at, staleAfterS, lon, lat, accuracyM, status) => {
          const body = wire(encodeAvl({ unitId, cotType: 'a-f-G-E-V', at, staleAfterS, lon, lat, accuracyM, status }));
          const got = parseAvlMessage(`harbin/avl/${unitId}`, body);
          expect(got).toMatchObject({ unitId, at: at.toISOString(), accuracyM, status });
          expect(Date.parse(got.staleAt) - at.getTime()).toBe(staleAfterS * 1000);
          expect(metres(got, { lon, lat })).toBeLessThan(0.05);
        },
      ),
    );
  });
});
