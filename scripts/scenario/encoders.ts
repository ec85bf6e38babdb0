import type { FeedSource } from '../../contracts/incidents';
import { wgs84ToGcj02 } from '../../geo/coords/gcj02';
import { nativeCodeFor, nearestPriority } from '../../gateway/feeds/adapters';
import { formatBeijingCompact, formatBeijingDashed, formatIsoBeijing } from '../../gateway/feeds/adapters/time';
import { COT_UNKNOWN } from '../../gateway/feeds/avl';
import type { TruthGaugeReading, TruthReport, TruthTrack } from './truth';

/**
 * The scenario simulator's side of the feeds: ground truth rendered into each agency's native payload, the inverse
 * of the adapters' `normalise` (WGS-84 → GCJ-02 where the agency sends GCJ-02, UTC → the agency's time format,
 * common priority → the nearest level on the agency's scale, category → the agency's canonical code). Positions
 * are rounded to 6 decimals (about 0.1 m), as agency systems send them.
 */

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** Drops undefined members, so an absent optional field is absent from the JSON, not `null`. */
function present(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function gcj(t: TruthReport): { lon: number; lat: number } | undefined {
  if (t.addressOnly) return undefined;
  const [lon, lat] = wgs84ToGcj02(t.lon, t.lat);
  return { lon: round(lon, 6), lat: round(lat, 6) };
}

function wgs(t: TruthReport): { lon: number; lat: number } | undefined {
  return t.addressOnly ? undefined : { lon: round(t.lon, 6), lat: round(t.lat, 6) };
}

/** The agency's code and priority level for a truth report; throws when the agency cannot send its category. */
function codes(t: TruthReport): { code: string; level: string } {
  const code = nativeCodeFor(t.source, t.category);
  if (code === null) throw new Error(`source ${t.source} cannot send category ${t.category} (see CATEGORIES_BY_SOURCE)`);
  if (t.addressOnly && !t.address) throw new Error(`report ${t.sourceId} is address-only but has no address`);
  return { code, level: nearestPriority(t.source, t.category, t.priority).native };
}

const opt = <T>(value: T | null) => (value === null ? undefined : value);

const REPORT_ENCODERS = {
  '110': (t) => {
    const { code, level } = codes(t);
    const p = gcj(t);
    return present({
      JJDBH: t.sourceId,
      BJSJ: formatBeijingCompact(t.at),
      JQLB: code,
      JQDJ: level,
      BJNR: t.description ?? t.title,
      FADZ: opt(t.address),
      GCJ02_JD: p?.lon.toFixed(6),
      GCJ02_WD: p?.lat.toFixed(6),
      SSRS: t.casualties === null ? undefined : String(t.casualties),
    });
  },
  '119': (t) => {
    const { code, level } = codes(t);
    const p = wgs(t);
    return present({
      alarmId: t.sourceId,
      alarmTime: formatIsoBeijing(t.at),
      disasterType: code,
      fireLevel: level,
      location: present({ coord: p ? `${p.lon.toFixed(6)},${p.lat.toFixed(6)}` : undefined, address: opt(t.address) }),
      trappedCount: opt(t.casualties),
      description: opt(t.description),
    });
  },
  '120': (t) => {
    const { code, level } = codes(t);
    const p = gcj(t);
    return present({
      call_no: t.sourceId,
      call_ts: t.at.getTime(),
      triage: level,
      call_type: code,
      complaint: t.description ?? t.title,
      pickup_address: opt(t.address),
      gcj_lng: p?.lon,
      gcj_lat: p?.lat,
      patients: opt(t.casualties),
    });
  },
  flood: (t) => {
    const { code, level } = codes(t);
    const p = wgs(t);
    return present({
      reportNo: t.sourceId,
      time: t.at.toISOString(),
      type: code,
      warnLevel: level,
      lng: p?.lon,
      lat: p?.lat,
      site: opt(t.address),
      detail: opt(t.description),
      trapped: opt(t.casualties),
    });
  },
  airdefense: (t) => {
    const { code, level } = codes(t);
    const p = wgs(t);
    const equipment = t.sourceId.slice(-4).toUpperCase();
    return present({
      msgId: t.sourceId,
      ts: Math.floor(t.at.getTime() / 1000),
      kind: code,
      level: Number(level),
      sirenId: t.category === 'siren_fault' || t.category === 'air_raid' ? `HRB-JB-${equipment}` : undefined,
      shelterId: t.category === 'shelter' ? `RF-${equipment}` : undefined,
      x: p?.lon,
      y: p?.lat,
      place: opt(t.address),
      text: opt(t.description),
    });
  },
  traffic: (t) => {
    const { code, level } = codes(t);
    if (!t.address) throw new Error(`traffic event ${t.sourceId} needs an address: the platform always names the road`);
    const p = gcj(t);
    return present({
      eventCode: t.sourceId,
      occurTime: formatBeijingDashed(t.at),
      eventType: code,
      accidentGrade: level === '' ? undefined : level,
      roadName: t.address,
      gcjLon: p?.lon,
      gcjLat: p?.lat,
      injured: opt(t.casualties),
      remark: opt(t.description),
    });
  },
} satisfies Record<FeedSource, (t: TruthReport) => Record<string, unknown>>;

/** A truth report as its agency would deliver it to `POST /api/feeds/{source}`. */
export function encodeReport(truth: TruthReport): Record<string, unknown> {
  return REPORT_ENCODERS[truth.source](truth);
}

/** A gauge reading as the station's RTU publishes it (SL 323 fields; z to the centimetre, drp to 0.1 mm). */
export function encodeGauge(truth: TruthGaugeReading): Record<string, unknown> {
  return present({
    stcd: truth.stcd,
    tm: formatBeijingDashed(truth.at),
    z: truth.waterLevelM === null ? undefined : round(truth.waterLevelM, 2),
    drp: truth.rainfallMm === null ? undefined : round(truth.rainfallMm, 1),
  });
}

/** A unit's position fix as Cursor-on-Target-like JSON (height and linear error unknown). */
export function encodeAvl(truth: TruthTrack): Record<string, unknown> {
  const time = truth.at.toISOString();
  return present({
    uid: truth.unitId,
    type: truth.cotType,
    time,
    start: time,
    stale: new Date(truth.at.getTime() + truth.staleAfterS * 1000).toISOString(),
    point: {
      lat: round(truth.lat, 7),
      lon: round(truth.lon, 7),
      hae: COT_UNKNOWN,
      ce: truth.accuracyM ?? COT_UNKNOWN,
      le: COT_UNKNOWN,
    },
    status: opt(truth.status),
  });
}
