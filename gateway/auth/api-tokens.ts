import { API_TOKEN_PREFIX, type ApiTokenSummary, type IssuedApiToken } from '../../contracts/identity';
import type { Db, Queryable } from '../../geo/db/types';
import type { Principal } from './principal';
import { evaluateSession, newToken, tokenDigest } from './sessions';

const TOKEN_FORMAT = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);
/** Use closer together than this does not rewrite `last_used_at`. */
const TOUCH_EVERY_S = 60;

interface TokenRow {
  id: string;
  label: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const summary = (r: TokenRow): ApiTokenSummary => ({
  id: r.id,
  label: r.label,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

const COLUMNS = 'id, label, created_at, expires_at, last_used_at, revoked_at';

/** Issues a token to `userId`; returns it once (only its digest is stored). */
export async function issueApiToken(
  tx: Queryable,
  userId: string,
  input: { label: string; days: number },
  now: Date,
): Promise<IssuedApiToken> {
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const [row] = await tx.query<TokenRow>(
    `INSERT INTO api_token (token_hash, user_id, label, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [tokenDigest(token), userId, input.label, now, new Date(now.getTime() + input.days * 86_400_000)],
  );
  return { ...summary(row!), token };
}

export async function listApiTokens(db: Queryable, userId: string): Promise<ApiTokenSummary[]> {
  const rows = await db.query<TokenRow>(
    `SELECT ${COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100`,
    [userId],
  );
  return rows.map(summary);
}

/** Revokes one token of `userId` (their own, or theirs by an administrator); null when that user has no such token. */
export async function revokeApiToken(tx: Queryable, userId: string, id: string, now: Date): Promise<ApiTokenSummary | null> {
  const [row] = await tx.query<TokenRow>(
    `UPDATE api_token SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
    [id, userId, now],
  );
  return row ? summary(row) : null;
}

/** Revokes every live token of a user (their credentials end); returns how many. */
export async function revokeAllApiTokens(tx: Queryable, userId: string, now: Date): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    'UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id',
    [userId, now],
  );
  return rows.length;
}

export const looksLikeApiToken = (value: string) => TOKEN_FORMAT.test(value);

/**
 * The person behind a bearer token, re-read on every use like a session: a revoked or expired token, a disabled
 * account or one that must change its password gets nothing. The principal carries the token id as its session id
 * and no idle timeout.
 */
export async function resolveApiToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  if (!looksLikeApiToken(token)) return null;
  const [row] = await db.query<Parameters<typeof evaluateSession>[0]>(
    `SELECT t.id, t.user_id, COALESCE(t.last_used_at, t.created_at) AS last_seen_at, NULL::int AS idle_timeout_s,
            t.expires_at, t.revoked_at, CASE WHEN t.revoked_at IS NULL THEN NULL ELSE 'revoked' END AS revoke_reason,
            u.username, u.display_name, u.role, u.kind, u.grid_scope, u.must_change_password, u.disabled_at,
            d.id AS dept_id, d.name AS dept_name, d.kind AS dept_kind
       FROM api_token t JOIN app_user u ON u.id = t.user_id LEFT JOIN department d ON d.id = u.department_id
      WHERE t.token_hash = $1`,
    [tokenDigest(token)],
  );
  if (!row) return null;
  const check = evaluateSession(row, now);
  if (!check.ok || check.principal.mustChangePassword || check.principal.kind !== 'person') return null;
  await db.query(
    `UPDATE api_token SET last_used_at = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - make_interval(secs => $3))`,
    [row.id, now, TOUCH_EVERY_S],
  );
  return check.principal;
}
