import type { Server, Socket } from 'socket.io';
import type { RoleId } from '../../contracts/identity';
import { CHANGE_LAYERS, type ChangeLayer } from '../../contracts/incidents';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import type { Principal } from '../auth/principal';

/**
 * No server-to-server events of our own: between gateway processes the Redis adapter carries only session control
 * (`session:ended` and disconnects); each process sends changes to its own clients from the change log.
 */
export type InterServerEvents = Record<string, never>;

export interface SocketData {
  sessionId: string;
  userId: string;
  role: RoleId;
  /** The session was created by this socket's own handshake credentials and ends with it. */
  ownsSession: boolean;
  ip: string | null;
  /** The principal as last re-read for a command. */
  principal: Principal;
  /** The idle deadline last warned about (`session:expiring`), so each deadline is announced once. */
  warnedFor: number | null;
  /** The rights (role, department, grid scope…) the socket's rooms were last granted under (gateway/realtime/rights.ts). */
  rights: string;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Room of every socket of one session: revocation disconnects the whole room. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const layerRoom = (layer: string) => `layer:${layer}`;
/** The layer of a `layerRoom`, or null for another room. */
export const layerOfRoom = (room: string): string | null => (room.startsWith('layer:') ? room.slice('layer:'.length) : null);

/**
 * Change-log rooms: a change of a layer goes to `changes:<layer>:*` (whole-city subscribers) and to its
 * district's room, or to `changes:<layer>:citywide` for entities without one (units on the move); an area
 * subscriber joins its districts' rooms and the city-wide one.
 */
export const changeRooms = {
  of: (layer: ChangeLayer, district: string | null): string[] => [
    `changes:${layer}:*`,
    `changes:${layer}:${district ?? 'citywide'}`,
  ],
  subscription: (layer: ChangeLayer, areas: readonly string[]): string[] =>
    areas.length ? [...areas.map((a) => `changes:${layer}:${a}`), `changes:${layer}:citywide`] : [`changes:${layer}:*`],
  /** The layer of a change room, or null for another room. */
  layerOf: (room: string): ChangeLayer | null => {
    const m = /^changes:([a-z]+):/.exec(room);
    return m && (CHANGE_LAYERS as readonly string[]).includes(m[1]!) ? (m[1] as ChangeLayer) : null;
  },
};
