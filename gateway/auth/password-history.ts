import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { verifyPassword } from './kdf';

/**
 * Whether `candidate` is the account's current password or one of the `count - 1` it replaced most recently
 * (`count` passwords in all). Each stored hash is checked with scrypt, so this costs up to `count` verifications.
 */
export async function isRecentPassword(q: Queryable, userId: string, candidate: string, count: number): Promise<boolean> {
  if (count <= 0) return false;
  const rows = await q.query<{ password_hash: string }>(
    `(SELECT password_hash, 0 AS o, 0::bigint AS id FROM app_user WHERE id = $1)
     UNION ALL
     (SELECT password_hash, 1 AS o, id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)
     ORDER BY o, id DESC`,
    [userId, Math.max(0, count - 1)],
  );
  for (const row of rows) if (await verifyPassword(row.password_hash, candidate)) return true;
  return false;
}

/** The refusal for a password used too recently, or null. */
export async function passwordReuseError(
  q: Queryable,
  userId: string,
  candidate: string,
  count: number,
): Promise<AppError | null> {
  if (!(await isRecentPassword(q, userId, candidate, count))) return null;
  return new AppError('bad_request', `密码不符合要求：新密码不能与最近 ${count} 次使用过的密码相同`, {
    problems: [{ code: 'reused', message: `不能与最近 ${count} 次使用过的密码相同` }],
  });
}
