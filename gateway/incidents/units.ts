import type { FeedSource, Unit, UnitStatus, UnitType } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import type { Policy, Subject } from '../policy/policy';

interface UnitRow {
  id: string;
  callsign: string;
  type: UnitType;
  agency: FeedSource;
  status: UnitStatus;
  lon: number | null;
  lat: number | null;
  position_at: Date | string | null;
  stale_at: Date | string | null;
  accuracy_m: number | null;
  incident_id: string | null;
  home: string;
}

const isoOrNull = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const UNIT_SQL = `SELECT id, callsign, type, agency, status, ST_X(geom) AS lon, ST_Y(geom) AS lat, position_at, stale_at,
  accuracy_m, incident_id, home FROM unit`;

const toUnit = (r: UnitRow): Unit => ({
  id: r.id,
  callsign: r.callsign,
  type: r.type,
  agency: r.agency,
  status: r.status,
  lon: r.lon,
  lat: r.lat,
  positionAt: isoOrNull(r.position_at),
  staleAt: isoOrNull(r.stale_at),
  accuracyM: r.accuracy_m,
  incidentId: r.incident_id === null ? null : Number(r.incident_id),
  home: r.home,
});

export async function listUnits(db: Queryable): Promise<Unit[]> {
  return (await db.query<UnitRow>(`${UNIT_SQL} ORDER BY id`)).map(toUnit);
}

export async function loadUnits(db: Queryable, ids: readonly string[]): Promise<Unit[]> {
  if (!ids.length) return [];
  return (await db.query<UnitRow>(`${UNIT_SQL} WHERE id = ANY($1::text[]) ORDER BY id`, [[...ids]])).map(toUnit);
}

/** The fields of a unit a write is checked against. */
export interface OwnedUnit {
  id: string;
  callsign: string;
  agency: FeedSource;
}

/** Checks, inside the writing transaction, that the writer may change this unit; throws a 403 with the reason. */
export type UnitGuard = (unit: OwnedUnit) => void;

/** The guard for a subject: the policy's `unitWrite` (command centre: any unit; a handler: its agency's units). */
export function unitWriteGuard(policy: Policy, subject: Subject): UnitGuard {
  return (unit) => {
    const decision = policy.unitWrite(subject, unit.agency);
    if (!decision.allowed) {
      throw new AppError(decision.code, `${decision.reason}（${unit.callsign}，${unit.id}）`, {
        unit: unit.id,
        agency: unit.agency,
      });
    }
  };
}

/** Units placed at their stations report their parked position; without AVL it goes stale after this long. */
export const PARKED_STALE_HOURS = 12;

/**
 * The demo fleet, placed at the city's real stations (fire stations, hospitals, police stations from the
 * imported POIs) when the unit table is empty: fire engines and rescue trucks at fire stations, ambulances at
 * hospitals, police and traffic police cars at police stations. Returns how many were created.
 */
export async function seedDemoUnits(db: Queryable): Promise<number> {
  const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM unit')) as [{ n: string }];
  if (Number(n) > 0) return 0;
  const plan: {
    category: string;
    limit: number;
    types: { type: UnitType; agency: FeedSource; prefix: string; per: number }[];
  }[] = [
    {
      category: 'fire_station',
      limit: 16,
      types: [
        { type: 'fire_engine', agency: '119', prefix: '消防', per: 2 },
        { type: 'rescue', agency: '119', prefix: '抢险', per: 1 },
      ],
    },
    { category: 'medical_hospital', limit: 24, types: [{ type: 'ambulance', agency: '120', prefix: '急救', per: 1 }] },
    {
      category: 'police',
      limit: 24,
      types: [
        { type: 'police_car', agency: '110', prefix: '巡警', per: 1 },
        { type: 'traffic_police', agency: 'traffic', prefix: '交警', per: 1 },
      ],
    },
  ];
  let created = 0;
  for (const p of plan) {
    // Stations spread over the city: the most central first, by distance from the city centre.
    const stations = await db.query<{ name: string; lon: number; lat: number }>(
      `SELECT name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM poi
        WHERE category = $1 AND name IS NOT NULL AND name <> ''
        ORDER BY geom <-> ST_SetSRID(ST_MakePoint(126.64, 45.758), 4326) LIMIT $2`,
      [p.category, p.limit],
    );
    const ids: string[] = [];
    const callsigns: string[] = [];
    const types: string[] = [];
    const agencies: string[] = [];
    const lons: number[] = [];
    const lats: number[] = [];
    const homes: string[] = [];
    for (const t of p.types) {
      let k = 0;
      for (const s of stations) {
        for (let j = 0; j < t.per; j++) {
          k++;
          const code = `${t.type.slice(0, 2).toUpperCase()}${String(k).padStart(3, '0')}`;
          ids.push(code);
          callsigns.push(`${t.prefix}${String(k).padStart(2, '0')}`);
          types.push(t.type);
          agencies.push(t.agency);
          lons.push(s.lon);
          lats.push(s.lat);
          homes.push(s.name);
        }
      }
    }
    await db.query(
      `INSERT INTO unit (id, callsign, type, agency, status, geom, position_at, stale_at, accuracy_m, home)
       SELECT t.id, t.callsign, t.type, t.agency, 'available', ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), now(),
              now() + make_interval(hours => $8), 10, t.home
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[])
              AS t(id, callsign, type, agency, lon, lat, home)
       ON CONFLICT (id) DO NOTHING`,
      [ids, callsigns, types, agencies, lons, lats, homes, PARKED_STALE_HOURS],
    );
    created += ids.length;
  }
  return created;
}
