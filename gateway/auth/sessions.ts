import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DEPARTMENT_KINDS, ROLE_IDS, type AccountKind, type DepartmentKind, type RoleId } from '../../contracts/identity';
import type { SessionEndReason } from '../../contracts/realtime';
import type { Db, Queryable } from '../../geo/db/types';
import type { AuditEntry, AuditWriter } from '../audit/writer';
import type { Policy } from '../policy/policy';
import type { Principal } from './principal';

export type SessionCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | SessionEndReason };
export interface SessionEnded {
  sessionId: string;
  userId: string;
  reason: SessionEndReason;
}

/** Opaque session tokens: 32 random bytes; only their SM3 digest is stored. */
export const newToken = () => randomBytes(32).toString('base64url');
export const tokenDigest = (token: string) => createHash('sm3').update(token).digest('hex');
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Activity closer together than this does not rewrite `last_seen_at`. */
const TOUCH_EVERY_MS = 5_000;

interface Row {
  id: string;
  user_id: string;
  last_seen_at: Date;
  idle_timeout_s: number | null;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  username: string;
  display_name: string;
  role: string;
  kind: string;
  grid_scope: string[] | null;
  must_change_password: boolean;
  disabled_at: Date | null;
  dept_id: string | null;
  dept_name: string | null;
  dept_kind: string | null;
}

const SELECT = `SELECT s.id, s.user_id, s.last_seen_at, s.idle_timeout_s, s.expires_at, s.revoked_at, s.revoke_reason,
  u.username, u.display_name, u.role, u.kind, u.grid_scope, u.must_change_password, u.disabled_at,
  d.id AS dept_id, d.name AS dept_name, d.kind AS dept_kind
  FROM auth_session s JOIN app_user u ON u.id = s.user_id LEFT JOIN department d ON d.id = u.department_id`;

const isRole = (r: string): r is RoleId => (ROLE_IDS as readonly string[]).includes(r);
const isDeptKind = (k: string | null): k is DepartmentKind => k !== null && (DEPARTMENT_KINDS as readonly string[]).includes(k);

/** Whether a stored session still holds at `now`, and as whom. Pure: the clock is a parameter. */
export function evaluateSession(
  row: Row,
  now: Date,
): { ok: true; principal: Principal } | { ok: false; reason: SessionEndReason } {
  if (row.revoked_at) return { ok: false, reason: (row.revoke_reason as SessionEndReason | null) ?? 'revoked' };
  if (row.disabled_at || !isRole(row.role)) return { ok: false, reason: 'disabled' };
  const t = now.getTime();
  const idleExpiresAt = row.idle_timeout_s === null ? null : new Date(row.last_seen_at.getTime() + row.idle_timeout_s * 1000);
  if (t >= row.expires_at.getTime() || (idleExpiresAt && t >= idleExpiresAt.getTime())) return { ok: false, reason: 'expired' };
  const departmentKind = isDeptKind(row.dept_kind) ? row.dept_kind : null;
  return {
    ok: true,
    principal: {
      sessionId: row.id,
      userId: row.user_id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      kind: row.kind === 'device' ? 'device' : 'person',
      department:
        row.dept_id && departmentKind ? { id: row.dept_id, name: row.dept_name ?? row.dept_id, kind: departmentKind } : null,
      departmentKind,
      gridScope: row.grid_scope ?? [],
      mustChangePassword: row.must_change_password,
      idleExpiresAt,
      absoluteExpiresAt: row.expires_at,
    },
  };
}

/**
 * Server-side sessions: created at login, checked on every request and socket command, ended by logout,
 * revocation, expiry (idle or absolute) or a disabled account. Every end is emitted as `ended`, which the
 * realtime layer turns into disconnecting that session's sockets.
 */
export class SessionStore extends EventEmitter<{ ended: [SessionEnded] }> {
  constructor(private readonly deps: { db: () => Db; now: () => Date; policy: Policy; audit: AuditWriter }) {
    super();
  }

