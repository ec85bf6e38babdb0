import {
  type FeedSource,
  type Incident,
  type IncidentAction,
  type IncidentCategory,
  type IncidentState,
  type IncidentStep,
  type SourceRecord,
} from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';

/** Reading incidents with their records, steps and units as the wire type; the one mapping from rows. */

interface IncidentRow {
  id: string;
  status: IncidentState;
  category: IncidentCategory;
  priority: number;
  title: string;
  sources: FeedSource[];
  lon: number;
  lat: number;
  district_code: string | null;
  district_name: string | null;
  street_code: string | null;
  street_name: string | null;
  grid_code: string | null;
  located_via: 'reported' | 'geocoded';
  first_reported_at: Date | string;
  last_reported_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
  drill: boolean;
  suspected_duplicate_of: string | number | null;
}

interface RecordRow extends Omit<
  IncidentRow,
  | 'id'
  | 'status'
  | 'sources'
  | 'first_reported_at'
  | 'last_reported_at'
  | 'created_at'
  | 'updated_at'
  | 'drill'
  | 'suspected_duplicate_of'
> {
  id: string;
  incident_id: string;
  source: FeedSource;
  source_id: string;
  native_priority: string;
  description: string | null;
  reported_at: Date | string;
  coord_system: 'wgs84' | 'gcj02' | 'address';
  address: string | null;
  casualties: number | null;
  link_score: number;
  link_reason: string;
  link_by: 'auto' | 'operator';
  link_actor: string | null;
  link_at: Date | string;
  received_at: Date | string;
}

interface StepRow {
  incident_id: string;
  state: IncidentState;
  action: IncidentAction | 'open';
  at: Date | string;
  actor: string | null;
  note: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const named = (code: string | null, name: string | null) => (code && name ? { code, name } : null);

export const INCIDENT_COLUMNS = `i.id, i.status, i.category, i.priority, i.title, i.sources, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
  i.district_code, i.district_name, i.street_code, i.street_name, i.grid_code, i.located_via,
  i.first_reported_at, i.last_reported_at, i.created_at, i.updated_at, i.drill, i.suspected_duplicate_of`;

const RECORD_COLUMNS = `r.id, r.incident_id, r.source, r.source_id, r.category, r.priority, r.native_priority, r.title, r.description,
  r.reported_at, r.coord_system, r.address, r.casualties, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat, r.district_code,
  r.district_name, r.street_code, r.street_name, r.grid_code, r.located_via, r.link_score, r.link_reason, r.link_by,
  r.link_actor, r.link_at, r.received_at`;

/** Incidents by id, in the order given, each complete with records, steps and assigned units. */
export async function loadIncidents(db: Queryable, ids: readonly number[]): Promise<Incident[]> {
  if (!ids.length) return [];
  const idArr = ids.map(String);
  // One after another: inside a transaction `db` is a single connection.
  const rows = await db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident i WHERE i.id = ANY($1::bigint[])`, [idArr]);
  const records = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM feed_record r WHERE r.incident_id = ANY($1::bigint[]) ORDER BY r.reported_at, r.id`,
    [idArr],
  );
  const steps = await db.query<StepRow>(
    'SELECT incident_id, state, action, at, actor, note FROM incident_step WHERE incident_id = ANY($1::bigint[]) ORDER BY id',
    [idArr],
  );
  const units = await db.query<{ id: string; incident_id: string }>(
    'SELECT id, incident_id FROM unit WHERE incident_id = ANY($1::bigint[]) ORDER BY id',
    [idArr],
  );
  const group = <T extends { incident_id: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(String(x.incident_id), [...(m.get(String(x.incident_id)) ?? []), x]);
    return m;
  };
  const recordsBy = group(records);
  const stepsBy = group(steps);
  const unitsBy = group(units);
  // bigint columns arrive as numbers or strings depending on the backend's type parsers: compare as strings.
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id) => {
    const r = byId.get(String(id));
    if (!r) return [];
    return [
      {
        id: Number(r.id),
        status: r.status,
        category: r.category,
        priority: r.priority,
        title: r.title,
        place: {
          lon: r.lon,
          lat: r.lat,
          district: named(r.district_code, r.district_name),
          street: named(r.street_code, r.street_name),
          gridCode: r.grid_code,
          via: r.located_via,
        },
        sources: r.sources,
        firstReportedAt: iso(r.first_reported_at),
        lastReportedAt: iso(r.last_reported_at),
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
        records: (recordsBy.get(String(r.id)) ?? []).map(toRecord),
        steps: (stepsBy.get(String(r.id)) ?? []).map((s): IncidentStep => ({
          state: s.state,
          action: s.action,
          at: iso(s.at),
          actor: s.actor,
          note: s.note,
        })),
        unitIds: (unitsBy.get(String(r.id)) ?? []).map((u) => u.id),
        drill: r.drill,
        suspectedDuplicateOf: r.suspected_duplicate_of === null ? null : Number(r.suspected_duplicate_of),
      },
    ];
  });
}

