import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SIREN_KINDS, type Siren, type SirenKind, type SirenState } from '../../contracts/airdefense';
import type { Queryable } from '../../geo/db/types';
import { appendChanges } from '../changes/log';
import { AppError } from '../http/errors';

/** The registry of sirens: reading, registering (API and CSV), and the per-siren MQTT credentials. */

export interface SirenRow {
  id: string;
  name: string;
  kind: SirenKind;
  rated_power_w: number;
  radius_m: number;
  lon: number;
  lat: number;
  site: string;
  district_adcode: string;
  district_name: string;
  street_code: string;
  street_name: string;
  state: SirenState;
  fault: string | null;
  last_poll_at: Date | string | null;
  demo: boolean;
  seq: string;
}

const SELECT = `SELECT s.id, s.name, s.kind, s.rated_power_w, s.radius_m, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.site,
       s.district_adcode, coalesce(d.name, '') AS district_name, s.street_code, coalesce(st.name, '') AS street_name,
       s.state, s.fault, s.last_poll_at, s.demo, s.seq
  FROM siren s LEFT JOIN district d ON d.adcode = s.district_adcode LEFT JOIN street st ON st.code = s.street_code`;

export const toSiren = (r: SirenRow): Siren => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  ratedPowerW: r.rated_power_w,
  radiusM: r.radius_m,
  lon: Number(r.lon),
  lat: Number(r.lat),
  site: r.site,
  district: r.district_adcode,
  districtName: r.district_name,
  street: r.street_code,
  streetName: r.street_name,
  group: r.street_code,
  state: r.state,
  fault: r.fault,
  lastPollAt: r.last_poll_at ? new Date(r.last_poll_at).toISOString() : null,
  demo: r.demo,
  seq: Number(r.seq),
});

export async function listSirens(db: Queryable, ids?: readonly string[]): Promise<Siren[]> {
  const rows = ids
    ? await db.query<SirenRow>(`${SELECT} WHERE s.id = ANY($1::text[]) ORDER BY s.id`, [[...ids]])
    : await db.query<SirenRow>(`${SELECT} ORDER BY s.id`);
  return rows.map(toSiren);
}

/** Appends one `siren` change per siren (their new state), each siren stamped with its change sequence. */
export async function sirenChanges(tx: Queryable, ids: readonly string[]) {
  if (!ids.length) return [];
  const sirens = await listSirens(tx, ids);
  const changes = await appendChanges(
    tx,
    sirens.map((siren) => ({
      topic: 'siren' as const,
      entity: `siren:${siren.id}`,
      district: siren.district,
      payload: { siren },
    })),
  );
  await tx.query('UPDATE siren s SET seq = t.seq FROM unnest($1::text[], $2::bigint[]) AS t(id, seq) WHERE s.id = t.id', [
    sirens.map((s) => s.id),
    changes.map((c) => c.seq),
  ]);
  return changes;
}

export interface SirenRecord {
  id: string;
  name: string;
  kind: SirenKind;
  ratedPowerW: number;
  radiusM: number;
  lon: number;
  lat: number;
  site: string;
  demo: boolean;
}

const KIND_NAMES: Record<string, SirenKind> = { 电动: 'motor', 电声: 'electronic', 多媒体: 'multimedia' };

/** A kind given as its id (motor…) or its Chinese name (电动…). */
export function parseKind(text: string): SirenKind | null {
  const t = text.trim();
  return (SIREN_KINDS as readonly string[]).includes(t) ? (t as SirenKind) : (KIND_NAMES[t] ?? null);
}

/** The MQTT login of a siren: `siren-<id>`. */
export const sirenUsername = (id: string): string => `siren-${id}`;
const hashSecret = (password: string): string => createHash('sha256').update(password, 'utf8').digest('hex');

/** A fresh random password (shown once; only its hash is stored). */
export const newSirenPassword = (): string => randomBytes(24).toString('base64url');

/** The demo layout's passwords, derived from the demo key so the scenario tool's simulator can log in. */
export const demoSirenPassword = (key: string, id: string): string =>
  createHmac('sha256', key).update(`siren:${id}`).digest('base64url').slice(0, 32);

