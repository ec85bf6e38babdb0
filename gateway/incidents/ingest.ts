import type { Logger } from 'pino';
import {
  OPEN_STATES,
  type FeedAck,
  type FeedSource,
  type IncidentCategory,
  type IncidentPlace,
  type NormalisedReport,
} from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import { GroupCommit } from '../changes/group-commit';
import type { ChangeHub } from '../changes/hub';
import { appendChanges } from '../changes/log';
import {
  fuse,
  lookalike,
  lookalikeReason,
  OPENING_REASON,
  type FusionCandidate,
  type FusionRules,
  type Lookalike,
} from './fusion';
import { loadIncidents, recomputeIncidents } from './store';

/** A validated, normalised and located agency record on its way to the database. */
export interface IngestItem {
  report: NormalisedReport;
  place: IncidentPlace;
  /** The record exactly as the agency sent it. */
  native: unknown;
  transport: 'http' | 'mqtt';
}

/** Persist → fuse → change log for a batch of records (see GroupCommit), one transaction per batch. */
export function createIngestWriter(db: Db, rules: FusionRules, hub: ChangeHub, log: Logger): GroupCommit<IngestItem, FeedAck> {
  return new GroupCommit(db, hub, log, 'feed ingest', async (tx, items) => {
    const { acks, changes } = await writeBatch(tx, rules, items);
    return { results: acks, changes };
  });
}

const keyOf = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;

interface CandidateRow {
  n: string;
  incident_id: string;
  source: FeedSource;
  category: IncidentCategory;
  lon: number;
  lat: number;
  reported_at: Date | string;
  sources: FeedSource[];
}

/**
 * Writes a batch: records (redeliveries skipped by the unique key), fusion in arrival order — across
 * processes the change-log lock serialises batches, so fusion always sees every earlier record — new
 * incidents, links with score and reason, summaries, steps, acknowledgements and the change log.
 */
