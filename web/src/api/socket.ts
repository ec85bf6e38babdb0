import type { Socket } from 'socket.io-client';
import type { AckFn, ClientToServerEvents, ServerToClientEvents } from '../../../contracts/realtime';
import { ApiError } from './http';

/** The one Socket.IO connection of the signed-in session, typed with the wire contract. */
export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type ClientEvent = keyof ClientToServerEvents;
type Params<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>;
/** What the client sends with an event, before its acknowledgement. */
export type RequestArgs<E extends ClientEvent> = Params<E> extends [...infer A, AckFn<infer _T>] ? A : never;
/** The `data` of an event's acknowledgement. */
export type AnswerOf<E extends ClientEvent> = Params<E> extends [...unknown[], AckFn<infer T>] ? T : never;

/**
 * Sends a request over the socket and resolves with its acknowledged data, or rejects with an ApiError carrying the
 * server's code and message (status 0: no HTTP here). Arguments and answer are those of the event map.
 */
export function ask<E extends ClientEvent>(socket: RealtimeSocket, event: E, ...args: RequestArgs<E>): Promise<AnswerOf<E>> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) {
      reject(new ApiError(0, 'unavailable', '实时连接未建立'));
      return;
    }
    const ack: AckFn<AnswerOf<E>> = (r) => (r.ok ? resolve(r.data) : reject(new ApiError(0, r.error.code, r.error.message)));
    // Socket.IO's emit cannot spread a generic event's arguments; `RequestArgs<E>` + the ack is exactly its parameter list.
    (socket.emit as (event: E, ...rest: unknown[]) => void)(event, ...args, ack);
  });
}
