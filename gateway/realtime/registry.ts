import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { ErrorCode } from '../../contracts/errors';
import type { Ack, AckFn, ClientToServerEvents } from '../../contracts/realtime';
import { MediaError } from '../../media/sfu/errors';
import { AppError } from '../http/errors';
import type { RealtimeSocket } from './types';

/**
 * The socket handler registry: each client→server event of the wire (contracts/realtime.ts) has one handler whose
 * arguments and answer are those of its entry in the event map, so the compiler checks both directions. The types
 * say what a well-behaved client sends; what a handler trusts is its own zod parse of the arguments.
 */
export type ClientEvent = keyof ClientToServerEvents;
type Params<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>;
/** What the client sends before its acknowledgement. */
export type EventArgs<E extends ClientEvent> = Params<E> extends [...infer A, AckFn<infer _T>] ? A : never;
/** The `data` of the event's acknowledgement. */
export type AckData<E extends ClientEvent> = Params<E> extends [...unknown[], AckFn<infer T>] ? T : never;

export type SocketHandler<Ctx, E extends ClientEvent> = (ctx: Ctx, ...args: EventArgs<E>) => Promise<AckData<E>>;
/** One handler per event of `K`: a table checked with `satisfies`, so a missing or mistyped handler fails to compile. */
export type SocketHandlers<Ctx, K extends ClientEvent> = { [E in K]: SocketHandler<Ctx, E> };

/** The arguments of a received event and its acknowledgement: the last argument, when it is a function. */
export function splitAck(received: readonly unknown[]): { args: unknown[]; ack: AckFn<unknown> | null } {
  const last = received[received.length - 1];
  if (typeof last !== 'function') return { args: [...received], ack: null };
  return { args: received.slice(0, -1), ack: last as AckFn<unknown> };
}

/** Acknowledges an event that socket middleware refused (rate limit, text check, policy), when the client asked. */
export function refuseEvent(packet: readonly unknown[], error: { code: ErrorCode; message: string }): void {
  splitAck(packet).ack?.({ ok: false, error });
}

/**
 * The one mapping of a failure to its acknowledgement: refusals (AppError, MediaError) carry their code and message,
 * a schema failure is the client's, anything else is logged and answered `internal` without its details.
 */
export function errorAck(err: unknown, log: Logger): Ack<never> {
  if (err instanceof AppError || err instanceof MediaError) return { ok: false, error: { code: err.code, message: err.message } };
  if (err instanceof ZodError) return { ok: false, error: { code: 'bad_request', message: err.message } };
  log.error({ err }, 'socket request failed');
  return { ok: false, error: { code: 'internal', message: 'internal error' } };
}

export interface RegistryOptions<Ctx> {
  /** The handlers' context, built for each event (the principal is the one last re-read for the socket). */
  context: () => Ctx;
  log: Logger;
  /** Turns an error that is the client's fault (e.g. a library refusing its parameters) into a refusal. */
  clientFault?: (err: unknown) => AppError | null;
}

/**
 * Registers a table of handlers on a socket. The policy, the text check and the rate limit have already passed when
 * a handler runs (socket middleware in gateway/realtime/server.ts); the acknowledgement, when the client sent one,
 * gets `{ok: true, data}` or the refusal of `errorAck`.
 */
export function registerHandlers<Ctx, K extends ClientEvent>(
  socket: RealtimeSocket,
  handlers: SocketHandlers<Ctx, K>,
  { context, log, clientFault }: RegistryOptions<Ctx>,
): void {
  // Socket.IO's typed `on` takes one event at a time; the registry's table is what ties each name to its types.
  const on = socket.on.bind(socket) as (event: string, listener: (...received: unknown[]) => void) => void;
  for (const event of Object.keys(handlers) as K[]) {
    const handler = handlers[event] as (ctx: Ctx, ...args: unknown[]) => Promise<unknown>;
    on(event, (...received) => {
      const { args, ack } = splitAck(received);
      let run: Promise<unknown>;
      try {
        run = handler(context(), ...args);
      } catch (err) {
        run = Promise.reject(err);
      }
      run.then(
        (data) => ack?.({ ok: true, data }),
        (err: unknown) => ack?.(errorAck(clientFault?.(err) ?? err, log)),
      );
    });
  }
}
