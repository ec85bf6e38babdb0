import { z } from 'zod';
import type { AckFn } from './ack';
import type { ErrorCode } from './errors';
import type { SessionInfo, SessionUser } from './identity';
import type { Change, ChangesCatchUp, ChangesSubscribe, ModeState } from './incidents';
import type { InboxItem } from './notify';
import {
  CONFERENCE_CLIENT_EVENTS,
  MEDIA_CLIENT_EVENTS,
  type ConferenceClientToServerEvents,
  type ConferenceServerToClientEvents,
  type MediaClientToServerEvents,
  type MediaServerToClientEvents,
} from './media';

/**
 * The Socket.IO wire: server→client events are facts, client→server events are commands answered with an
 * acknowledgement. Event names are `entity:verb`.
 */
export type { Ack, AckFn } from './ack';

export const SESSION_END_REASONS = ['logout', 'revoked', 'expired', 'disabled', 'password_changed'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export interface ServerToClientEvents extends MediaServerToClientEvents, ConferenceServerToClientEvents {
  /** The session will end for inactivity soon unless renewed (`session:renew` or `POST /api/auth/renew`). */
  'session:expiring': (info: { idleExpiresAt: string; secondsLeft: number }) => void;
  /** The session has ended; the server disconnects the socket right after this event. */
  'session:ended': (info: { reason: SessionEndReason; message: string }) => void;
  /**
   * The account's rights changed (role, department, grid scope) while the session goes on: the server has already
   * left the rooms it may no longer read; the client reloads what it may do from `user`.
   */
  'session:changed': (info: { user: SessionUser; message: string }) => void;
  /**
   * Committed changes on a subscribed layer and area, in sequence order; one event carries every change of one
   * read of the change log for that room, so a burst costs one frame per client, not one per change.
   */
  changes: (batch: Change[]) => void;
  /** The system mode changed: sent to every connected client at once. */
  'mode:changed': (state: ModeState) => void;
  /** Heartbeat every `HEAD_INTERVAL_MS`: the newest committed sequence. A client that hears nothing for
   * `STALE_AFTER_MS` shows its connection as stale. */
  'changes:head': (head: { seq: number; at: string }) => void;
  /**
   * Vector tiles of a layer that changed (an incident, unit or case moved, appeared or changed state): sent to the
   * sockets that joined the layer with `layer:subscribe`, so open maps re-fetch only these tiles.
   */
  'tiles:invalidate': (update: TileInvalidation) => void;
  /** An in-app notification (通知) for this user has been delivered: the bell shows it. */
  'notify:new': (item: InboxItem) => void;
}

/** Tile ids are `z/x/y` strings over the layer's whole zoom range; `seq` is the change-log sequence that caused it. */
export interface TileInvalidation {
  layer: string;
  tiles: string[];
  seq: number;
}

export const HEAD_INTERVAL_MS = 2000;
export const STALE_AFTER_MS = 10_000;

export const layerSubscribeSchema = z.object({
  layer: z.string({ error: 'layer 必填' }).regex(/^[a-z0-9_-]{1,40}$/, 'layer 须为图层 id，只含 a–z、0–9、"_" 或 "-"'),
});
export type LayerSubscribe = z.infer<typeof layerSubscribeSchema>;

export interface ClientToServerEvents extends MediaClientToServerEvents, ConferenceClientToServerEvents {
  'session:whoami': (ack: AckFn<SessionUser>) => void;
  'session:renew': (ack: AckFn<SessionInfo>) => void;
  'layer:subscribe': (req: LayerSubscribe, ack: AckFn<{ layer: string }>) => void;
  'layer:unsubscribe': (req: LayerSubscribe, ack: AckFn<{ layer: string }>) => void;
  /** Subscribe to layers and areas of the change log; answered with the changes missed since `since`. */
  'changes:subscribe': (req: ChangesSubscribe, ack: AckFn<ChangesCatchUp>) => void;
}

/** Names of every client→server event, so the policy file can be checked against the wire. */
export const CLIENT_EVENTS = [
  'session:whoami',
  'session:renew',
  'layer:subscribe',
  'layer:unsubscribe',
  'changes:subscribe',
  ...MEDIA_CLIENT_EVENTS,
  ...CONFERENCE_CLIENT_EVENTS,
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Socket.IO handshake `auth` payload: nothing (the session cookie is used) or device/integrator credentials. */
export const handshakeAuthSchema = z.union([
  z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) }).strict(),
  z.object({}).strict(),
]);

/** The `data` of a refused connection (`connect_error.data`). */
export interface ConnectErrorData {
  code: ErrorCode;
  message: string;
}
