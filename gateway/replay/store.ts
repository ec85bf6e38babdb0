import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Change, ModeState } from '../../contracts/incidents';
import { REPLAY_EXCLUDED_TOPICS, type ReplayEntry, type ReplayPage } from '../../contracts/replay';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';

const sql = (name: string): string => readFileSync(path.join(__dirname, name), 'utf8');
const STATE_PAGE_SQL = sql('state-page.sql');
const CHANGES_PAGE_SQL = sql('changes-page.sql');
const FIRST_SEQ_SQL = sql('first-seq.sql');
const INITIAL_MODE_SQL = sql('initial-mode.sql');

/**
 * Where a replay goes on: in the state at `from` after an entity (`s`: topic and entity id), or in the changes
 * after a sequence (`c`). Sent to the client as base64url JSON and read back only through this schema.
 */
const cursorSchema = z.discriminatedUnion('p', [
  z.object({ p: z.literal('s'), t: z.string().max(40), e: z.string().max(200) }).strict(),
  z.object({ p: z.literal('c'), s: z.number().int().min(0) }).strict(),
]);
type Cursor = z.infer<typeof cursorSchema>;

const START: Cursor = { p: 's', t: '', e: '' };

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(text: string | undefined): Cursor {
  if (text === undefined) return START;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // answered below
  }
  throw new AppError('bad_request', '翻页标记 cursor 无效：请使用上一页返回的 next');
}

interface EntryRow {
  seq: string;
  topic: string;
  entity: string;
  at: Date | string;
  district: string | null;
  payload: Record<string, unknown>;
}

const toEntry = (r: EntryRow): ReplayEntry =>
  ({
    ...r.payload,
    seq: Number(r.seq),
    topic: r.topic,
    at: new Date(r.at).toISOString(),
    district: r.district,
    entity: r.entity,
  }) as Change as ReplayEntry;

/**
 * Every mode change is logged; before the first one the mode was the one the platform started in. That state is
 * part of the picture at `from` when no change was logged by then (sequence 0, as the mode row's own).
 */
async function initialMode(db: Queryable, from: string): Promise<ReplayEntry[]> {
  const rows = await db.query<{ mode: ModeState['mode']; drill: boolean; reason: string; changed_at: Date | string }>(
    INITIAL_MODE_SQL,
    [from],
  );
  return rows.map((r) => {
    const at = new Date(r.changed_at).toISOString();
    const mode: ModeState = { mode: r.mode, drill: r.drill, reason: r.reason, changedBy: null, changedAt: at, seq: 0 };
    return { seq: 0, topic: 'mode', at, district: null, entity: 'system', mode };
  });
}

/**
 * One page of a replay of (`from`, `to`]: while the state at `from` lasts, its entities in (topic, entity) order;
 * then the changes after `from` in sequence order. A page holds at most `limit` entries, so a period of any length
 * is read in bounded steps.
 */
export async function replayPage(
  db: Queryable,
  q: { from: string; to: string; cursor?: string; limit: number },
): Promise<Pick<ReplayPage, 'state' | 'changes' | 'next'>> {
  const cursor = decodeCursor(q.cursor);
  const excluded = [...REPLAY_EXCLUDED_TOPICS];
  if (cursor.p === 's') {
    const rows = await db.query<EntryRow & { key_topic: string; key_entity: string }>(STATE_PAGE_SQL, [
      q.from,
      cursor.t,
      cursor.e,
      q.limit,
      excluded,
    ]);
    const state = rows.filter((r) => r.seq !== null).map(toEntry);
    const last = rows[rows.length - 1];
    if (last && rows.length === q.limit) {
      return { state, changes: [], next: encodeCursor({ p: 's', t: last.key_topic, e: last.key_entity }) };
    }
    const [first] = await db.query<{ seq: string }>(FIRST_SEQ_SQL, [q.from]);
    state.push(...(await initialMode(db, q.from)));
    return { state, changes: [], next: encodeCursor({ p: 'c', s: Number(first?.seq ?? 0) }) };
  }
  const rows = await db.query<EntryRow>(CHANGES_PAGE_SQL, [q.from, q.to, cursor.s, q.limit, excluded]);
  const changes = rows.map(toEntry);
  const last = changes[changes.length - 1];
  return { state: [], changes, next: last && changes.length === q.limit ? encodeCursor({ p: 'c', s: last.seq }) : null };
}
