import { randomUUID } from 'node:crypto';
import {
  WARNING_MAX_DAYS,
  warningName,
  type CancelWarningInput,
  type PublicWarning,
  type PublishWarningInput,
  type WarningMsgType,
  type WarningState,
} from '../../contracts/warnings';
import type { Change } from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { insertChange, lockChangeLog } from '../changes/log';
import { AppError } from '../http/errors';
import { resolveArea, type ResolvedArea } from './area';
import { notifyOnDuty } from './notify';
import { warningSql } from './sql';
import { toWarning, warningRow, type WarningRow } from './store';

const INSERT_SQL = warningSql('insert.sql');
const LOCK_SQL = warningSql('lock.sql');
const END_SQL = warningSql('end.sql');
const DUE_SQL = warningSql('due.sql');
const DUE_PEEK_SQL = warningSql('due-peek.sql');

/** The issuing body named in every message (CAP `senderName`). */
export const SENDER_NAME = '哈尔滨市突发事件预警信息发布中心';

/** Who acts: the login name goes into the message as its publisher. */
interface WarningActor {
  username: string;
}

interface Ctx {
  db: Db;
  hub: ChangeHub;
}

const DAY_MS = 86_400_000;

/** The times of a warning, checked: expiry in the future, after the effective time and onset, within 30 days. */
function checkTimes(input: PublishWarningInput, now: number): void {
  const effective = input.effectiveAt ? Date.parse(input.effectiveAt) : now;
  const onset = input.onsetAt ? Date.parse(input.onsetAt) : effective;
  const expires = Date.parse(input.expiresAt);
  if (expires <= now) throw new AppError('bad_request', 'expiresAt: 解除（失效）时间必须晚于当前时间');
  if (expires <= effective) throw new AppError('bad_request', 'expiresAt: 解除（失效）时间必须晚于生效时间');
  if (onset > expires) throw new AppError('bad_request', 'onsetAt: 开始时间不能晚于解除（失效）时间');
  if (expires - Math.min(effective, now) > WARNING_MAX_DAYS * DAY_MS) {
    throw new AppError('bad_request', `expiresAt: 预警有效期不能超过 ${WARNING_MAX_DAYS} 天`);
  }
}

async function nextSeq(tx: Queryable): Promise<number> {
  const [{ seq }] = (await tx.query<{ seq: string }>("SELECT nextval('change_seq') AS seq")) as [{ seq: string }];
  return Number(seq);
}

/** The row's current state appended to the change log under the sequence the row carries. */
async function logRow(tx: Queryable, id: string): Promise<{ warning: PublicWarning; changes: Change[] }> {
  const warning = toWarning((await warningRow(tx, id))!);
  const changes = await insertChange(tx, warning.seq, { topic: 'warning', entity: id, district: null, payload: { warning } });
  return { warning, changes };
}

/** What a message says besides its area and headline. */
type Content = Omit<PublishWarningInput, 'area' | 'headline'>;

interface Insert {
  msgType: WarningMsgType;
  referencesId: string | null;
  input: Content;
  area: ResolvedArea;
  headline: string;
  actor: WarningActor;
  note?: string | null;
}

async function insertMessage(tx: Queryable, m: Insert): Promise<string> {
  const id = randomUUID();
  const { input, area } = m;
  await tx.query(INSERT_SQL, [
    id,
    `harbin-warning-${id}`,
    m.msgType,
    m.referencesId,
    input.drill,
    input.hazard,
    input.level,
    m.headline,
    input.description,
    input.instruction,
    input.certainty,
    area.kind,
    area.codes,
    area.desc,
    area.geojson,
    JSON.stringify(area.capAreas),
    input.effectiveAt ?? null,
    input.onsetAt ?? null,
    input.expiresAt,
    m.actor.username,
    SENDER_NAME,
    m.note ?? null,
    await nextSeq(tx),
  ]);
  return id;
}

const defaultHeadline = (input: PublishWarningInput, area: ResolvedArea) =>
  `${SENDER_NAME}发布${area.desc.length > 40 ? '' : area.desc}${warningName(input)}`;

/** The message an update or cancel refers to, locked: it must be the one in force. */
async function lockCurrent(tx: Queryable, id: string, doing: string): Promise<void> {
  const [row] = await tx.query<{ state: WarningState; msg_type: WarningMsgType; due: boolean }>(LOCK_SQL, [id]);
  if (!row) throw new AppError('not_found', `没有编号为 ${id} 的预警`);
  if (row.msg_type === 'Cancel') throw new AppError('conflict', `这是一条解除通知，不能${doing}`);
  if (row.state === 'superseded') throw new AppError('conflict', `该预警已被调整，请对最新的一条${doing}`);
  if (row.state === 'cancelled') throw new AppError('conflict', `该预警已解除，不能再${doing}`);
  if (row.state === 'expired' || row.due) throw new AppError('conflict', `该预警已过期失效，不能再${doing}`);
}