  /** Creates a session inside the login transaction; returns the token for the cookie (never stored). */
  async create(
    tx: Queryable,
    user: { id: string; kind: AccountKind },
    ctx: { channel: 'http' | 'socket'; ip: string | null; userAgent: string | null },
  ): Promise<{ token: string; sessionId: string }> {
    const now = this.deps.now();
    const rules = this.deps.policy.sessionRules(user.kind);
    const token = newToken();
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO auth_session (token_hash, user_id, channel, created_at, last_seen_at, idle_timeout_s, expires_at, source_ip, user_agent)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING id`,
      [
        tokenDigest(token),
        user.id,
        ctx.channel,
        now,
        rules.idleMinutes === null ? null : rules.idleMinutes * 60,
        new Date(now.getTime() + rules.absoluteMinutes * 60_000),
        ctx.ip,
        ctx.userAgent?.slice(0, 200) ?? null,
      ],
    );
    return { token, sessionId: row!.id };
  }

  async resolveToken(token: string): Promise<SessionCheck> {
    if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: 'unknown' };
    const [row] = await this.deps.db().query<Row>(`${SELECT} WHERE s.token_hash = $1`, [tokenDigest(token)]);
    return this.settle(row);
  }

  async resolveId(sessionId: string): Promise<SessionCheck> {
    const [row] = await this.deps.db().query<Row>(`${SELECT} WHERE s.id = $1`, [sessionId]);
    return this.settle(row);
  }

  /** Checks many sessions at once (the socket sweep); ended ones are settled as a single request would. */
  async resolveMany(ids: string[]): Promise<Map<string, SessionCheck>> {
    const out = new Map<string, SessionCheck>();
    if (!ids.length) return out;
    const rows = await this.deps.db().query<Row>(`${SELECT} WHERE s.id = ANY($1::uuid[])`, [ids]);
    for (const row of rows) out.set(row.id, await this.settle(row));
    for (const id of ids) if (!out.has(id)) out.set(id, { ok: false, reason: 'unknown' });
    return out;
  }

  private async settle(row: Row | undefined): Promise<SessionCheck> {
    if (!row) return { ok: false, reason: 'unknown' };
    const check = evaluateSession(row, this.deps.now());
    if (!check.ok && !row.revoked_at) {
      await this.end(row.id, check.reason, {
        action: 'session.expired',
        outcome: 'ok',
        actor: { userId: row.user_id, username: row.username, role: row.role },
        object: `session ${row.id}`,
        detail: { reason: check.reason },
      });
    }
    return check;
  }

  /** Counts as activity for the idle timeout (rate-limited to one write per few seconds). */
  async touch(p: Principal): Promise<Date | null> {
    if (p.idleExpiresAt === null) return null;
    const now = this.deps.now();
    const idleMs = (this.deps.policy.sessionRules(p.kind).idleMinutes ?? 0) * 60_000;
    const lastSeen = p.idleExpiresAt.getTime() - idleMs;
    if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) {
      await this.deps
        .db()
        .query('UPDATE auth_session SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL AND last_seen_at < $2', [
          p.sessionId,
          now,
        ]);
      return new Date(now.getTime() + idleMs);
    }
    return p.idleExpiresAt;
  }

  /**
   * Ends one session (once: a second end is a no-op, returning false) and tells the realtime layer. The
   * audit row, when given, commits with the change; when it cannot be written the session stays open.
   */
  async end(sessionId: string, reason: SessionEndReason, audit?: AuditEntry): Promise<boolean> {
    const now = this.deps.now();
    const ended = await this.deps.db().transaction(async (tx) => {
      const [row] = await tx.query<{ user_id: string }>(
        'UPDATE auth_session SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING user_id',
        [sessionId, now, reason],
      );
      if (row && audit) await this.deps.audit.appendIn(tx, audit);
      return row;
    });
    if (ended) this.emit('ended', { sessionId, userId: ended.user_id, reason });
    return ended !== undefined;
  }

  /**
   * Ends every live session of a user inside `tx`; emit after commit. Password change, disabling and revocation go
   * through `endCredentialsIn` (credentials.ts), which ends the user's API tokens with them.
   */
  async endAllForUserIn(
    tx: Queryable,
    userId: string,
    reason: SessionEndReason,
    exceptSessionId?: string,
  ): Promise<SessionEnded[]> {
    const rows = await tx.query<{ id: string }>(
      `UPDATE auth_session SET revoked_at = $2, revoke_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) RETURNING id`,
      [userId, this.deps.now(), reason, exceptSessionId ?? null],
    );
    return rows.map((r) => ({ sessionId: r.id, userId, reason }));
  }

  /** Tells the realtime layer about sessions ended inside a transaction that has now committed. */
  announce(ended: SessionEnded[]): void {
    for (const e of ended) this.emit('ended', e);
  }
}
