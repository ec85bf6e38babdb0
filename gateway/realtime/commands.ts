import { ZodError } from 'zod';
import type { ErrorCode } from '../../contracts/errors';
import { changesSubscribeSchema, TOPIC_LAYER, type Change } from '../../contracts/incidents';
import type { ConferenceClientEvent, MediaClientEvent } from '../../contracts/media';
import { CLIENT_EVENTS, layerSubscribeSchema, type Ack } from '../../contracts/realtime';
import type { Identity } from '../auth/identity';
import { actorOf, sessionInfo, sessionUser, type Principal } from '../auth/principal';
import { AppError, parseInput } from '../http/errors';
import { changesSince } from '../changes/log';
import { changeLayerAccess, liveLayerAccess, mayReceiveChange } from '../policy/layer-access';
import type { Denial } from '../policy/policy';
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
  // The same decision as reading the layer's tiles over HTTP (gateway/policy/layer-access.ts).
  'layer:subscribe': async (ctx, [req]) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    await refuseUnless(ctx, `layer ${layer}`, 'layer:subscribe', liveLayerAccess(ctx.identity.policy, ctx.principal, layer));
    await ctx.socket.join(layerRoom(layer));
    return { layer };
  },
  'layer:unsubscribe': async ({ socket }, [req]) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    await socket.leave(layerRoom(layer));
    return { layer };
  },
  // Joins the change rooms first and reads the log after, so nothing falls between replay and live events
  // (what arrives both ways is dropped by the client by sequence).
  // Each layer as its HTTP read (GET /api/incidents…): who may not read the records gets none of their changes.
  'changes:subscribe': async (ctx, [req]) => {
    const { identity, socket, principal } = ctx;
    const sub = parseInput(changesSubscribeSchema, req);
    for (const layer of sub.layers) {
      await refuseUnless(ctx, `changes ${layer}`, 'changes:subscribe', changeLayerAccess(identity.policy, principal, layer));
    }
    for (const room of socket.rooms) if (room.startsWith('changes:')) await socket.leave(room);
    await socket.join(sub.layers.flatMap((layer) => changeRooms.subscription(layer, sub.areas)));
    const db = identity.db();
    if (sub.since === null) return { changes: [], head: (await changesSince(db, 0, [], [])).head, reset: false };
    const replay = await changesSince(db, sub.since, sub.layers, sub.areas);
    // Replayed under the same rule as sent live: the layer's read, and cases within the principal's case scope.
    const visible = (c: Change) => {
      const layer = TOPIC_LAYER[c.topic];
      return layer === null || mayReceiveChange(identity.policy, principal, layer, c);
    };
    return { ...replay, changes: replay.changes.filter(visible) };
  },
} satisfies Record<ClientEvent, Command>;

/** Passes an allowed decision; a refusal is audited and answered `forbidden` with the policy's reason. */
async function refuseUnless(
  { identity, socket, principal }: CommandContext,
  object: string,
  event: string,
  decision: Denial | { allowed: true },
): Promise<void> {
  if (decision.allowed) return;
  await identity.audit.append({
    action: 'access.denied',
    outcome: 'denied',
    actor: actorOf(principal),
    object,
    sourceIp: socket.data.ip,
    detail: { channel: 'socket', event, reason: decision.reason },
  });
  throw new AppError('forbidden', decision.reason);
}

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