async function writeBatch(tx: Queryable, rules: FusionRules, items: IngestItem[]) {
  const inserted = await insertRecords(tx, items);
  // The first occurrence of each newly inserted key is new; everything else is a redelivery.
  const fresh: number[] = [];
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const key = keyOf(it.report.source, it.report.sourceId);
    if (inserted.has(key) && !seen.has(key)) fresh.push(i);
    seen.add(key);
  });

  const candidates = await fusionCandidates(
    tx,
    rules,
    fresh.map((i) => items[i]!),
  );
  const sources = new Map<number, Set<FeedSource>>();
  for (const c of candidates.flat()) sources.set(c.incidentId, new Set(c.sources));

  // Fuse in arrival order; records linked earlier in this batch are candidates for later ones.
  const linkedInBatch: FusionCandidate[] = [];
  const links: { recordId: string; incidentId: number; score: number; reason: string; lookalike?: Lookalike }[] = [];
  const opened: { index: number; recordId: string; lookalike: Lookalike | null }[] = [];
  const pendingOpen = new Map<number, number>();
  let provisional = -1;
  for (const [k, i] of fresh.entries()) {
    const it = items[i]!;
    const probe = {
      source: it.report.source,
      category: it.report.category,
      lon: it.place.lon,
      lat: it.place.lat,
      reportedAt: new Date(it.report.reportedAt),
    };
    const near = [...candidates[k]!, ...linkedInBatch];
    const sourcesOf = (id: number) => sources.get(id) ?? new Set<FeedSource>();
    const match = fuse(rules, probe, near, sourcesOf);
    const recordId = inserted.get(keyOf(it.report.source, it.report.sourceId))!;
    let incidentId: number;
    if (match) {
      incidentId = match.incidentId;
      links.push({ recordId, incidentId, score: match.score, reason: match.reason });
    } else {
      incidentId = provisional--;
      const like = lookalike(rules, probe, near, sourcesOf);
      pendingOpen.set(incidentId, opened.length);
      opened.push({ index: i, recordId, lookalike: like });
      links.push({ recordId, incidentId, score: 1, reason: OPENING_REASON, ...(like ? { lookalike: like } : {}) });
    }
    linkedInBatch.push({ ...probe, incidentId });
    sources.set(incidentId, new Set([...(sources.get(incidentId) ?? []), probe.source]));
  }

  // Real ids for the incidents opened in this batch.
  const newIds = opened.length
    ? (
        await tx.query<{ id: string }>(`SELECT nextval('incident_id_seq') AS id FROM generate_series(1, $1)`, [opened.length])
      ).map((r) => Number(r.id))
    : [];
  const realId = (id: number) => (id < 0 ? newIds[pendingOpen.get(id)!]! : id);
  if (opened.length)
    await insertIncidents(
      tx,
      newIds,
      opened.map((o) => items[o.index]!),
      opened.map((o) => (o.lookalike ? realId(o.lookalike.incidentId) : null)),
    );
  if (links.length) {
    await tx.query(
      `UPDATE feed_record r SET incident_id = l.incident_id, link_score = l.score, link_reason = l.reason,
              link_by = 'auto', link_actor = NULL, link_at = now()
         FROM unnest($1::bigint[], $2::bigint[], $3::real[], $4::text[]) AS l(record_id, incident_id, score, reason)
        WHERE r.id = l.record_id`,
      [
        links.map((l) => l.recordId),
        links.map((l) => String(realId(l.incidentId))),
        links.map((l) => l.score),
        links.map((l) => (l.lookalike ? lookalikeReason(l.lookalike, realId(l.lookalike.incidentId)) : l.reason)),
      ],
    );
  }
  const touched = [...new Set(links.map((l) => realId(l.incidentId)))];
  await recomputeIncidents(tx, touched);
  if (newIds.length) {
    await tx.query(
      `INSERT INTO incident_step (incident_id, state, action, actor, note)
       SELECT id, 'new', 'open', NULL, $2 FROM unnest($1::bigint[]) AS id`,
      [newIds.map(String), '由机构推送自动建立'],
    );
  }

  // Acknowledgements: every item, new or redelivered, names its record and incident; only redeliveries need a read.
  const linked = new Map(links.map((l) => [l.recordId, realId(l.incidentId)]));
  const freshSet = new Set(fresh);
  const byKey = new Map<string, { id: number; incidentId: number }>();
  for (const i of fresh) {
    const key = keyOf(items[i]!.report.source, items[i]!.report.sourceId);
    const recordId = inserted.get(key)!;
    byKey.set(key, { id: Number(recordId), incidentId: linked.get(recordId)! });
  }
  const redelivered = [...new Set(items.map((it) => keyOf(it.report.source, it.report.sourceId)))].filter((k) => !byKey.has(k));
  if (redelivered.length) {
    const rows = await tx.query<{ id: string; incident_id: string; source: string; source_id: string }>(
      `SELECT id, incident_id, source, source_id FROM feed_record
        WHERE (source, source_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [redelivered.map((k) => k.split('\u0000')[0]!), redelivered.map((k) => k.split('\u0000')[1]!)],
    );
    for (const r of rows) byKey.set(keyOf(r.source, r.source_id), { id: Number(r.id), incidentId: Number(r.incident_id) });
  }
  const acks: FeedAck[] = items.map((it, i) => {
    const row = byKey.get(keyOf(it.report.source, it.report.sourceId))!;
    return {
      source: it.report.source,
      sourceId: it.report.sourceId,
      recordId: row.id,
      incidentId: row.incidentId,
      created: freshSet.has(i),
    };
  });

  const incidents = await loadIncidents(tx, touched);
  const changes = await appendChanges(
    tx,
    incidents.map((incident) => ({
      topic: 'incident' as const,
      entity: String(incident.id),
      district: incident.place.district?.code ?? null,
      payload: { incident },
    })),
  );
  return { acks, changes };
}

/** Inserts the batch's records (redeliveries are skipped by the unique key); returns the new ids by key. */
async function insertRecords(tx: Queryable, items: IngestItem[]): Promise<Map<string, string>> {
  const col = <T>(f: (it: IngestItem) => T) => items.map(f);
  const rows = await tx.query<{ id: string; source: string; source_id: string }>(
    `INSERT INTO feed_record (source, source_id, category, priority, native_priority, title, description, reported_at,
                              coord_system, address, casualties, geom, district_code, district_name, street_code,
                              street_name, grid_code, located_via, payload, transport)
     SELECT t.source, t.source_id, t.category, t.priority, t.native_priority, t.title, t.description, t.reported_at,
            t.coord_system, t.address, t.casualties, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), t.district_code,
            t.district_name, t.street_code, t.street_name, t.grid_code, t.located_via, t.payload::jsonb, t.transport
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                   $9::text[], $10::text[], $11::int[], $12::float8[], $13::float8[], $14::text[], $15::text[], $16::text[],
                   $17::text[], $18::text[], $19::text[], $20::text[], $21::text[])
            WITH ORDINALITY AS t(source, source_id, category, priority, native_priority, title, description, reported_at,
                                 coord_system, address, casualties, lon, lat, district_code, district_name, street_code,
                                 street_name, grid_code, located_via, payload, transport, n)
      ORDER BY t.n
     ON CONFLICT (source, source_id) DO NOTHING
     RETURNING id, source, source_id`,
    [
      col((i) => i.report.source),
      col((i) => i.report.sourceId),
      col((i) => i.report.category),
      col((i) => i.report.priority),
      col((i) => i.report.nativePriority),
      col((i) => i.report.title),
      col((i) => i.report.description),
      col((i) => i.report.reportedAt),
      col((i) => i.report.coordSystem),
      col((i) => i.report.address),
      col((i) => i.report.casualties),
      col((i) => i.place.lon),
      col((i) => i.place.lat),
      col((i) => i.place.district?.code ?? null),
      col((i) => i.place.district?.name ?? null),
      col((i) => i.place.street?.code ?? null),
      col((i) => i.place.street?.name ?? null),
      col((i) => i.place.gridCode),
      col((i) => i.place.via),
      col((i) => JSON.stringify(i.native)),
      col((i) => i.transport),
    ],
  );
  return new Map(rows.map((r) => [keyOf(r.source, r.source_id), r.id]));
}

/** For each probe, the records of open incidents near it in space and time (one query for the batch). */
async function fusionCandidates(
  tx: Queryable,
  rules: FusionRules,
  items: IngestItem[],
): Promise<(FusionCandidate & { sources: FeedSource[] })[][]> {
  const out = items.map(() => [] as (FusionCandidate & { sources: FeedSource[] })[]);
  if (!items.length) return out;
  const rows = await tx.query<CandidateRow>(
    `SELECT x.n, r.incident_id, r.source, r.category, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat, r.reported_at, i.sources
       FROM unnest($1::float8[], $2::float8[], $3::timestamptz[]) WITH ORDINALITY AS x(lon, lat, t, n)
       JOIN feed_record r
         ON ST_DWithin(r.geom::geography, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)::geography, $4)
        AND r.reported_at BETWEEN x.t - make_interval(secs => $5) AND x.t + make_interval(secs => $5)
       JOIN incident i ON i.id = r.incident_id AND i.status = ANY($6::text[])`,
    [
      items.map((i) => i.place.lon),
      items.map((i) => i.place.lat),
      items.map((i) => i.report.reportedAt),
      rules.maxDistanceM,
      rules.windowMs / 1000,
      [...OPEN_STATES],
    ],
  );
  for (const r of rows) {
    out[Number(r.n) - 1]!.push({
      incidentId: Number(r.incident_id),
      source: r.source,
      category: r.category,
      lon: r.lon,
      lat: r.lat,
      reportedAt: new Date(r.reported_at),
      sources: r.sources,
    });
  }
  return out;
}

/**
 * New incidents with their opening record's summary (`recomputeIncidents` then derives the rest), marked as drill
 * incidents while the system is in a drill.
 */
async function insertIncidents(
  tx: Queryable,
  ids: number[],
  openers: IngestItem[],
  duplicateOf: (number | null)[],
): Promise<void> {
  await tx.query(
    `INSERT INTO incident (id, category, priority, title, geom, located_via, first_reported_at, last_reported_at, drill,
                           suspected_duplicate_of)
     SELECT t.id, t.category, t.priority, t.title, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), t.via, t.at, t.at,
            (SELECT drill FROM system_mode WHERE id = 1), t.dup
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::timestamptz[],
                   $9::bigint[])
            AS t(id, category, priority, title, lon, lat, via, at, dup)`,
    [
      ids.map(String),
      openers.map((o) => o.report.category),
      openers.map((o) => o.report.priority),
      openers.map((o) => o.report.title),
      openers.map((o) => o.place.lon),
      openers.map((o) => o.place.lat),
      openers.map((o) => o.place.via),
      openers.map((o) => o.report.reportedAt),
      duplicateOf.map((d) => (d === null ? null : String(d))),
    ],
  );
}
