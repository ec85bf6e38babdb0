import type { Queryable } from '../../geo/db/types';

/** Whether `userId` has logged in successfully from `ip` before (their usual place). */
export async function isKnownSource(q: Queryable, userId: string | null, ip: string | null): Promise<boolean> {
  if (!userId || !ip) return false;
  const rows = await q.query('SELECT 1 FROM auth_known_source WHERE user_id = $1 AND source_ip = $2', [userId, ip]);
  return rows.length > 0;
}

/** Records a successful login from `ip`, inside the login's transaction. */
export async function rememberSource(tx: Queryable, userId: string, ip: string | null, now: Date): Promise<void> {
  if (!ip) return;
  await tx.query(
    `INSERT INTO auth_known_source (user_id, source_ip, first_login_at, last_login_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (user_id, source_ip) DO UPDATE SET last_login_at = EXCLUDED.last_login_at`,
    [userId, ip, now],
  );
}
