import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROLE_IDS } from '../../contracts/identity';
import {
  INCIDENT_CATEGORIES,
  SYSTEM_MODE_LABELS,
  SYSTEM_MODES,
  type Change,
  type ModeProfile,
  type ModeProposal,
  type ModeState,
  type SystemMode,
} from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { insertChange, lockChangeLog } from '../changes/log';
import { AppError } from '../http/errors';

const profileSchema = z.object({
  id: z.enum(SYSTEM_MODES),
  label: z.string().min(1),
  defaultLayers: z.array(z.string()),
  panels: z.array(z.string()),
  priorityBoost: z.partialRecord(z.enum(INCIDENT_CATEGORIES), z.number().int().min(-10).max(10)),
  alertPriority: z.number().int().min(0).max(10),
  alertSound: z.object({
    pattern: z.string(),
    frequencyHz: z.number().min(50).max(5000),
    onMs: z.number().int().positive(),
    offMs: z.number().int().min(0),
    repeats: z.number().int().min(1).max(60),
  }),
  clocks: z.string(),
  dispatchRule: z.string(),
  nonUrgentCases: z.enum(['normal', 'auto_extend', 'frozen']),
  accent: z.string().regex(/^#[0-9a-f]{6}$/i),
  switchConfirmation: z
    .object({ withinMinutes: z.number().int().min(1).max(120), exceptDrill: z.boolean() })
    .strict()
    .nullable()
    .default(null),
  receipts: z
    .object({
      unitSeconds: z.number().int().positive(),
      departmentSeconds: z.number().int().positive(),
      taskSeconds: z.number().int().positive(),
    })
    .strict()
    .nullable()
    .default(null),
  standingConference: z
    .object({
      title: z.string().min(2).max(80),
      members: z
        .object({
          departments: z.array(z.string().min(1)),
          roles: z.array(z.enum(ROLE_IDS)),
          usernames: z.array(z.string().min(1)),
        })
        .strict(),
    })
    .strict()
    .nullable()
    .default(null),
});
const fileSchema = z.object({ $comment: z.string().optional(), version: z.number().int(), profiles: z.array(profileSchema) });

/** The mode profiles of data/modes.json: exactly one per mode. */
export function loadModeProfiles(file = path.resolve(__dirname, '../../data/modes.json')): ModeProfile[] {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const mode of SYSTEM_MODES) {
    const n = parsed.profiles.filter((p) => p.id === mode).length;
    if (n !== 1) throw new Error(`${file}: mode ${mode} has ${n} profiles, expected exactly one`);
  }
  return parsed.profiles;
}

interface ModeRow {
  mode: SystemMode;
  drill: boolean;
  reason: string;
  changed_by: string | null;
  changed_at: Date | string;
  seq: string;
}

const toState = (r: ModeRow): ModeState => ({
  mode: r.mode,
  drill: r.drill,
  reason: r.reason,
  changedBy: r.changed_by,
  changedAt: new Date(r.changed_at).toISOString(),
  seq: Number(r.seq),
});

interface ProposalRow {
  id: string;
  mode: SystemMode;
  drill: boolean;
  reason: string;
  proposed_by: string;
  proposed_by_id: string;
  proposed_by_name: string;
  proposed_at: Date | string;
  expires_at: Date | string;
  state: 'pending' | 'confirmed' | 'cancelled' | 'expired';
}

