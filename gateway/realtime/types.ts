import type { Server, Socket } from 'socket.io';
import type { RoleId } from '../../contracts/identity';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import type { Principal } from '../auth/principal';

/** No server-to-server events yet (one gateway process); a cluster adapter would add them here. */
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
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Room of every socket of one session: revocation disconnects the whole room. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const layerRoom = (layer: string) => `layer:${layer}`;
