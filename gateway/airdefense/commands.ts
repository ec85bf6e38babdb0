import { randomUUID } from 'node:crypto';
import {
  COMMAND_STATE_LABELS,
  TARGET_STATES,
  type CommandState,
  type CoverageGap,
  type SirenCommandDetail,
  type SirenCommandInput,
  type SirenCommandSummary,
  type SirenScope,
  type SirenSignal,
  type TargetState,
} from '../../contracts/airdefense';
import { SYSTEM_MODE_LABELS } from '../../contracts/incidents';
import type { Change } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';
import { appendChanges } from '../changes/log';
import { AppError } from '../http/errors';
import { readMode } from '../modes/service';
import type { SignalBook } from './signals';

/**
 * Siren commands under the two-person rule: one person proposes (with a reason), another confirms within the time
 * limit; only then are the sirens addressed. Real sounding (any signal but 试鸣, not a drill) needs 战时; a drill
 * (演练) is marked as such all the way to the sirens, which then sound in simulation only.
 */

interface CommandRow {
  id: string;
  scope: SirenScope;
  scope_label: string;
  signal: SirenSignal;
  drill: boolean;
  reason: string;
  state: CommandState;
  proposed_by: string;
  proposed_at: Date | string;
  expires_at: Date | string;
  confirmed_by: string | null;
  confirmed_at: Date | string | null;
  completed_at: Date | string | null;
  gaps: CoverageGap[];
  siren_ids: string[];
  seq: string;
  counts: Partial<Record<TargetState, number>> | null;
  last_ack: Date | string | null;
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

const SELECT = `SELECT c.*, t.counts, t.last_ack
  FROM siren_command c
  LEFT JOIN LATERAL (SELECT jsonb_object_agg(state, n) AS counts, max(last_ack) AS last_ack
                       FROM (SELECT state, count(*) AS n, max(coalesce(acked_at, completed_at)) AS last_ack
                               FROM siren_command_target WHERE command_id = c.id GROUP BY state) g) t ON true`;

function toSummary(r: CommandRow): SirenCommandSummary {
  const counts = Object.fromEntries(TARGET_STATES.map((s) => [s, Number(r.counts?.[s] ?? 0)])) as Record<TargetState, number>;
  const answered = counts.acked + counts.sounding + counts.completed;
  const everyoneAcked = r.confirmed_at !== null && answered === r.siren_ids.length && r.last_ack !== null;
  return {
    id: r.id,
    scope: r.scope,
    scopeLabel: r.scope_label,
    signal: r.signal,
    drill: r.drill,
    reason: r.reason,
    state: r.state,
    proposedBy: r.proposed_by,
    proposedAt: iso(r.proposed_at)!,
    expiresAt: iso(r.expires_at)!,
    confirmedBy: r.confirmed_by,
    confirmedAt: iso(r.confirmed_at),
    completedAt: iso(r.completed_at),
    sirenCount: r.siren_ids.length,
    counts,
    fullAckMs: everyoneAcked ? new Date(r.last_ack!).getTime() - new Date(r.confirmed_at!).getTime() : null,
    gaps: r.gaps,
    seq: Number(r.seq),
  };
}

export async function loadCommands(db: Queryable, ids?: readonly string[], limit = 50): Promise<SirenCommandSummary[]> {
  const rows = ids
    ? await db.query<CommandRow>(`${SELECT} WHERE c.id = ANY($1::uuid[]) ORDER BY c.proposed_at DESC`, [[...ids]])
    : await db.query<CommandRow>(`${SELECT} ORDER BY c.proposed_at DESC LIMIT $1`, [limit]);
  return rows.map(toSummary);
}

export async function loadCommandDetail(db: Queryable, id: string): Promise<SirenCommandDetail> {
  const [summary] = await loadCommands(db, [id]);
  if (!summary) throw new AppError('not_found', `没有编号为 ${id} 的警报命令`);
  const targets = await db.query<{
    siren_id: string;
    state: TargetState;
    sent_at: Date | null;
    acked_at: Date | null;
    completed_at: Date | null;
    fault: string | null;
  }>(
    'SELECT siren_id, state, sent_at, acked_at, completed_at, fault FROM siren_command_target WHERE command_id = $1 ORDER BY siren_id',
    [id],
  );
  return {
    ...summary,
    targets: targets.map((t) => ({
      sirenId: t.siren_id,
      state: t.state,
      sentAt: iso(t.sent_at),
      ackedAt: iso(t.acked_at),
      completedAt: iso(t.completed_at),
      fault: t.fault,
    })),
  };
}

/** One `siren` change per command (its summary), each command stamped with its change sequence. */
export async function commandChanges(tx: Queryable, ids: readonly string[]): Promise<Change[]> {
  if (!ids.length) return [];
  const commands = await loadCommands(tx, ids);
  const changes = await appendChanges(
    tx,
    commands.map((sirenCommand) => ({
      topic: 'siren' as const,
      entity: `command:${sirenCommand.id}`,
      district: null,
      payload: { sirenCommand },
    })),
  );
  await tx.query('UPDATE siren_command c SET seq = t.seq FROM unnest($1::uuid[], $2::bigint[]) AS t(id, seq) WHERE c.id = t.id', [
    commands.map((c) => c.id),
    changes.map((c) => c.seq),
  ]);
  return changes;
}

/** The sirens a scope addresses, and how the scope reads (全控 / 群控 … / 单控 …). */
async function resolveScope(db: Queryable, scope: SirenScope): Promise<{ ids: string[]; label: string }> {
  let rows: { id: string }[];
  let label: string;
  if (scope.all) {
    rows = await db.query('SELECT id FROM siren ORDER BY id');
    label = '全控（全部警报器）';
  } else if (scope.district) {
    const [d] = await db.query<{ name: string }>('SELECT name FROM district WHERE adcode = $1', [scope.district]);
    if (!d) throw new AppError('not_found', `没有代码为 ${scope.district} 的区县`);
    rows = await db.query('SELECT id FROM siren WHERE district_adcode = $1 ORDER BY id', [scope.district]);
    label = `群控：${d.name}`;
  } else if (scope.street) {
    const [s] = await db.query<{ name: string; district_name: string }>(
      'SELECT name, district_name FROM street WHERE code = $1',
      [scope.street],
    );
    if (!s) throw new AppError('not_found', `没有代码为 ${scope.street} 的街道`);
    rows = await db.query('SELECT id FROM siren WHERE street_code = $1 ORDER BY id', [scope.street]);
    label = `群控：${s.district_name}${s.name}`;
  } else if (scope.polygon) {
    const [valid] = await db.query<{ ok: boolean; why: string }>(
      'SELECT ST_IsValid(g) AS ok, ST_IsValidReason(g) AS why FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) x',
      [JSON.stringify(scope.polygon)],
    );
    if (!valid?.ok) throw new AppError('invalid_geometry', `范围多边形无效：${valid?.why ?? '无法解析'}`);
    rows = await db.query('SELECT id FROM siren WHERE ST_Within(geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) ORDER BY id', [
      JSON.stringify(scope.polygon),
    ]);
    label = '群控：划定区域';
  } else {
    const ids = [...new Set(scope.sirenIds ?? [])];
    rows = await db.query('SELECT id FROM siren WHERE id = ANY($1::text[]) ORDER BY id', [ids]);
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw new AppError('not_found', `没有这些警报器：${missing.slice(0, 10).join('、')}`);
    label = rows.length === 1 ? `单控：${rows[0]!.id}` : `单控：${rows.length} 台`;
  }
  if (!rows.length) throw new AppError('bad_request', `${label} 范围内没有登记的警报器`);
  return { ids: rows.map((r) => r.id), label };
}

/** Real sounding (a national signal, not a drill) only in 战时 outside its drill sub-mode. */
async function assertSoundingAllowed(db: Queryable, signal: SirenSignal, drill: boolean): Promise<string> {
  const mode = await readMode(db);
  if (drill || signal === 'test') return mode.mode;
  if (mode.mode !== 'wartime' || mode.drill) {
    throw new AppError(
      'conflict',
      `实鸣防空警报仅在战时指挥模式下允许（当前为${SYSTEM_MODE_LABELS[mode.mode]}${mode.drill ? '演练' : ''}）；请改为演练或试鸣`,
    );
  }
  return mode.mode;
}

/** A proposal: the sirens are fixed now; nothing is sent until another person confirms. */
export async function proposeCommand(tx: Queryable, signals: SignalBook, input: SirenCommandInput, actor: string) {
  await assertSoundingAllowed(tx, input.signal, input.drill);
  const { ids, label } = await resolveScope(tx, input.scope);
  const id = randomUUID();
  await tx.query(
    `INSERT INTO siren_command (id, scope, scope_label, signal, drill, reason, state, proposed_by, expires_at, siren_ids)
     VALUES ($1, $2::jsonb, $3, $4, $5, $6, 'pending', $7, now() + make_interval(secs => $8), $9::text[])`,
    [id, JSON.stringify(input.scope), label, input.signal, input.drill, input.reason, actor, signals.confirmWithinS, ids],
  );
  const changes = await commandChanges(tx, [id]);
  return { id, changes };
}

interface LockedCommand {
  state: CommandState;
  proposed_by: string;
  expired: boolean;
  signal: SirenSignal;
  drill: boolean;
}

async function lockCommand(tx: Queryable, id: string): Promise<LockedCommand> {
  const [row] = await tx.query<LockedCommand>(
    'SELECT state, proposed_by, expires_at < now() AS expired, signal, drill FROM siren_command WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!row) throw new AppError('not_found', `没有编号为 ${id} 的警报命令`);
  return row;
}

/** Marks pending proposals past their time limit as expired; returns their changes. */
export async function expireProposals(tx: Queryable, ids?: readonly string[]): Promise<Change[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE siren_command SET state = 'expired'
      WHERE state = 'pending' AND expires_at < now() AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) RETURNING id`,
    [ids ? [...ids] : null],
  );
  return commandChanges(
    tx,
    rows.map((r) => r.id),
  );
}

export type ConfirmOutcome =
  { kind: 'expired'; changes: Change[] } | { kind: 'confirmed'; changes: Change[]; sirenIds: string[] };

/** What a confirmation after the time limit answers. */
export const EXPIRED_MESSAGE = '该命令已超过确认时限而失效，请重新提出';

/**
 * The second person's confirmation: not the proposer (403), within the time limit (409, and the proposal is marked
 * expired), and only once (409). The targets are written as sent in the same transaction.
 */
export async function confirmCommand(tx: Queryable, id: string, actor: string): Promise<ConfirmOutcome> {
  const cmd = await lockCommand(tx, id);
  if (cmd.proposed_by === actor)
    throw new AppError('forbidden', '双人确认：提出人不能确认自己提出的警报命令，须由另一位领导确认');
  // Expired by the sweep or found expired here: the confirmer reads the same reason either way.
  if (cmd.state === 'expired') throw new AppError('conflict', EXPIRED_MESSAGE);
  if (cmd.state !== 'pending') throw new AppError('conflict', `该命令${COMMAND_STATE_LABELS[cmd.state]}，不能再确认`);
  if (cmd.expired) return { kind: 'expired', changes: await expireProposals(tx, [id]) };
  const mode = await assertSoundingAllowed(tx, cmd.signal, cmd.drill);
  const [row] = await tx.query<{ siren_ids: string[] }>(
    `UPDATE siren_command SET state = 'dispatched', confirmed_by = $2, confirmed_at = now(), mode = $3
      WHERE id = $1 RETURNING siren_ids`,
    [id, actor, mode],
  );
  await tx.query(
    `INSERT INTO siren_command_target (command_id, siren_id, state, sent_at)
     SELECT $1, s.id, 'sent', now() FROM siren s WHERE s.id = ANY($2::text[])`,
    [id, row!.siren_ids],
  );
  return { kind: 'confirmed', changes: await commandChanges(tx, [id]), sirenIds: row!.siren_ids };
}

/**
 * Streets of a command's sirens left without sound: the circles of the sirens that failed or did not answer, less
 * those of the command's sirens still working, as a share of each street's area.
 */
export async function commandGaps(db: Queryable, id: string): Promise<CoverageGap[]> {
  const rows = await db.query<{ code: string; name: string; share: number }>(
    `WITH t AS (SELECT s.street_code, ST_Buffer(s.geom::geography, s.radius_m)::geometry AS c, tg.state IN ('failed', 'no_answer') AS bad
                  FROM siren_command_target tg JOIN siren s ON s.id = tg.siren_id WHERE tg.command_id = $1),
          bad AS (SELECT ST_Union(c) AS g FROM t WHERE bad),
          good AS (SELECT ST_Union(c) AS g FROM t WHERE NOT bad),
          gap AS (SELECT CASE WHEN good.g IS NULL THEN bad.g ELSE ST_Difference(bad.g, good.g) END AS g
                    FROM bad, good WHERE bad.g IS NOT NULL)
     SELECT st.code, st.name, ST_Area(ST_Intersection(st.geom, gap.g)::geography) / ST_Area(st.geom::geography) AS share
       FROM gap JOIN street st ON ST_Intersects(st.geom, gap.g)
      WHERE st.code IN (SELECT street_code FROM t)
      ORDER BY share DESC, st.code`,
    [id],
  );
  return rows
    .filter((r) => Number(r.share) >= 0.005)
    .map((r) => ({ street: r.code, streetName: r.name, uncoveredShare: Math.round(Number(r.share) * 1000) / 1000 }));
}

/** Recomputes the gaps of commands whose sirens failed or went silent, and completes those every siren has settled. */
export async function settleCommands(tx: Queryable, ids: readonly string[], regap: ReadonlySet<string>): Promise<void> {
  for (const id of regap) {
    await tx.query('UPDATE siren_command SET gaps = $2::jsonb WHERE id = $1', [id, JSON.stringify(await commandGaps(tx, id))]);
  }
  await tx.query(
    `UPDATE siren_command c SET state = 'completed', completed_at = now()
      WHERE c.id = ANY($1::uuid[]) AND c.state = 'dispatched'
        AND NOT EXISTS (SELECT 1 FROM siren_command_target t
                         WHERE t.command_id = c.id AND t.state IN ('sent', 'acked', 'sounding'))`,
    [[...ids]],
  );
}
