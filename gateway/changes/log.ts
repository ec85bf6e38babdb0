import type { Change, ChangeLayer, ChangesCatchUp, ChangeTopic } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';

/**
 * Advisory lock held by every transaction that appends to the change log, from before its first write until
 * commit: the sequence is therefore taken in commit order, and a reader that has seen sequence n has seen
 * everything before it.
 */
export const CHANGE_LOG_LOCK = 720_100_001;

export async function lockChangeLog(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
}

/**
 * NOTIFY channel that wakes every gateway's change tail; the server delivers it only if the transaction commits, and
 * folds repeats within one transaction into one.
 */
export const CHANGES_CHANNEL = 'harbin_changes';

async function notifyCommit(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_notify('${CHANGES_CHANNEL}', '')`);
}

export interface ChangeInput {
  topic: ChangeTopic;
  entity: string;
  district: string | null;
  /** The entity's full new state under its topic key (`{ incident }`, `{ unit }`, …). */
  payload: Omit<Change, 'seq' | 'topic' | 'at' | 'district'>;
}

interface ChangeRow {
  seq: string;
  topic: ChangeTopic;
  at: Date | string;
  district: string | null;
  payload: Omit<Change, 'seq' | 'topic' | 'at' | 'district'>;
}

const toChange = (r: ChangeRow): Change => ({
  seq: Number(r.seq),
  topic: r.topic,
  at: new Date(r.at).toISOString(),
  district: r.district,
  ...r.payload,
});

/** Appends changes in order; the caller holds the change-log lock in the same transaction. */
export async function appendChanges(tx: Queryable, items: readonly ChangeInput[]): Promise<Change[]> {
  if (!items.length) return [];
  const rows = await tx.query<ChangeRow>(
    `INSERT INTO change_log (seq, topic, entity, district, payload)
     SELECT nextval('change_seq'), t.topic, t.entity, t.district, t.payload::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(topic, entity, district, payload, n)
      ORDER BY t.n
     RETURNING seq, topic, at, district, payload, pg_notify('${CHANGES_CHANNEL}', '') IS NULL AS notified`,
    [
      items.map((i) => i.topic),
      items.map((i) => i.entity),
      items.map((i) => i.district),
      items.map((i) => JSON.stringify(i.payload)),
    ],
  );
  return rows.map(toChange).sort((a, b) => a.seq - b.seq);
}

/** Appends one change under a sequence the caller already took from change_seq (holding the lock). */
export async function insertChange(tx: Queryable, seq: number, item: ChangeInput): Promise<Change[]> {
  const rows = await tx.query<ChangeRow>(
    `INSERT INTO change_log (seq, topic, entity, district, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING seq, topic, at, district, payload`,
    [seq, item.topic, item.entity, item.district, JSON.stringify(item.payload)],
  );
  await notifyCommit(tx);
  return rows.map(toChange);
}

/** Every change after `seq`, in order, at most `limit`. */
export async function changesAfter(db: Queryable, seq: number, limit: number): Promise<Change[]> {
  const rows = await db.query<ChangeRow>(
    'SELECT seq, topic, at, district, payload FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2',
    [seq, limit],
  );
  return rows.map(toChange);
}

export async function changeHead(db: Queryable): Promise<number> {
  const [row] = await db.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM change_log');
  return Number(row?.seq ?? 0);
}

const LAYER_TOPICS: Record<ChangeLayer, ChangeTopic> = {
  incidents: 'incident',
  units: 'unit',
  gauges: 'gauge',
  cases: 'case',
  sirens: 'siren',
  shelters: 'shelter',
  warnings: 'warning',
  responses: 'response',
  response_tasks: 'response_task',
  duty: 'duty',
};

/** Replay answers at most this many changes; a client further behind reloads the snapshot. */
export const CATCH_UP_MAX = 5000;
/**
 * Changes committed by another gateway can reach a client slightly after later ones: catch-up replays this
 * much before the client's last sequence as well, and the client drops what it already has.
 */
export const CATCH_UP_OVERLAP_MS = 10_000;

/** The changes after `since` on the given layers and areas (mode changes always), in sequence order. */
export async function changesSince(
  db: Queryable,
  since: number,
  layers: readonly ChangeLayer[],
  areas: readonly string[],
): Promise<ChangesCatchUp> {
  const head = await changeHead(db);
  if (since > head) return { changes: [], head, reset: true };
  const topics = ['mode', ...layers.map((l) => LAYER_TOPICS[l])];
  const rows = await db.query<ChangeRow>(
    `WITH anchor AS (SELECT at FROM change_log WHERE seq = $1)
     SELECT seq, topic, at, district, payload FROM change_log
      WHERE (seq > $1 OR at >= (SELECT at FROM anchor) - make_interval(secs => $5))
        AND topic = ANY($2::text[])
        AND (cardinality($3::text[]) = 0 OR district IS NULL OR district = ANY($3::text[]))
      ORDER BY seq
      LIMIT $4`,
    [since, topics, [...areas], CATCH_UP_MAX + 1, CATCH_UP_OVERLAP_MS / 1000],
  );
  if (rows.length > CATCH_UP_MAX) return { changes: [], head, reset: true };
  return { changes: rows.map(toChange), head, reset: false };
}