async function inTransaction<T>(ctx: Ctx, fn: (tx: Queryable) => Promise<{ result: T; changes: Change[] }>): Promise<T> {
  const { result, changes } = await ctx.db.transaction(async (tx) => {
    await lockChangeLog(tx);
    return fn(tx);
  });
  ctx.hub.publish(changes);
  return result;
}

/** Publishes a new warning (CAP Alert); red and orange ones page whoever is on duty. */
export async function publishWarning(ctx: Ctx, input: PublishWarningInput, actor: WarningActor): Promise<PublicWarning> {
  checkTimes(input, Date.now());
  return inTransaction(ctx, async (tx) => {
    const area = await resolveArea(tx, input.area);
    const headline = input.headline ?? defaultHeadline(input, area);
    const id = await insertMessage(tx, { msgType: 'Alert', referencesId: null, input, area, headline, actor });
    const { warning, changes } = await logRow(tx, id);
    await notifyOnDuty(tx, warning);
    return { result: warning, changes };
  });
}

/**
 * Adjusts a warning in force (CAP Update): a new message with the whole new content that references the one it
 * replaces, which leaves force ('superseded'). Raising it to red or orange pages whoever is on duty.
 */
export async function updateWarning(
  ctx: Ctx,
  id: string,
  input: PublishWarningInput,
  actor: WarningActor,
): Promise<{ warning: PublicWarning; replaced: PublicWarning }> {
  checkTimes(input, Date.now());
  return inTransaction(ctx, async (tx) => {
    await lockCurrent(tx, id, '调整');
    const area = await resolveArea(tx, input.area);
    await tx.query(END_SQL, [id, 'superseded', await nextSeq(tx)]);
    const old = await logRow(tx, id);
    const headline = input.headline ?? `${SENDER_NAME}调整${area.desc.length > 40 ? '' : area.desc}${warningName(input)}`;
    const newId = await insertMessage(tx, { msgType: 'Update', referencesId: id, input, area, headline, actor });
    const next = await logRow(tx, newId);
    await notifyOnDuty(tx, next.warning, old.warning);
    return { result: { warning: next.warning, replaced: old.warning }, changes: [...old.changes, ...next.changes] };
  });
}

/**
 * Lifts a warning (CAP Cancel): the message in force becomes 'cancelled', and a cancel notice referencing it is
 * published for CAP consumers until the warning would have expired.
 */
export async function cancelWarning(
  ctx: Ctx,
  id: string,
  input: CancelWarningInput,
  actor: WarningActor,
): Promise<{ notice: PublicWarning; cancelled: PublicWarning }> {
  return inTransaction(ctx, async (tx) => {
    await lockCurrent(tx, id, '解除');
    const row = (await warningRow(tx, id)) as WarningRow;
    const cancelled = toWarning(row);
    await tx.query(END_SQL, [id, 'cancelled', await nextSeq(tx)]);
    const old = await logRow(tx, id);
    const content: Content = {
      hazard: cancelled.hazard,
      level: cancelled.level,
      description: `${cancelled.headline}，现予解除。解除原因：${input.reason}`,
      instruction: '预警已解除，请关注后续发布的信息。',
      certainty: cancelled.certainty,
      expiresAt: cancelled.expiresAt,
      drill: cancelled.drill,
    };
    const area: ResolvedArea = {
      kind: cancelled.areaKind,
      codes: cancelled.areaCodes,
      desc: cancelled.areaDesc,
      geojson: JSON.stringify(cancelled.geometry),
      capAreas: row.cap_areas,
    };
    const headline = `解除${cancelled.areaDesc.length > 40 ? '' : cancelled.areaDesc}${warningName(cancelled)}`;
    const noticeId = await insertMessage(tx, {
      msgType: 'Cancel',
      referencesId: id,
      input: content,
      area,
      headline,
      actor,
      note: input.reason,
    });
    const notice = await logRow(tx, noticeId);
    return { result: { notice: notice.warning, cancelled: old.warning }, changes: [...old.changes, ...notice.changes] };
  });
}

/**
 * Marks the messages whose expiry has passed as expired, each with its change-log entry, so that walls drop them
 * without a reload. Safe to run on every gateway at once: a message being expired elsewhere is skipped.
 */
export async function expireDue(ctx: Ctx): Promise<PublicWarning[]> {
  // Looked at first without the change-log lock, which every writer of the platform shares.
  if (!(await ctx.db.query(DUE_PEEK_SQL)).length) return [];
  return inTransaction(ctx, async (tx) => {
    const due = await tx.query<{ id: string }>(DUE_SQL);
    const expired: PublicWarning[] = [];
    const changes: Change[] = [];
    for (const { id } of due) {
      await tx.query(END_SQL, [id, 'expired', await nextSeq(tx)]);
      const logged = await logRow(tx, id);
      expired.push(logged.warning);
      changes.push(...logged.changes);
    }
    return { result: expired, changes };
  });
}