function toRecord(r: RecordRow): SourceRecord {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    source: r.source,
    sourceId: r.source_id,
    category: r.category,
    priority: r.priority,
    nativePriority: r.native_priority,
    title: r.title,
    description: r.description,
    reportedAt: iso(r.reported_at),
    coordSystem: r.coord_system,
    address: r.address,
    casualties: r.casualties,
    place: {
      lon: r.lon,
      lat: r.lat,
      district: named(r.district_code, r.district_name),
      street: named(r.street_code, r.street_name),
      gridCode: r.grid_code,
      via: r.located_via,
    },
    receivedAt: iso(r.received_at),
    link: { score: r.link_score, reason: r.link_reason, by: r.link_by, actor: r.link_actor, at: iso(r.link_at) },
  };
}

/** Ids of incidents in the given states, newest first. */
export async function incidentIds(db: Queryable, states: readonly IncidentState[], limit: number): Promise<number[]> {
  const rows = await db.query<{ id: string }>(
    'SELECT id FROM incident WHERE status = ANY($1::text[]) ORDER BY priority DESC, first_reported_at LIMIT $2',
    [[...states], limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Re-derives each incident's summary from its records: highest priority, its category and title, the agencies,
 * first and last report, and the place of the earliest record with reported (not geocoded) coordinates.
 */
export async function recomputeIncidents(tx: Queryable, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await tx.query(
    `UPDATE incident i SET
        priority = a.priority, category = a.category, title = a.title, sources = a.sources,
        first_reported_at = a.first_at, last_reported_at = a.last_at,
        geom = a.p[1], district_code = a.dc[1], district_name = a.dn[1], street_code = a.sc[1], street_name = a.sn[1],
        grid_code = a.gc[1], located_via = a.lv[1], updated_at = now()
       FROM (
         SELECT incident_id, max(priority) AS priority,
                (array_agg(category ORDER BY priority DESC, reported_at, id))[1] AS category,
                (array_agg(title ORDER BY priority DESC, reported_at, id))[1] AS title,
                array_agg(DISTINCT source ORDER BY source) AS sources,
                min(reported_at) AS first_at, max(reported_at) AS last_at,
                array_agg(geom ORDER BY located_via = 'reported' DESC, reported_at, id) AS p,
                array_agg(district_code ORDER BY located_via = 'reported' DESC, reported_at, id) AS dc,
                array_agg(district_name ORDER BY located_via = 'reported' DESC, reported_at, id) AS dn,
                array_agg(street_code ORDER BY located_via = 'reported' DESC, reported_at, id) AS sc,
                array_agg(street_name ORDER BY located_via = 'reported' DESC, reported_at, id) AS sn,
                array_agg(grid_code ORDER BY located_via = 'reported' DESC, reported_at, id) AS gc,
                array_agg(located_via ORDER BY located_via = 'reported' DESC, reported_at, id) AS lv
           FROM feed_record WHERE incident_id = ANY($1::bigint[]) GROUP BY incident_id
       ) a
      WHERE i.id = a.incident_id`,
    [ids.map(String)],
  );
}
