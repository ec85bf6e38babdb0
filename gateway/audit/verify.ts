import type { ChainVerification } from '../../contracts/identity';
import type { Db, Queryable } from '../../geo/db/types';
import { anchorMac, GENESIS_HASH, sealRow, type AuditRow, type StoredAuditRow } from './chain';
import { checkWitness, readWitnessFor, type WitnessReading } from './head-witness';
import type { AuditKey } from './key';

type StoredRow = StoredAuditRow;

const SELECT_BATCH = `SELECT seq, at, user_id, username, role, action, object, outcome, source_ip, request_id, detail,
  key_id, prev_hash, hash FROM audit_event WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2`;

function toRow(r: StoredRow): AuditRow {
  return {
    seq: Number(r.seq),
    at: r.at instanceof Date ? r.at : new Date(r.at),
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    object: r.object,
    outcome: r.outcome,
    sourceIp: r.source_ip,
    requestId: r.request_id,
    detail: r.detail,
    keyId: r.key_id,
    prevHash: r.prev_hash,
  };
}

/**
 * Walks the chain from its start (genesis, or the anchor retention left) to the head and reports the first
 * broken link: a missing row (gap in seq), a row whose link to its predecessor is wrong, a row whose
 * content no longer matches its HMAC, or rows missing after the last one (the head says more exist).
 */
export async function verifyChain(
  db: Queryable,
  key: AuditKey,
  opts: { batch?: number; witness?: WitnessReading | null | undefined } = {},
): Promise<ChainVerification> {
  const batch = opts.batch ?? 2000;
  // The head is read first and bounds the walk, so rows appended while verifying are not mistaken for damage.
  const [head] = await db.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM audit_chain_head WHERE id = 1');
  const [anchor] = await db.query<{ purged_through_seq: number | string; last_hash: string; mac: string }>(
    'SELECT purged_through_seq, last_hash, mac FROM audit_anchor ORDER BY purged_through_seq DESC LIMIT 1',
  );
  const anchoredThroughSeq = anchor ? Number(anchor.purged_through_seq) : 0;
  let prevSeq = anchoredThroughSeq;
  let prevHash = anchor ? anchor.last_hash : GENESIS_HASH;
  let checked = 0;
  const result = (firstBroken: ChainVerification['firstBroken']): ChainVerification => ({
    ok: firstBroken === null,
    checked,
    anchoredThroughSeq,
    lastSeq: prevSeq,
    firstBroken,
  });
  if (anchor && anchorMac(key, anchoredThroughSeq, anchor.last_hash) !== anchor.mac) {
    return result({
      seq: anchoredThroughSeq + 1,
      reason: `保留期锚点（清理至 #${anchoredThroughSeq}）的签名不符，锚点被伪造或篡改`,
    });
  }
  for (;;) {
    const rows = await db.query<StoredRow>(SELECT_BATCH, [prevSeq, batch, head ? Number(head.seq) : Number.MAX_SAFE_INTEGER]);
    for (const stored of rows) {
      const row = toRow(stored);
      if (row.seq !== prevSeq + 1) {
        return result({
          seq: prevSeq + 1,
          reason: `记录 #${prevSeq + 1}${row.seq - prevSeq > 2 ? `–#${row.seq - 1}` : ''} 缺失（被删除）`,
        });
      }
      if (row.prevHash !== prevHash) {
        return result({ seq: row.seq, reason: `记录 #${row.seq} 的 prev_hash 与记录 #${prevSeq} 的哈希不符（链接断开）` });
      }
      if (row.keyId !== key.id) {
        return result({
          seq: row.seq,
          reason: `记录 #${row.seq} 由另一把密钥（${row.keyId}）签名，当前密钥为 ${key.id}，无法校验`,
        });
      }
      if (sealRow(key, row).hash !== stored.hash) {
        return result({ seq: row.seq, reason: `记录 #${row.seq} 的内容与其 HMAC-SM3 哈希不符（被篡改）` });
      }
      prevSeq = row.seq;
      prevHash = stored.hash;
      checked++;
    }
    if (rows.length < batch) break;
  }
  if (!head) return result({ seq: prevSeq + 1, reason: '审计链头记录缺失' });
  if (Number(head.seq) !== prevSeq || head.hash !== prevHash) {
    const headSeq = Number(head.seq);
    return result({
      seq: headSeq > prevSeq ? prevSeq + 1 : headSeq,
      reason:
        headSeq > prevSeq
          ? `链头指向记录 #${headSeq}，但记录 #${prevSeq + 1}${headSeq > prevSeq + 1 ? `–#${headSeq}` : ''} 缺失（末尾被删除）`
          : `链头（#${headSeq}）与最后一条记录 #${prevSeq} 不符`,
    });
  }
  const [beyond] = await db.query<{ seq: number | string }>('SELECT seq FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT 1', [
    prevSeq,
  ]);
  if (beyond)
    return result({
      seq: Number(beyond.seq),
      reason: `记录 #${Number(beyond.seq)} 位于链头 #${prevSeq} 之后，不在哈希链中（被插入）`,
    });
  // The head inside the database can be reset along with the rows it names; the one written outside cannot.
  if (opts.witness !== undefined) return result(await checkWitness(db, key, opts.witness, prevSeq));
  return result(null);
}

/**
 * Verifies in one consistent snapshot (REPEATABLE READ), so concurrent appends cannot look like damage; with
 * `witnessDir`, also against the head written outside the database (head-witness.ts).
 */
export async function verifyAuditChain(db: Db, key: AuditKey, opts: { witnessDir?: string } = {}): Promise<ChainVerification> {
  // The external head is read before the snapshot, so everything it names is inside it (readWitnessFor).
  const witness = opts.witnessDir ? await readWitnessFor(db, opts.witnessDir) : undefined;
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return verifyChain(tx, key, { witness });
  });
}
