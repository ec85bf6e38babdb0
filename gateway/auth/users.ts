import type { AccountKind, Department, DepartmentKind, RoleId, UserSummary } from '../../contracts/identity';
import type { Queryable, SqlParam } from '../../geo/db/types';

/** A user as stored (the password hash never leaves the gateway). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  kind: AccountKind;
  role: string;
  departmentId: string | null;
  gridScope: string[];
  passwordHash: string;
  mustChangePassword: boolean;
  disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  kind: string;
  role: string;
  department_id: string | null;
  grid_scope: string[] | null;
  password_hash: string;
  must_change_password: boolean;
  disabled_at: Date | null;
}

const COLUMNS =
  'id, username, display_name, kind, role, department_id, grid_scope, password_hash, must_change_password, disabled_at';

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  kind: r.kind === 'device' ? 'device' : 'person',
  role: r.role,
  departmentId: r.department_id,
  gridScope: r.grid_scope ?? [],
  passwordHash: r.password_hash,
  mustChangePassword: r.must_change_password,
  disabled: r.disabled_at !== null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findUserByUsername(q: Queryable, username: string): Promise<UserRecord | null> {
  const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM app_user WHERE username = $1`, [username]);
  return row ? toRecord(row) : null;
}

/** By id; `forUpdate` locks the row for the rest of the transaction. Ill-formed ids simply find nothing. */
export async function findUserById(q: Queryable, id: string, forUpdate = false): Promise<UserRecord | null> {
  if (!UUID.test(id)) return null;
  const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM app_user WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row ? toRecord(row) : null;
}

export async function listUsers(q: Queryable, now: Date): Promise<UserSummary[]> {
  const rows = await q.query<UserRow & { created_at: Date; locked_until: Date | null; active_sessions: number | string }>(
    `SELECT u.id, u.username, u.display_name, u.kind, u.role, u.department_id, u.grid_scope, u.must_change_password,
            u.disabled_at, u.created_at, l.locked_until,
            (SELECT count(*) FROM auth_session s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > $1) AS active_sessions
       FROM app_user u LEFT JOIN auth_lockout l ON l.login_key = u.username
      ORDER BY u.username`,
    [now],
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as RoleId,
    kind: r.kind === 'device' ? 'device' : 'person',
    departmentId: r.department_id,
    gridScope: r.grid_scope ?? [],
    disabled: r.disabled_at !== null,
    mustChangePassword: r.must_change_password,
    lockedUntil: r.locked_until && r.locked_until > now ? r.locked_until.toISOString() : null,
    activeSessions: Number(r.active_sessions),
    createdAt: r.created_at.toISOString(),
  }));
}

export interface NewUser {
  username: string;
  displayName: string;
  kind: AccountKind;
  role: RoleId;
  departmentId: string | null;
  gridScope: string[];
  passwordHash: string;
  mustChangePassword: boolean;
}

/** Inserts a user; returns null when the login name is taken. */
export async function insertUser(tx: Queryable, u: NewUser, now: Date): Promise<string | null> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO app_user (username, display_name, kind, role, department_id, grid_scope, password_hash, must_change_password,
                           password_changed_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [u.username, u.displayName, u.kind, u.role, u.departmentId, u.gridScope, u.passwordHash, u.mustChangePassword, now],
  );
  return rows[0]?.id ?? null;
}

export interface UserPatch {
  displayName?: string | undefined;
  role?: RoleId | undefined;
  departmentId?: string | null | undefined;
  gridScope?: string[] | undefined;
  disabled?: boolean | undefined;
}

export async function updateUser(tx: Queryable, id: string, patch: UserPatch, now: Date): Promise<void> {
  const sets: string[] = [];
  const params: SqlParam[] = [id];
  const set = (column: string, value: SqlParam) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (patch.displayName !== undefined) set('display_name', patch.displayName);
  if (patch.role !== undefined) set('role', patch.role);
  if (patch.departmentId !== undefined) set('department_id', patch.departmentId);
  if (patch.gridScope !== undefined) set('grid_scope', patch.gridScope);
  if (patch.disabled !== undefined) set('disabled_at', patch.disabled ? now : null);
  set('updated_at', now);
  await tx.query(`UPDATE app_user SET ${sets.join(', ')} WHERE id = $1`, params);
}

/** The most earlier hashes kept per account (the policy's `password.history` may ask for up to this many). */
const HISTORY_KEPT = 24;

/** Sets a new password hash, keeping the one it replaces in `password_history` (password-history.ts reads it). */
export async function setPasswordHash(tx: Queryable, id: string, hash: string, mustChange: boolean, now: Date): Promise<void> {
  await tx.query(
    'INSERT INTO password_history (user_id, password_hash, replaced_at) SELECT id, password_hash, $2 FROM app_user WHERE id = $1',
    [id, now],
  );
  await tx.query(
    `DELETE FROM password_history WHERE user_id = $1
        AND id NOT IN (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`,
    [id, HISTORY_KEPT],
  );
  await tx.query(
    'UPDATE app_user SET password_hash = $2, must_change_password = $3, password_changed_at = $4, updated_at = $4 WHERE id = $1',
    [id, hash, mustChange, now],
  );
}

interface DepartmentRow {
  id: string;
  name: string;
  kind: string;
  hotline: string | null;
  district_adcode: string | null;
  active: boolean;
}
const toDepartment = (r: DepartmentRow): Department => ({
  id: r.id,
  name: r.name,
  kind: r.kind as DepartmentKind,
  hotline: r.hotline,
  districtAdcode: r.district_adcode,
  active: r.active,
});

export async function listDepartments(q: Queryable): Promise<Department[]> {
  const rows = await q.query<DepartmentRow>(
    'SELECT id, name, kind, hotline, district_adcode, active FROM department ORDER BY id',
  );
  return rows.map(toDepartment);
}

export async function findDepartment(q: Queryable, id: string): Promise<Department | null> {
  const [row] = await q.query<DepartmentRow>(
    'SELECT id, name, kind, hotline, district_adcode, active FROM department WHERE id = $1',
    [id],
  );
  return row ? toDepartment(row) : null;
}