const toProposal = (r: ProposalRow): ModeProposal => ({
  id: r.id,
  mode: r.mode,
  drill: r.drill,
  reason: r.reason,
  proposedBy: r.proposed_by,
  proposedByName: r.proposed_by_name,
  proposedAt: new Date(r.proposed_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
});

const PROPOSAL_COLUMNS = 'id, mode, drill, reason, proposed_by, proposed_by_id, proposed_by_name, proposed_at, expires_at, state';

/** The mode now, with the switch waiting for a second leader (one that has lapsed is not shown). */
export async function readMode(db: Queryable): Promise<ModeState> {
  const [row] = await db.query<ModeRow>('SELECT mode, drill, reason, changed_by, changed_at, seq FROM system_mode WHERE id = 1');
  const [pending] = await db.query<ProposalRow>(
    `SELECT ${PROPOSAL_COLUMNS} FROM mode_proposal WHERE state = 'pending' AND expires_at > now()`,
  );
  return { ...toState(row!), pending: pending ? toProposal(pending) : null };
}

/**
 * What else happens in the transaction of a switch, told the state left and the state entered: the case clocks
 * (gateway/modes/case-clocks.ts), the standing conference (gateway/modes/conference.ts).
 */
export type ModeSwitchEffect = (tx: Queryable, from: ModeState, to: ModeState) => Promise<void>;

/** The switch itself, inside a transaction that holds the change-log lock. */
async function switchIn(
  tx: Queryable,
  input: { mode: SystemMode; drill: boolean; reason: string },
  actor: string,
  effects: readonly ModeSwitchEffect[],
): Promise<{ before: ModeState; state: ModeState; changes: Change[] }> {
  const before = await readMode(tx);
  // A direct switch supersedes a proposal still open.
  await tx.query(`UPDATE mode_proposal SET state = 'cancelled', decided_by = $1, decided_at = now() WHERE state = 'pending'`, [
    actor,
  ]);
  // The state carries its own change-log sequence, so the sequence is taken first.
  const [{ seq }] = (await tx.query<{ seq: string }>("SELECT nextval('change_seq') AS seq")) as [{ seq: string }];
  const [row] = await tx.query<ModeRow>(
    `UPDATE system_mode SET mode = $1, drill = $2, reason = $3, changed_by = $4, changed_at = now(), seq = $5
      WHERE id = 1 RETURNING mode, drill, reason, changed_by, changed_at, seq`,
    [input.mode, input.drill, input.reason, actor, seq],
  );
  const state: ModeState = { ...toState(row!), pending: null };
  for (const effect of effects) await effect(tx, before, state);
  const changes = await insertChange(tx, Number(seq), {
    topic: 'mode',
    entity: 'system',
    district: null,
    payload: { mode: state },
  });
  return { before, state, changes };
}

/**
 * The system mode (平时/应急/战时, each with a drill sub-mode) as one row, changed in one transaction with
 * its change-log entry and its effects; the realtime server sends it to every connected client at once.
 */
export async function changeMode(
  db: Db,
  hub: ChangeHub,
  input: { mode: SystemMode; drill: boolean; reason: string },
  actor: string,
  /** Told the state being replaced, read under the same lock as the change (for the audit row's from → to). */
  replacing?: (previous: ModeState) => void,
  effects: readonly ModeSwitchEffect[] = [],
): Promise<ModeState> {
  const { state, changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    const done = await switchIn(tx, input, actor, effects);
    if (replacing) replacing(done.before);
    return done;
  });
  hub.publish(changes);
  return state;
}

/** Whether switching from `current` to the target needs a second leader (modes.json `switchConfirmation`). */
export function needsConfirmation(
  profiles: readonly ModeProfile[],
  current: Pick<ModeState, 'mode' | 'drill'>,
  target: { mode: SystemMode; drill: boolean },
): { withinMinutes: number } | null {
  const rule = profiles.find((p) => p.id === target.mode)?.switchConfirmation;
  if (!rule || (target.drill && rule.exceptDrill)) return null;
  if (current.mode === target.mode && current.drill === target.drill) return null;
  return { withinMinutes: rule.withinMinutes };
}

/** Announces the mode with its (new or withdrawn) pending proposal on the change log, under the caller's lock. */
async function announcePending(tx: Queryable): Promise<Change[]> {
  const state = await readMode(tx);
  const [{ seq }] = (await tx.query<{ seq: string }>("SELECT nextval('change_seq') AS seq")) as [{ seq: string }];
  return insertChange(tx, Number(seq), { topic: 'mode', entity: 'system', district: null, payload: { mode: state } });
}

/** Who proposes or confirms. */
export interface ModeActor {
  userId: string;
  username: string;
  displayName: string;
}

/** Lapsed proposals are marked so (under the change-log lock). */
async function expireLapsed(tx: Queryable): Promise<void> {
  await tx.query(
    `UPDATE mode_proposal SET state = 'expired', decided_at = expires_at WHERE state = 'pending' AND expires_at <= now()`,
  );
}

