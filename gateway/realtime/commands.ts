import { ZodError } from 'zod';
import type { ErrorCode } from '../../contracts/errors';
import { changesSubscribeSchema } from '../../contracts/incidents';
import type { ConferenceClientEvent, MediaClientEvent } from '../../contracts/media';
import { CLIENT_EVENTS, layerSubscribeSchema, type Ack } from '../../contracts/realtime';
import type { Identity } from '../auth/identity';
import { actorOf, sessionInfo, sessionUser, type Principal } from '../auth/principal';
import { AppError, parseInput } from '../http/errors';
import { changesSince } from '../changes/log';
import { caseInScope } from '../policy/scope';
import { changeRooms, layerRoom, type RealtimeSocket } from './types';

/** Media and conference requests have handlers of their own (gateway/media/handlers.ts). */
type ClientEvent = Exclude<(typeof CLIENT_EVENTS)[number], MediaClientEvent | ConferenceClientEvent>;
interface CommandContext {
  identity: Identity;
  socket: RealtimeSocket;
  principal: Principal;
}
/** A command handler: untrusted arguments in, the acknowledgement's data out (or an AppError). */
type Command = (ctx: CommandContext, args: unknown[]) => Promise<unknown>;

/** Every client→server event and what it does; the policy check has already passed when these run. */
const COMMANDS = {
  'session:whoami': async ({ identity, principal }) => sessionUser(principal, identity.policy),
  'session:renew': async ({ identity, principal }) => {
    const check = await identity.sessions.resolveId(principal.sessionId);
    if (!check.ok) throw new AppError('unauthenticated', '会话已结束，请重新登录');
    return sessionInfo(check.principal);
  },
  'layer:subscribe': async ({ identity, socket, principal }, [req]) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    const decision = identity.policy.layer(principal, layer);
    if (!decision.allowed) {
      await identity.audit.append({
        action: 'access.denied',
        outcome: 'denied',
        actor: actorOf(principal),
        object: `layer ${layer}`,
        sourceIp: socket.data.ip,
        detail: { channel: 'socket', event: 'layer:subscribe', reason: decision.reason },
      });
      throw new AppError('forbidden', decision.reason);
    }
    await socket.join(layerRoom(layer));
    return { layer };
  },
  'layer:unsubscribe': async ({ socket }, [req]) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    await socket.leave(layerRoom(layer));
    return { layer };
  },
  // Joins the change rooms first and reads the log after, so nothing falls between replay and live events
  // (what arrives both ways is dropped by the client by sequence).
  'changes:subscribe': async ({ identity, socket, principal }, [req]) => {
    const sub = parseInput(changesSubscribeSchema, req);
    for (const layer of sub.layers) {
      const decision = identity.policy.layer(principal, layer);
      if (!decision.allowed) throw new AppError('forbidden', decision.reason);
    }
    for (const room of socket.rooms) if (room.startsWith('changes:')) await socket.leave(room);
    await socket.join(sub.layers.flatMap((layer) => changeRooms.subscription(layer, sub.areas)));
    const db = identity.db();
    if (sub.since === null) return { changes: [], head: (await changesSince(db, 0, [], [])).head, reset: false };
    const replay = await changesSince(db, sub.since, sub.layers, sub.areas);
    // Cases are replayed only within the principal's case scope, as they are sent live.
    return { ...replay, changes: replay.changes.filter((c) => !c.case || caseInScope(identity.policy, principal, c.case)) };
  },
} satisfies Record<ClientEvent, Command>;

export function errorAck(err: unknown, identity: Identity): Ack<never> {
  if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
  if (err instanceof ZodError) return { ok: false, error: { code: 'bad_request', message: err.message } };
  identity.log.error({ err }, 'socket command failed');
  return { ok: false, error: { code: 'internal' satisfies ErrorCode, message: 'internal error' } };
}

/** Registers every command on a socket; the acknowledgement (last argument, when a function) gets the result. */
export function registerCommands(identity: Identity, socket: RealtimeSocket): void {
  for (const event of Object.keys(COMMANDS) as ClientEvent[]) {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (r: Ack<unknown>) => void) : null;
      const params = ack ? args.slice(0, -1) : args;
      COMMANDS[event]({ identity, socket, principal: socket.data.principal }, params).then(
        (data) => ack?.({ ok: true, data }),
        (err: unknown) => ack?.(errorAck(err, identity)),
      );
    });
  }
}