/** The siren a broker login belongs to, when the password is its current one. */
export async function authenticateSiren(db: Queryable, username: string, password: string): Promise<string | null> {
  const m = /^siren-([A-Za-z0-9_-]{1,40})$/.exec(username);
  if (!m) return null;
  const [row] = await db.query<{ secret_hash: string | null }>('SELECT secret_hash FROM siren WHERE id = $1', [m[1]!]);
  if (!row?.secret_hash) return null;
  const a = Buffer.from(row.secret_hash, 'hex');
  const b = Buffer.from(hashSecret(password), 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? m[1]! : null;
}

/**
 * Registers or updates sirens in one transaction: each is placed in its street and district (a point outside every
 * street is refused with its id); new ones get a password (returned once), existing ones keep theirs and their
 * live state. `password` overrides the generated one (the demo layout's derived passwords).
 */
export async function registerSirens(
  tx: Queryable,
  records: readonly SirenRecord[],
  password: (id: string) => string = newSirenPassword,
) {
  const located = await tx.query<{ id: string; street: string | null; district: string | null }>(
    `SELECT t.id, st.code AS street, st.district_adcode AS district
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(id, lon, lat)
       LEFT JOIN LATERAL (
         SELECT code, district_adcode FROM street
          WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), 0.006)
          ORDER BY ST_Contains(geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)) DESC,
                   geom <-> ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) LIMIT 1) st ON true`,
    [records.map((r) => r.id), records.map((r) => r.lon), records.map((r) => r.lat)],
  );
  const place = new Map(located.map((l) => [l.id, l]));
  const outside = located.filter((l) => !l.street).map((l) => l.id);
  if (outside.length) {
    throw new AppError(
      'outside_area',
      `警报器位置不在哈尔滨已知街道范围内：${outside.slice(0, 10).join('、')}${outside.length > 10 ? ` 等 ${outside.length} 台` : ''}`,
    );
  }
  const existing = new Set(
    (await tx.query<{ id: string }>('SELECT id FROM siren WHERE id = ANY($1::text[])', [records.map((r) => r.id)])).map(
      (r) => r.id,
    ),
  );
  const fresh = records.filter((r) => !existing.has(r.id));
  const credentials = fresh.map((r) => ({ sirenId: r.id, username: sirenUsername(r.id), password: password(r.id) }));
  const secretOf = new Map(credentials.map((c) => [c.sirenId, hashSecret(c.password)]));
  await tx.query(
    `INSERT INTO siren (id, name, kind, rated_power_w, radius_m, site, district_adcode, street_code, demo, secret_hash, geom)
     SELECT t.id, t.name, t.kind, t.power, t.radius, t.site, t.district, t.street, t.demo, t.secret,
            ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[],
                   $9::bool[], $10::text[], $11::float8[], $12::float8[])
            AS t(id, name, kind, power, radius, site, district, street, demo, secret, lon, lat)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, rated_power_w = EXCLUDED.rated_power_w,
            radius_m = EXCLUDED.radius_m, site = EXCLUDED.site, district_adcode = EXCLUDED.district_adcode,
            street_code = EXCLUDED.street_code, demo = EXCLUDED.demo, geom = EXCLUDED.geom, updated_at = now()`,
    [
      records.map((r) => r.id),
      records.map((r) => r.name),
      records.map((r) => r.kind),
      records.map((r) => r.ratedPowerW),
      records.map((r) => r.radiusM),
      records.map((r) => r.site),
      records.map((r) => place.get(r.id)!.district),
      records.map((r) => place.get(r.id)!.street),
      records.map((r) => r.demo),
      records.map((r) => secretOf.get(r.id) ?? null),
      records.map((r) => r.lon),
      records.map((r) => r.lat),
    ],
  );
  const changes = await sirenChanges(
    tx,
    records.map((r) => r.id),
  );
  return { imported: fresh.length, updated: records.length - fresh.length, credentials, changes };
}

/** A new password for one siren (the old one stops working at once). */
export async function rotateSirenCredential(tx: Queryable, id: string) {
  const password = newSirenPassword();
  const rows = await tx.query('UPDATE siren SET secret_hash = $2 WHERE id = $1 RETURNING id', [id, hashSecret(password)]);
  if (!rows.length) throw new AppError('not_found', `没有编号为 ${id} 的警报器`);
  return { sirenId: id, username: sirenUsername(id), password };
}
