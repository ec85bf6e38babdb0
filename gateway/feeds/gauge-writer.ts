import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GaugeReading, NormalisedReport } from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { Locator } from '../../geo/grid/locate';
import type { ChangeHub } from '../changes/hub';
import { appendChanges, lockChangeLog } from '../changes/log';
import { MAX_AHEAD_MS } from './clock';
import { gaugeStationsFileSchema, type GaugeStation } from './gauges';

export function loadGaugeStations(file = path.resolve(__dirname, '../../data/feeds/gauge-stations.json')): GaugeStation[] {
  return gaugeStationsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).stations;
}

/**
 * Stores a gauge reading once (a redelivered reading of the same station and time changes nothing) and logs it
 * for the wall. Returns whether it was new.
 */
export async function writeGaugeReading(db: Db, hub: ChangeHub, locator: Locator, reading: GaugeReading): Promise<boolean> {
  const { fresh, changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    const rows = await tx.query(
      `INSERT INTO gauge_reading (station_id, at, water_level_m, rainfall_mm) VALUES ($1, $2, $3, $4)
       ON CONFLICT (station_id, at) DO NOTHING RETURNING station_id`,
      [reading.stationId, reading.at, reading.waterLevelM, reading.rainfallMm],
    );
    if (!rows.length) return { fresh: false, changes: [] };
    const district = locator.locate(reading.lon, reading.lat).district?.code ?? null;
    const changes = await appendChanges(tx, [
      { topic: 'gauge', entity: reading.stationId, district, payload: { gauge: reading } },
    ]);
    return { fresh: true, changes };
  });
  hub.publish(changes);
  return fresh;
}

/**
 * The latest reading of every configured station that has reported. Readings stamped ahead of the clock are refused
 * on arrival; one kept from before that (or from a clock since set back) is passed over rather than shown as the
 * latest until the time it claims.
 */
export async function latestGaugeReadings(db: Queryable, stations: readonly GaugeStation[]): Promise<GaugeReading[]> {
  const rows = await db.query<{
    station_id: string;
    at: Date | string;
    water_level_m: number | null;
    rainfall_mm: number | null;
  }>(
    `SELECT DISTINCT ON (station_id) station_id, at, water_level_m, rainfall_mm FROM gauge_reading
      WHERE at <= now() + make_interval(secs => $1)
      ORDER BY station_id, at DESC`,
    [MAX_AHEAD_MS / 1000],
  );
  const byId = new Map(stations.map((s) => [s.stcd, s]));
  return rows.flatMap((r) => {
    const s = byId.get(r.station_id);
    if (!s) return [];
    const level = r.water_level_m;
    return [
      {
        stationId: s.stcd,
        name: s.name,
        river: s.river,
        lon: s.lon,
        lat: s.lat,
        waterLevelM: level,
        rainfallMm: r.rainfall_mm,
        warningLevelM: s.warningLevelM,
        at: new Date(r.at).toISOString(),
        overWarning: level !== null && s.warningLevelM !== null && level >= s.warningLevelM,
      },
    ];
  });
}

/**
 * A reading at or above the warning level becomes a flood-control report (condition-based alert), one per
 * station and hour, fused like any agency record; at or above the guaranteed level it ranks higher.
 */
export function gaugeAlarmReport(reading: GaugeReading, station: GaugeStation): NormalisedReport | null {
  if (!reading.overWarning || reading.waterLevelM === null || reading.warningLevelM === null) return null;
  const overGuarantee = station.guaranteeLevelM !== null && reading.waterLevelM >= station.guaranteeLevelM;
  const hour = reading.at.slice(0, 13).replace(/[-T:]/g, '');
  return {
    source: 'flood',
    sourceId: `gauge-${station.stcd}-${hour}`,
    category: 'gauge_alarm',
    priority: overGuarantee ? 9 : 7,
    nativePriority: overGuarantee ? '超保证水位' : '超警戒水位',
    title: `${station.name}（${station.river}）水位 ${reading.waterLevelM.toFixed(2)} m，${overGuarantee ? '超保证' : '超警戒'}水位`,
    description:
      `警戒水位 ${reading.warningLevelM.toFixed(2)} m` +
      (station.guaranteeLevelM !== null ? `，保证水位 ${station.guaranteeLevelM.toFixed(2)} m` : '') +
      `；测站 ${station.stcd}`,
    reportedAt: reading.at,
    coordSystem: 'wgs84',
    point: { lon: station.lon, lat: station.lat },
    address: null,
    casualties: null,
  };
}
