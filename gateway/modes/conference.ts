import { SYSTEM_MODE_LABELS, type ModeProfile, type ModeState } from '../../contracts/incidents';
import type { StandingConference } from '../../contracts/modes';
import type { Queryable } from '../../geo/db/types';
import { enqueueNotification } from '../notify/enqueue';
import type { ModeSwitchEffect } from './service';

interface Row {
  id: string;
  mode: StandingConference['mode'];
  drill: boolean;
  title: string;
  invite_users: string[];
  invite_roles: string[];
  opened_at: Date | string;
  opened_by: string | null;
}

const toConference = (r: Row): StandingConference => ({
  id: r.id,
  mode: r.mode,
  drill: r.drill,
  title: r.title,
  inviteUsers: r.invite_users,
  inviteRoles: r.invite_roles,
  openedAt: new Date(r.opened_at).toISOString(),
  openedBy: r.opened_by,
});

/** The standing conference open now, if any. */
export async function openStandingConference(db: Queryable): Promise<StandingConference | null> {
  const [row] = await db.query<Row>(
    `SELECT id, mode, drill, title, invite_users, invite_roles, opened_at, opened_by
       FROM standing_conference WHERE closed_at IS NULL`,
  );
  return row ? toConference(row) : null;
}

/**
 * The switch's effect on the standing conference (modes.json `standingConference`): entering a mode that names one
 * opens it — its members are the named accounts and every active person account of the named departments, plus the
 * named roles — and sends each of them an invitation (an urgent notification, in the switch's transaction); leaving
 * it closes it. A switch between two modes that both name one (or a drill flag change) opens a fresh one.
 */
export function standingConferenceEffect(profiles: readonly ModeProfile[]): ModeSwitchEffect {
  return async (tx, from: ModeState, to: ModeState) => {
    if (from.mode === to.mode && from.drill === to.drill) return;
    await tx.query('UPDATE standing_conference SET closed_at = now(), closed_by = $1 WHERE closed_at IS NULL', [to.changedBy]);
    const rule = profiles.find((p) => p.id === to.mode)?.standingConference;
    if (!rule) return;
    const { departments, roles, usernames } = rule.members;
    const members = await tx.query<{ id: string; username: string }>(
      `SELECT id, username FROM app_user
        WHERE disabled_at IS NULL AND kind = 'person' AND (department_id = ANY($1::text[]) OR username = ANY($2::text[]))
        ORDER BY username`,
      [departments, usernames],
    );
    const title = `${to.drill ? '【演练】' : ''}${rule.title}`;
    const [row] = await tx.query<Row>(
      `INSERT INTO standing_conference (mode, drill, title, invite_users, invite_roles, opened_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, mode, drill, title, invite_users, invite_roles, opened_at, opened_by`,
      [to.mode, to.drill, title, members.map((m) => m.username), roles, to.changedBy],
    );
    if (!members.length && !departments.length) return;
    await enqueueNotification(tx, {
      audience: { userIds: members.map((m) => m.id), departmentIds: departments },
      title: `邀请参加${title}`,
      body: `系统已转入「${SYSTEM_MODE_LABELS[to.mode]}」${to.drill ? '（演练）' : ''}模式，请进入视频会商「${title}」。`,
      source: { kind: 'standing_conference', id: row!.id },
      urgent: !to.drill,
    });
  };
}
