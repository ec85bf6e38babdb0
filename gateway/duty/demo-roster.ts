import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DUTY_ROLES } from '../../contracts/duty';
import type { Db } from '../../geo/db/types';

const FILE = path.join(__dirname, '..', '..', 'data', 'demo', 'duty.json');
const DAY = 86_400_000;
/** Beijing time is UTC+8 all year. */
const BEIJING = 8 * 3600_000;

const fileSchema = z.object({
  shifts: z.array(
    z
      .object({ departmentId: z.string(), username: z.string(), dutyRole: z.enum(DUTY_ROLES), shift: z.enum(['day', 'night']) })
      .strict(),
  ),
  contacts: z.array(z.object({ username: z.string(), phone: z.string().nullable(), email: z.string().nullable() }).strict()),
});

/**
 * The demo roster (data/demo/duty.json): day (08:00–20:00) and night (20:00–08:00) shifts in Beijing time from
 * yesterday for a week, and the demo people's contacts; only what is missing is added, so restarts change nothing.
 */
export async function seedDemoRoster(db: Db, log: Logger, now = new Date()): Promise<number> {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(FILE, 'utf8')));
  if (!parsed.success) throw new Error(`data/demo/duty.json is not valid: ${z.prettifyError(parsed.error)}`);
  const { shifts, contacts } = parsed.data;
  const today = Math.floor((now.getTime() + BEIJING) / DAY) * DAY - BEIJING;
  const rows: [string, string, string, string, string][] = [];
  for (let d = -1; d < 7; d++) {
    const day = today + d * DAY;
    for (const s of shifts) {
      const start = day + (s.shift === 'day' ? 8 : 20) * 3600_000;
      rows.push([
        s.departmentId,
        s.username,
        s.dutyRole,
        new Date(start).toISOString(),
        new Date(start + 12 * 3600_000).toISOString(),
      ]);
    }
  }
  const added = await db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO duty_shift (department_id, user_id, duty_role, starts_at, ends_at, note, created_by, created_at, updated_at)
       SELECT t.department_id, u.id, t.duty_role, t.starts_at, t.ends_at, '演示排班', 'demo-seed', now(), now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
              AS t(department_id, username, duty_role, starts_at, ends_at)
         JOIN app_user u ON u.username = t.username AND u.disabled_at IS NULL
        WHERE NOT EXISTS (SELECT 1 FROM duty_shift s WHERE s.department_id = t.department_id AND s.user_id = u.id
                             AND s.cancelled_at IS NULL AND s.starts_at < t.ends_at AND s.ends_at > t.starts_at)
       RETURNING id`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4])],
    );
    await tx.query(
      `INSERT INTO notify_contact (user_id, phone, email, updated_at)
       SELECT u.id, t.phone, t.email, now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(username, phone, email)
         JOIN app_user u ON u.username = t.username
       ON CONFLICT (user_id) DO NOTHING`,
      [contacts.map((c) => c.username), contacts.map((c) => c.phone), contacts.map((c) => c.email)],
    );
    return inserted.length;
  });
  if (added) log.info({ shifts: added }, 'demo duty roster seeded');
  return added;
}
