import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModeProfile } from '../../contracts/incidents';
import type { OrderKind, OrderReceipt, ReceiptsResponse } from '../../contracts/modes';
import type { Queryable } from '../../geo/db/types';
import { readMode } from './service';

const RECEIPTS_SQL = readFileSync(path.join(__dirname, 'receipts.sql'), 'utf8');

/** Received orders stay on the list this long, so the wall shows how quickly they were answered. */
export const RECEIVED_SHOWN_MINUTES = 30;

export interface OrderRow {
  kind: OrderKind;
  id: string;
  recipient: string;
  about: string;
  issued_at: Date | string;
  received_at: Date | string | null;
  drill: boolean;
}

type Limits = NonNullable<ModeProfile['receipts']>;

const limitOf = (limits: Limits | null, kind: OrderKind): number | null =>
  limits === null ? null : { unit: limits.unitSeconds, department: limits.departmentSeconds, task: limits.taskSeconds }[kind];

/**
 * The receipt clocks at `now` under a mode's limits (modes.json `receipts`): each order's elapsed time (to its
 * receipt, or to now while open) and whether it went past the limit; open orders overdue first, then the longest
 * waiting; received ones newest first. Pure.
 */
export function receiptClocks(
  rows: readonly OrderRow[],
  limits: Limits | null,
  now: Date,
): { open: OrderReceipt[]; received: OrderReceipt[] } {
  const all = rows.map((r): OrderReceipt => {
    const issued = new Date(r.issued_at);
    const received = r.received_at === null ? null : new Date(r.received_at);
    const elapsedS = Math.max(0, Math.round(((received ?? now).getTime() - issued.getTime()) / 1000));
    const limitS = limitOf(limits, r.kind);
    return {
      kind: r.kind,
      id: r.id,
      to: r.recipient,
      about: r.about,
      issuedAt: issued.toISOString(),
      receivedAt: received?.toISOString() ?? null,
      elapsedS,
      limitS,
      overdue: limitS !== null && elapsedS > limitS,
      drill: r.drill,
    };
  });
  const open = all
    .filter((r) => r.receivedAt === null)
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.elapsedS - a.elapsedS || a.id.localeCompare(b.id));
  const received = all.filter((r) => r.receivedAt !== null).sort((a, b) => Date.parse(b.receivedAt!) - Date.parse(a.receivedAt!));
  return { open, received };
}

/** The receipt clocks now, under the current mode's limits. */
export async function readReceipts(db: Queryable, profiles: readonly ModeProfile[]): Promise<ReceiptsResponse> {
  const state = await readMode(db);
  const rows = await db.query<OrderRow>(RECEIPTS_SQL, [RECEIVED_SHOWN_MINUTES]);
  const [{ now }] = (await db.query<{ now: Date }>('SELECT now() AS now')) as [{ now: Date }];
  const limits = profiles.find((p) => p.id === state.mode)?.receipts ?? null;
  return { mode: state.mode, at: new Date(now).toISOString(), ...receiptClocks(rows, limits, new Date(now)) };
}
