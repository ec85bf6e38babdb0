import type { Db } from '../../geo/db/types';
import { anchorMac } from './chain';
import type { AuditKey } from './key';
import type { AuditWriter } from './writer';

/** Audit rows are kept at least this long (等保 2.0: 审计记录保存不少于六个月). The database enforces it too. */
export const MIN_RETENTION_DAYS = 183;

export interface RetentionResult {
  purged: number;
  /** The last purged seq, or null when nothing was old enough. */
  throughSeq: number | null;
  keepDays: number;
}

/**
 * Removes the oldest audit rows that are older than `keepDays` (at least 183), as one prefix of the chain,
 * through `audit_purge()`: the only path the database lets rows leave by. The cut is anchored (last purged
 * seq and hash, signed) so the verifier starts from there, and the purge itself becomes an audit row.
 * A row younger than the cut-off stops the prefix, even when older rows follow it.
 */
export async function purgeExpiredAudit(
  db: Db,
  key: AuditKey,
  writer: AuditWriter,
  opts: { keepDays?: number } = {},
): Promise<RetentionResult> {
  const keepDays = opts.keepDays ?? MIN_RETENTION_DAYS;
  if (!Number.isInteger(keepDays) || keepDays < MIN_RETENTION_DAYS) {
    throw new Error(`audit rows must be kept at least ${MIN_RETENTION_DAYS} days (asked for ${keepDays})`);
  }
  return db.transaction(async (tx) => {
    const [bounds] = await tx.query<{
      first_seq: number | string | null;
      first_young: number | string | null;
      last_seq: number | string | null;
    }>(
      `SELECT min(seq) AS first_seq, max(seq) AS last_seq,
              min(seq) FILTER (WHERE at >= now() - make_interval(days => $1)) AS first_young
         FROM audit_event`,
      [keepDays],
    );
    if (!bounds || bounds.first_seq === null || bounds.last_seq === null) return { purged: 0, throughSeq: null, keepDays };
    const throughSeq = bounds.first_young === null ? Number(bounds.last_seq) : Number(bounds.first_young) - 1;
    if (throughSeq < Number(bounds.first_seq)) return { purged: 0, throughSeq: null, keepDays };
    const [last] = await tx.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = $1', [throughSeq]);
    if (!last) throw new Error(`audit row ${throughSeq} vanished during retention`);
    await tx.query('SET LOCAL ROLE harbin_app');
    const [done] = await tx.query<{ n: number | string }>('SELECT audit_purge($1, $2, $3) AS n', [
      throughSeq,
      last.hash,
      anchorMac(key, throughSeq, last.hash),
    ]);
    await tx.query('RESET ROLE');
    const purged = Number(done?.n ?? 0);
    await writer.appendIn(tx, {
      action: 'audit.retention',
      outcome: 'ok',
      actor: { userId: null, username: 'system', role: null },
      object: `audit_event #${Number(bounds.first_seq)}–#${throughSeq}`,
      detail: { purged, throughSeq, keepDays },
    });
    return { purged, throughSeq, keepDays };
  });
}
