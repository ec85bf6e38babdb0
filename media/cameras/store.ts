import type { Camera, CameraCodec, CameraDef, CameraSource } from '../../contracts/media';
import type { Db, Queryable } from '../../geo/db/types';

/** A camera row as the media service needs it: the API's view plus where its video comes from. */
export interface CameraRecord extends Camera {
  source: CameraSource;
}

interface Row {
  id: string;
  name: string;
  lon: number;
  lat: number;
  direction: number;
  owner_kind: string;
  district_adcode: string;
  district_name: string | null;
  policy_group: string;
  codec: string;
  source: CameraSource | string;
  distance_m?: number;
}

const COLUMNS = `c.id, c.name, ST_X(c.position) AS lon, ST_Y(c.position) AS lat, c.direction, c.owner_kind,
  c.district_adcode, d.name AS district_name, c.policy_group, c.codec, c.source`;

function toRecord(r: Row): CameraRecord {
  const source = typeof r.source === 'string' ? (JSON.parse(r.source) as CameraSource) : r.source;
  return {
    id: r.id,
    name: r.name,
    lon: Number(r.lon),
    lat: Number(r.lat),
    direction: Number(r.direction),
    ownerKind: r.owner_kind,
    districtAdcode: r.district_adcode,
    districtName: r.district_name,
    group: r.policy_group,
    codec: r.codec as CameraCodec,
    sourceKind: source.kind,
    source,
  };
}

/**
 * Writes the cameras of `data/cameras.json` into the registry (insert or update by id) and removes simulated cameras
 * that the file no longer lists; cameras of other sources are left alone. Returns how many the file holds.
 */
export async function seedCameras(db: Db, cameras: readonly CameraDef[]): Promise<number> {
  await db.transaction(async (tx: Queryable) => {
    for (const c of cameras) {
      await tx.query(
        `INSERT INTO camera (id, name, position, direction, owner_kind, district_adcode, policy_group, codec, source)
         VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, $8, $9, $10::jsonb)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position, direction = EXCLUDED.direction,
           owner_kind = EXCLUDED.owner_kind, district_adcode = EXCLUDED.district_adcode,
           policy_group = EXCLUDED.policy_group, codec = EXCLUDED.codec, source = EXCLUDED.source, updated_at = now()`,
        [c.id, c.name, c.lon, c.lat, c.direction, c.ownerKind, c.districtAdcode, c.group, c.codec, JSON.stringify(c.source)],
      );
    }
    await tx.query(`DELETE FROM camera WHERE source->>'kind' = 'simulated' AND NOT (id = ANY($1::text[]))`, [
      cameras.map((c) => c.id),
    ]);
  });
  return cameras.length;
}

export async function listCameras(db: Queryable): Promise<CameraRecord[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM camera c LEFT JOIN district d ON d.adcode = c.district_adcode ORDER BY c.district_adcode, c.id`,
  );
  return rows.map(toRecord);
}

export async function getCamera(db: Queryable, id: string): Promise<CameraRecord | null> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM camera c LEFT JOIN district d ON d.adcode = c.district_adcode WHERE c.id = $1`,
    [id],
  );
  return row ? toRecord(row) : null;
}

/** Every camera with its geodesic distance from a point, nearest first (the registry is small: callers filter and cut). */
export async function camerasByDistance(
  db: Queryable,
  lon: number,
  lat: number,
): Promise<(CameraRecord & { distanceM: number })[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS}, ST_Distance(c.position::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
     FROM camera c LEFT JOIN district d ON d.adcode = c.district_adcode
     ORDER BY c.position::geography <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, c.id`,
    [lon, lat],
  );
  return rows.map((r) => ({ ...toRecord(r), distanceM: Math.round(Number(r.distance_m)) }));
}
