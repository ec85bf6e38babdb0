import type { AuditOutcome } from '../../contracts/identity';
import type { AuditKey } from './key';

/** The `prev_hash` of the first row ever written (and the chain head of an empty log). */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit row exactly as stored and hashed. */
export interface AuditRow {
  seq: number;
  at: Date;
  userId: string | null;
  username: string | null;
  role: string | null;
  action: string;
  object: string | null;
  outcome: AuditOutcome;
  sourceIp: string | null;
  requestId: string | null;
  /** Canonical JSON text of the sanitised detail object. */
  detail: string;
  keyId: string;
  prevHash: string;
}

export interface SealedAuditRow extends AuditRow {
  hash: string;
}

/**
 * The canonical byte string of a row: a JSON array in fixed field order, so that equal rows always hash
 * equally and any change of any field (including seq, time and prev_hash) changes the hash.
 */
export function canonicalRow(row: AuditRow): string {
  // JSON.stringify writes the Date as its ISO string, the stored text of `at`.
  return JSON.stringify(['harbin-audit-v1', ...auditRowValues(row)]);
}

/**
 * A row's fields in the one fixed order shared by the hash (`canonicalRow`) and the table's columns
 * (`seq, at, user_id, username, role, action, object, outcome, source_ip, request_id, detail, key_id, prev_hash`).
 */
export function auditRowValues(row: AuditRow): [number, Date, ...(string | null)[]] {
  return [
    row.seq,
    row.at,
    row.userId,
    row.username,
    row.role,
    row.action,
    row.object,
    row.outcome,
    row.sourceIp,
    row.requestId,
    row.detail,
    row.keyId,
    row.prevHash,
  ];
}

/** An `audit_event` row as the database returns it (bigint seq may arrive as text). */
export interface StoredAuditRow {
  seq: number | string;
  at: Date | string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  action: string;
  object: string | null;
  outcome: AuditOutcome;
  source_ip: string | null;
  request_id: string | null;
  detail: string;
  key_id: string;
  prev_hash: string;
  hash: string;
}

/** hash = HMAC-SM3(key, canonical row + prev_hash). */
export function sealRow(key: AuditKey, row: AuditRow): SealedAuditRow {
  return { ...row, hash: key.mac(canonicalRow(row)) };
}

/** The HMAC over a retention anchor: the last purged row's seq and hash. */
export function anchorMac(key: AuditKey, throughSeq: number, lastHash: string): string {
  return key.mac(JSON.stringify(['harbin-audit-anchor-v1', throughSeq, lastHash]));
}

/** JSON with object keys sorted at every level, so the stored detail text is canonical. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}
