import { z } from 'zod';
import type { ModeProfile, ModeState, SystemMode } from './incidents';

/** `GET /api/mode`: the mode (with a switch awaiting a second leader), the profiles, and the standing conference. */
export interface ModeResponse {
  state: ModeState;
  profiles: ModeProfile[];
  conference: StandingConference | null;
}

/** `POST /api/mode`: switched at once (200, the new state), or proposed for a second leader (202). */
export type ModeChangeAnswer = ModeState | { state: ModeState; proposal: NonNullable<ModeState['pending']> };

export const modeProposalRef = z.object({
  id: z.uuid({ error: '提议编号须为 UUID' }),
});

/** The standing conference of a mode (modes.json `standingConference`), opened when the mode begins. */
export interface StandingConference {
  id: string;
  mode: SystemMode;
  drill: boolean;
  title: string;
  /** Usernames invited (named, or members of the named departments when it opened). */
  inviteUsers: string[];
  inviteRoles: string[];
  openedAt: string;
  openedBy: string | null;
}

/** Orders whose receipt is clocked: a unit sent to an incident, a case sent to a department, a response task. */
export const ORDER_KINDS = ['unit', 'department', 'task'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_KIND_LABELS: Record<OrderKind, string> = { unit: '力量派遣', department: '案件派遣', task: '响应任务' };

/** One order's receipt clock (命令与回执计时). */
export interface OrderReceipt {
  kind: OrderKind;
  id: string;
  /** Who the order went to: a unit's callsign, a department's name. */
  to: string;
  /** What it is about: the incident, the case, the task. */
  about: string;
  issuedAt: string;
  receivedAt: string | null;
  /** Seconds from issue to receipt, or to now while open. */
  elapsedS: number;
  /** The mode's limit for this kind (null: the mode clocks no receipts). */
  limitS: number | null;
  overdue: boolean;
  drill: boolean;
}

/** `GET /api/mode/receipts`: open orders (overdue first, then longest waiting) and those received lately. */
export interface ReceiptsResponse {
  mode: SystemMode;
  at: string;
  open: OrderReceipt[];
  received: OrderReceipt[];
}