/** A leader proposes a switch that needs a second leader; one proposal is open at a time. */
export async function proposeMode(
  db: Db,
  hub: ChangeHub,
  input: { mode: SystemMode; drill: boolean; reason: string },
  actor: ModeActor,
  withinMinutes: number,
): Promise<ModeProposal> {
  const { proposal, changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    await expireLapsed(tx);
    const [open] = await tx.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM mode_proposal WHERE state = 'pending'`);
    if (open) {
      throw new AppError(
        'conflict',
        `已有待确认的模式切换（${open.proposed_by_name} 提出转入「${SYSTEM_MODE_LABELS[open.mode]}」），请先确认或撤回`,
      );
    }
    const [row] = await tx.query<ProposalRow>(
      `INSERT INTO mode_proposal (mode, drill, reason, proposed_by, proposed_by_id, proposed_by_name, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7::int)) RETURNING ${PROPOSAL_COLUMNS}`,
      [input.mode, input.drill, input.reason, actor.username, actor.userId, actor.displayName, withinMinutes],
    );
    return { proposal: toProposal(row!), changes: await announcePending(tx) };
  });
  hub.publish(changes);
  return proposal;
}

/** A proposal for a confirm or a withdrawal: open, or a 404/409 saying what became of it. */
async function openProposal(tx: Queryable, id: string): Promise<ProposalRow> {
  const [row] = await tx.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM mode_proposal WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw new AppError('not_found', `没有这个模式切换提议（${id}）`);
  const gone = { confirmed: '已确认', cancelled: '已撤回', expired: '已超时失效' } as const;
  if (row.state !== 'pending') throw new AppError('conflict', `该模式切换提议${gone[row.state]}`);
  return row;
}

/**
 * Another leader confirms a proposal within its limit: the switch happens in the same transaction. The proposer
 * cannot confirm their own (403); a lapsed proposal is marked expired and refused (409).
 */
export async function confirmProposal(
  db: Db,
  hub: ChangeHub,
  id: string,
  actor: ModeActor,
  effects: readonly ModeSwitchEffect[] = [],
): Promise<{ before: ModeState; state: ModeState; proposal: ModeProposal }> {
  const outcome = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    const row = await openProposal(tx, id);
    if (row.proposed_by_id === actor.userId) {
      throw new AppError('forbidden', '不能确认本人提出的模式切换：须由另一位领导确认');
    }
    const [{ lapsed }] = (await tx.query<{ lapsed: boolean }>('SELECT $1::timestamptz <= now() AS lapsed', [row.expires_at])) as [
      { lapsed: boolean },
    ];
    if (lapsed) {
      await expireLapsed(tx);
      return { lapsed: true as const, changes: await announcePending(tx) };
    }
    const reason = `${row.reason}（${row.proposed_by_name} 提出，${actor.displayName} 确认）`;
    const done = await switchIn(tx, { mode: row.mode, drill: row.drill, reason }, actor.username, effects);
    await tx.query(`UPDATE mode_proposal SET state = 'confirmed', decided_by = $2, decided_at = now() WHERE id = $1`, [
      id,
      actor.username,
    ]);
    return { lapsed: false as const, ...done, proposal: toProposal(row) };
  });
  hub.publish(outcome.changes);
  if (outcome.lapsed) throw new AppError('conflict', '该模式切换提议已超过确认时限，已失效：请重新提出');
  return outcome;
}

/** A leader withdraws (the proposer) or declines (another leader) an open proposal. */
export async function cancelProposal(db: Db, hub: ChangeHub, id: string, actor: ModeActor): Promise<ModeState> {
  const { state, changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    await openProposal(tx, id);
    await tx.query(`UPDATE mode_proposal SET state = 'cancelled', decided_by = $2, decided_at = now() WHERE id = $1`, [
      id,
      actor.username,
    ]);
    const changes = await announcePending(tx);
    return { state: changes[0]!.mode!, changes };
  });
  hub.publish(changes);
  return state;
}
