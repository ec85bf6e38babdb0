import type { Logger } from 'pino';
import type { AuditOutcome } from '../../contracts/identity';
import type { Db, Queryable } from '../../geo/db/types';
import { DbError } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { auditRowValues, canonicalJson, sealRow, type SealedAuditRow } from './chain';
import type { HeadWitness } from './head-witness';
import type { AuditKey } from './key';
import { sanitizeDetail, sanitizeText } from './sanitize';

/** Who did it. `username` may be an attempted login name (then `userId` is null). */
export interface AuditActor {
  userId: string | null;
  username: string | null;
  role: string | null;
}

export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  actor?: AuditActor | null;
  object?: string | null;
  sourceIp?: string | null;
  requestId?: string | null;
  /** Free-form context; secrets and ID-card numbers are removed before it is stored. */
  detail?: Record<string, unknown>;
}

/** The audit row could not be written: the action it records fails with it (503), whatever it was. */
export class AuditWriteError extends AppError {
  constructor(override readonly cause: DbError) {
    super('unavailable', '审计日志暂不可写，操作未执行（审计失败即拒绝）');
  }
}

const INSERT = `INSERT INTO audit_event
  (seq, at, user_id, username, role, action, object, outcome, source_ip, request_id, detail, key_id, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/**
 * Appends rows to the hash chain. Each append locks the chain head row, so concurrent writers (pool
 * connections, several gateway processes) queue behind one another and the chain never forks. Writes run
 * as the `harbin_app` role, which may only INSERT and SELECT audit rows.
 */
export class AuditWriter {
  constructor(private readonly deps: { db: () => Db; key: AuditKey; now: () => Date; log?: Logger; witness?: HeadWitness }) {}

  /** Appends in a transaction of its own. Throws when the row could not be written: callers fail closed. */
  append(entry: AuditEntry): Promise<SealedAuditRow> {
    return this.deps.db().transaction((tx) => this.appendIn(tx, entry));
  }

  /**
   * Appends inside the caller's transaction, so the audited change and its audit row commit together or
   * not at all. The chain head stays locked until that transaction ends: keep such transactions short.
   */
  async appendIn(tx: Queryable, entry: AuditEntry): Promise<SealedAuditRow> {
    try {
      await tx.query('SET LOCAL ROLE harbin_app');
      const [head] = await tx.query<{ seq: number | string; hash: string }>(
        'SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE',
      );
      if (!head) throw new Error('the audit chain head row is missing');
      const row = sealRow(this.deps.key, {
        seq: Number(head.seq) + 1,
        at: this.deps.now(),
        userId: entry.actor?.userId ?? null,
        username: sanitizeText(entry.actor?.username, 64),
        role: entry.actor?.role ?? null,
        action: entry.action,
        object: sanitizeText(entry.object),
        outcome: entry.outcome,
        sourceIp: sanitizeText(entry.sourceIp, 64),
        requestId: sanitizeText(entry.requestId, 64),
        detail: canonicalJson(sanitizeDetail(entry.detail ?? {})),
        keyId: this.deps.key.id,
        prevHash: head.hash,
      });
      await tx.query(INSERT, [...auditRowValues(row), row.hash]);
      await tx.query('UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1', [row.seq, row.hash]);
      await tx.query('RESET ROLE');
      this.deps.witness?.noteAppend(row.seq);
      return row;
    } catch (err) {
      const cause = new DbError(`writing the audit row for ${entry.action}`, err);
      this.deps.log?.error({ err: cause }, 'audit write failed');
      throw new AuditWriteError(cause);
    }
  }
}
