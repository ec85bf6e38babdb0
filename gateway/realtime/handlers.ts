import { changesSubscribeSchema, TOPIC_LAYER, type Change } from '../../contracts/incidents';
import type { ConferenceClientEvent, MediaClientEvent } from '../../contracts/media';
import { CLIENT_EVENTS, layerSubscribeSchema } from '../../contracts/realtime';
import type { Identity } from '../auth/identity';
import { actorOf, sessionInfo, sessionUser, type Principal } from '../auth/principal';
import { AppError, parseInput } from '../http/errors';
import { changesSince } from '../changes/log';
import { changeLayerAccess, liveLayerAccess, mayReceiveChange } from '../policy/layer-access';
import type { Denial } from '../policy/policy';
import { registerHandlers, type SocketHandlers } from './registry';
import { changeRooms, layerRoom, type RealtimeSocket } from './types';

/** Media and conference requests have handlers of their own (gateway/media/handlers.ts). */
type SessionEvent = Exclude<(typeof CLIENT_EVENTS)[number], MediaClientEvent | ConferenceClientEvent>;
interface SessionContext {
  identity: Identity;
  socket: RealtimeSocket;
  principal: Principal;
  /** Settles when this process's change tail follows the log (gateway/realtime/server.ts). */
  following: Promise<void>;
}

/** The session, layer and change-log requests; the policy check has already passed when these run. */
const HANDLERS = {
  'session:whoami': async ({ identity, principal }) => sessionUser(principal, identity.policy),
  'session:renew': async ({ identity, principal }) => {
    const check = await identity.sessions.resolveId(principal.sessionId);
    if (!check.ok) throw new AppError('unauthenticated', '会话已结束，请重新登录');
    return sessionInfo(check.principal);
  },
  // The same decision as reading the layer's tiles over HTTP (gateway/policy/layer-access.ts).
  'layer:subscribe': async (ctx, req) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    await refuseUnless(ctx, `layer ${layer}`, 'layer:subscribe', liveLayerAccess(ctx.identity.policy, ctx.principal, layer));
    await ctx.socket.join(layerRoom(layer));
    return { layer };
  },
  'layer:unsubscribe': async ({ socket }, req) => {
    const { layer } = parseInput(layerSubscribeSchema, req);
    await socket.leave(layerRoom(layer));
    return { layer };
  },
  // Joins the change rooms first and reads the log after, so nothing falls between replay and live events
  // (what arrives both ways is dropped by the client by sequence).
  // Each layer as its HTTP read (GET /api/incidents…): who may not read the records gets none of their changes.
  'changes:subscribe': async (ctx, req) => {
    const { identity, socket, principal } = ctx;
    const sub = parseInput(changesSubscribeSchema, req);
    for (const layer of sub.layers) {
      await refuseUnless(ctx, `changes ${layer}`, 'changes:subscribe', changeLayerAccess(identity.policy, principal, layer));
    }
    // Right after start-up the tail may not follow the log yet: a replay read now could end below its starting
    // point, and what fell between would reach this socket neither way.
    await ctx.following.catch(() => {
      throw new AppError('unavailable', '实时推送尚未启动，请稍后重试');
    });
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
} satisfies SocketHandlers<SessionContext, SessionEvent>;

/** Passes an allowed decision; a refusal is audited and answered `forbidden` with the policy's reason. */
async function refuseUnless(
  { identity, socket, principal }: SessionContext,
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

/** Registers the session, layer and change-log requests on a socket. */
export function registerSessionHandlers(identity: Identity, socket: RealtimeSocket, following: Promise<void>): void {
  registerHandlers(socket, HANDLERS, {
    context: () => ({ identity, socket, principal: socket.data.principal, following }),
    log: identity.log,
  });
}
