import type { DeadLetter } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';

/** Payloads are kept up to this many characters: enough to see what was wrong, not a storage channel. */
export const DEAD_LETTER_PAYLOAD_MAX = 8000;

export interface DeadLetterInput {
  source: string;
  sourceId: string | null;
  code: string;
  reason: string;
  transport: 'http' | 'mqtt';
  payload: string;
}

/** Lone UTF-16 surrogates (code units, no `u` flag). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as PostgreSQL can keep it: a dead letter is often refused for the very characters text cannot hold, so
 * U+0000 is kept visibly as the escape `\u0000` and a lone surrogate as U+FFFD (a pair split by the cut to `max`
 * included).
 */
export function storableText(s: string, max: number): string {
  return s.slice(0, max).replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\ufffd');
}

export async function recordDeadLetter(db: Queryable, d: DeadLetterInput): Promise<number> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO dead_letter (source, source_id, code, reason, transport, payload)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      storableText(d.source, 40),
      d.sourceId === null ? null : storableText(d.sourceId, 128),
      d.code,
      storableText(d.reason, 2000),
      d.transport,
      storableText(d.payload, DEAD_LETTER_PAYLOAD_MAX),
    ],
  );
  return Number(row!.id);
}

export async function listDeadLetters(db: Queryable, limit: number, source?: string): Promise<DeadLetter[]> {
  const rows = await db.query<{
    id: string;
    source: string;
    source_id: string | null;
    code: string;
    reason: string;
    transport: 'http' | 'mqtt';
    payload: string;
    received_at: Date | string;
  }>(
    `SELECT id, source, source_id, code, reason, transport, payload, received_at FROM dead_letter
      WHERE ($2::text IS NULL OR source = $2) ORDER BY id DESC LIMIT $1`,
    [limit, source ?? null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    sourceId: r.source_id,
    code: r.code,
    reason: r.reason,
    transport: r.transport,
    payload: r.payload,
    receivedAt: new Date(r.received_at).toISOString(),
  }));
}
