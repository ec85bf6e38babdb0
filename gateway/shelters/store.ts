import type { Shelter, ShelterOccupancyInput, ShelterRegisterInput } from '../../contracts/shelters';
import { UNDERGROUND_KINDS } from '../../contracts/shelters';
import type { Queryable } from '../../geo/db/types';
import { appendChanges, lockChangeLog } from '../changes/log';
import { AppError } from '../http/errors';

interface ShelterRow {
  id: string;
  name: string;
  kind: Shelter['kind'];
  category: Shelter['category'];
  origin: Shelter['origin'];
  capacity: number;
  capacity_rule: string;
  area_m2: number | null;
  opening: Shelter['opening'];
  occupancy: number;
  occupancy_at: Date | null;
  occupancy_source: Shelter['occupancySource'];
  district_adcode: string | null;
  street_code: string | null;
  lon: number;
  lat: number;
  seq: string;
}

const toShelter = (r: ShelterRow): Shelter => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  category: r.category,
  origin: r.origin,
  capacity: r.capacity,
  capacityRule: r.capacity_rule,
  areaM2: r.area_m2 === null ? null : Math.round(r.area_m2),
  opening: r.opening,
  occupancy: r.occupancy,
  occupancyAt: r.occupancy_at ? new Date(r.occupancy_at).toISOString() : null,
  occupancySource: r.occupancy_source,
  district: r.district_adcode,
  street: r.street_code,
  lon: r.lon,
  lat: r.lat,
  seq: Number(r.seq),
});

/** Every shelter, or the ones named, ordered by id. */
export async function listShelters(db: Queryable, ids?: readonly string[]): Promise<Shelter[]> {
  const rows = await db.query<ShelterRow>(
    `SELECT id, name, kind, category, origin, capacity, capacity_rule, area_m2, opening, occupancy, occupancy_at,
            occupancy_source, district_adcode, street_code, ST_X(geom) AS lon, ST_Y(geom) AS lat, seq
       FROM shelter WHERE $1::text[] IS NULL OR id = ANY($1::text[]) ORDER BY id`,
    [ids ? [...ids] : null],
  );
  return rows.map(toShelter);
}

/** Appends one `shelter` change per shelter (its new state) and stamps each with its sequence. */
async function shelterChanges(tx: Queryable, ids: readonly string[]) {
  if (!ids.length) return [];
  await lockChangeLog(tx);
  const shelters = await listShelters(tx, ids);
  const changes = await appendChanges(
    tx,
    shelters.map((shelter) => ({
      topic: 'shelter' as const,
      entity: `shelter:${shelter.id}`,
      district: shelter.district,
      payload: { shelter },
    })),
  );
  await tx.query('UPDATE shelter s SET seq = t.seq FROM unnest($1::text[], $2::bigint[]) AS t(id, seq) WHERE s.id = t.id', [
    shelters.map((s) => s.id),
    changes.map((c) => c.seq),
  ]);
  return changes;
}

/**
 * Registers shelters from a real register (API or CSV) in one transaction: capacity as the register states it,
 * placed in their street and district; an existing registered shelter is updated, keeping its occupancy. A
 * derived shelter's id cannot be taken (the input schema refuses the `osm-` prefix).
 */
export async function registerShelters(
  tx: Queryable,
  records: readonly ShelterRegisterInput[],
): Promise<{ imported: number; updated: number }> {
  const ids = records.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new AppError('bad_request', '同一批登记中避难场所编号重复');
  const existing = new Set(
    (await tx.query<{ id: string }>("SELECT id FROM shelter WHERE id = ANY($1::text[]) AND origin = 'register'", [ids])).map(
      (r) => r.id,
    ),
  );
  await tx.query(
    `INSERT INTO shelter (id, name, kind, category, origin, capacity, capacity_rule, opening, district_adcode, street_code, geom)
     SELECT t.id, t.name, t.kind, CASE WHEN t.kind = ANY($8::text[]) THEN 'underground' ELSE 'open_space' END, 'register',
            t.capacity, '登记容量（人防/应急管理部门台账）', coalesce(t.opening, 'standby'), st.district_adcode, st.code,
            ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::text[])
            AS t(id, name, kind, capacity, lon, lat, opening)
       LEFT JOIN LATERAL (SELECT code, district_adcode FROM street
                           WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)) ORDER BY code LIMIT 1) st ON true
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, category = EXCLUDED.category,
            capacity = EXCLUDED.capacity,
            district_adcode = EXCLUDED.district_adcode, street_code = EXCLUDED.street_code, geom = EXCLUDED.geom,
            updated_at = now()
       WHERE shelter.origin = 'register'`,
    [
      ids,
      records.map((r) => r.name),
      records.map((r) => r.kind),
      records.map((r) => r.capacity),
      records.map((r) => r.lon),
      records.map((r) => r.lat),
      records.map((r) => r.opening ?? null),
      [...UNDERGROUND_KINDS],
    ],
  );
  // An opening state in the register applies to shelters already known too; without one they keep theirs.
  await tx.query(
    `UPDATE shelter s SET opening = t.opening FROM unnest($1::text[], $2::text[]) AS t(id, opening)
      WHERE s.id = t.id AND t.opening IS NOT NULL`,
    [ids, records.map((r) => r.opening ?? null)],
  );
  await shelterChanges(tx, ids);
  return { imported: ids.length - existing.size, updated: existing.size };
}

/**
 * Records a live occupancy report (air-defence feed or by hand) and, when given, the opening state; a report above
 * capacity is kept as reported (people are not turned away by a database) and marks the shelter full.
 */
export async function recordOccupancy(
  tx: Queryable,
  id: string,
  input: ShelterOccupancyInput,
  reportedBy: string,
): Promise<Shelter> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE shelter
        SET occupancy = $2, occupancy_at = now(), occupancy_source = $3,
            opening = coalesce($4, CASE WHEN $2 >= capacity AND capacity > 0 THEN 'full'
                                        WHEN opening = 'full' AND $2 < capacity THEN 'open' ELSE opening END),
            updated_at = now()
      WHERE id = $1 RETURNING id`,
    [id, input.occupancy, input.source, input.opening ?? null],
  );
  if (!rows.length) throw new AppError('not_found', `没有编号为 ${id} 的避难场所`);
  await tx.query(
    `INSERT INTO shelter_occupancy (shelter_id, occupancy, opening, source, reported_by) VALUES ($1, $2, $3, $4, $5)`,
    [id, input.occupancy, input.opening ?? null, input.source, reportedBy],
  );
  await shelterChanges(tx, [id]);
  const [shelter] = await listShelters(tx, [id]);
  return shelter!;
}
