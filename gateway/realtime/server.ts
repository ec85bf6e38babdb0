import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { TOPIC_LAYER, type Change } from '../../contracts/incidents';
import { HEAD_INTERVAL_MS, type SessionEndReason, type TileInvalidation } from '../../contracts/realtime';
import { changeHead } from '../changes/log';
import { ChangeTail } from '../changes/tail';
import { identityOf, type Identity } from '../auth/identity';
import { ENDED_MESSAGES } from '../auth/messages';
import { actorOf } from '../auth/principal';
import type { AppDeps } from '../deps';
import type { Policy } from '../policy/policy';
import { liveLayerAccess, mayReceiveChange } from '../policy/layer-access';
import { CALLER_LIMITS, socketEventLimiter, TokenBuckets } from '../auth/rate-limit';
import { checkHandshakeText, checkSocketEvent } from '../http/text-safety';
import { socketAccessControl } from '../policy/socket';
import { conferencesOf } from '../media/conference';
import { registerMediaHandlers } from '../media/handlers';
import { StandingConferences } from '../media/standing-conference';
import { registerSessionHandlers } from './handlers';
import { handshakeAuth } from './handshake';
import { originAllowed } from './origin';
import { depthCheckedParser } from './parser';
import { regrant, rightsOf } from './rights';
import { TileInvalidator } from './tile-invalidation';
import { changeRooms, layerRoom, sessionRoom, type RealtimeServer, type RealtimeSocket } from './types';

/** How often live sockets' sessions are re-checked (expiry, revocation by another process, disabled users). */
export const SWEEP_MS = 500;
/** `session:expiring` is sent this long before the idle deadline. */
export const WARN_BEFORE_MS = 2 * 60_000;

export interface Realtime {
  io: RealtimeServer;
  close(): Promise<void>;
}

/**
 * The Socket.IO server on the gateway's HTTP server: Origin allow-list at the transport, session or
 * credential authentication at the handshake, the policy on every event, and session ends (logout,
 * revocation, expiry) turned into `session:ended` + disconnect of that session's sockets within a second.
 */
export function attachRealtime(server: HttpServer, deps: AppDeps): Realtime {
  const identity = identityOf(deps);
  deps.media?.attach(identity);
  const allowList = deps.config.ALLOWED_ORIGINS.map((o) => new URL(o).origin);
  const io: RealtimeServer = new Server(server, {
    serveClient: false,
    parser: depthCheckedParser,
    allowRequest: (req, cb) => cb(originAllowed(req, allowList) ? null : 'origin not allowed', originAllowed(req, allowList)),
  });
  // Several gateway processes behind one URL: the Redis adapter carries session control between them (a session's
  // end and the disconnect of its sockets, wherever they are connected). Changes never travel through it: every
  // process follows the change log and sends to its own clients (`io.local`).
  const redis = deps.config.REDIS_URL ? new Redis(deps.config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  const redisSub = redis?.duplicate() ?? null;
  if (redis && redisSub) {
    for (const c of [redis, redisSub])
      c.on('error', (err: Error) => deps.log.warn({ err: err.message }, 'redis adapter connection'));
    io.adapter(createAdapter(redis, redisSub));
  }
  io.engine.on('connection_error', (err: { req?: { headers?: { origin?: string } }; message?: string }) => {
    deps.log.warn({ origin: err.req?.headers?.origin, reason: err.message }, 'socket connection refused');
  });

  const kick = (room: string, reason: SessionEndReason | 'unknown') => {
    const r = reason === 'unknown' ? 'revoked' : reason;
    io.to(room).emit('session:ended', { reason: r, message: ENDED_MESSAGES[reason] });
    io.in(room).disconnectSockets(false);
  };
  const onEnded = ({ sessionId, reason }: { sessionId: string; reason: SessionEndReason }) =>
    kick(sessionRoom(sessionId), reason);
  identity.sessions.on('ended', onEnded);

  io.use(checkHandshakeText);
  io.use(handshakeAuth(identity));
  const eventBuckets = new TokenBuckets(CALLER_LIMITS.socketEvents);
  io.on('connection', (socket) => {
    void socket.join(sessionRoom(socket.data.sessionId));
    // Per-user rate limit, then the text check of the arguments, then the policy: each before any handler.
    socket.use(socketEventLimiter(eventBuckets, () => socket.data.userId));
    socket.use(checkSocketEvent);
    socket.use(socketAccessControl(identity, socket, (reason) => kick(sessionRoom(socket.data.sessionId), reason)));
    registerSessionHandlers(identity, socket, following);
    registerMediaHandlers(deps.media ?? null, identity, socket);
    socket.on('disconnect', () => endOwnedSession(identity, socket));
  });

  // Changes go out from the change log, followed by every process for its own clients (see ChangeTail): the
  // Redis adapter carries session ends and kicks between processes, never a change twice.
  let tail: ChangeTail | null = null;
  // The standing conference of the mode, held by this process's conference service while its record is open.
  let standing: StandingConferences | null = null;
  let closed = false;
  // Settles once the tail follows the log: a replay read before that could end below the tail's starting point.
  let markFollowing: () => void = () => undefined;
  let failFollowing: (err: unknown) => void = () => undefined;
  const following = new Promise<void>((resolve, reject) => {
    markFollowing = resolve;
    failFollowing = reject;
  });
  following.catch(() => undefined);
  const unsubscribe = deps.readiness.changes.subscribe(() => tail?.poke());
  const tailStarted = deps.readiness
    .whenReady()
    .then(async (state) => {
      if (closed) return;
      const tiles = new TileInvalidator();
      await tiles.prime(state.db);
      if (closed) return;
      tail = await ChangeTail.start(state.db, deps.log);
      if (deps.media) standing = new StandingConferences(conferencesOf(deps.media, identity), state.db, deps.log);
      tail.subscribe((changes) => {
        identity.mode.heard(changes);
        standing?.heard(changes);
        broadcast(io, changes, identity.policy);
        for (const update of tiles.invalidations(changes)) sendTileInvalidation(io, update, identity.policy);
      });
      markFollowing();
      // A record already open when this gateway starts (after a restart, or another gateway's switch) is held now.
      void standing?.sync();
    })
    .catch((err: unknown) => {
      failFollowing(err);
      deps.log.error({ err }, 'change tail could not start; live subscriptions are refused');
    });

  const timer = setInterval(
    () => void sweep(io, identity, kick).catch((err: unknown) => deps.log.warn({ err }, 'session sweep failed')),
    SWEEP_MS,
  );
  timer.unref();
  // The heartbeat goes only to this process's own clients, from the database: a wall that stops hearing it
  // has lost its gateway or the gateway its database.
  const heartbeat = setInterval(() => {
    const state = deps.readiness.current;
    if (!state || io.of('/').sockets.size === 0) return;
    changeHead(state.db).then(
      (seq) => io.local.emit('changes:head', { seq, at: new Date().toISOString() }),
      (err: unknown) => deps.log.warn({ err }, 'change-log head unavailable; heartbeat skipped'),
    );
  }, HEAD_INTERVAL_MS);
  heartbeat.unref();
  return {
    io,
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearInterval(heartbeat);
      unsubscribe();
      await tailStarted;
      await tail?.stop();
      await standing?.stop();
      identity.sessions.off('ended', onEnded);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await Promise.all([redis?.quit().catch(() => undefined), redisSub?.quit().catch(() => undefined)]);
    },
  };
}

/** A burst is sent in events of at most this many changes, so no client has to parse one huge frame. */
export const MAX_CHANGES_PER_EVENT = 50;

/**
 * Committed changes to this process's subscribers, in sequence order, as one `changes` event per room (a socket
 * sits in the whole-city room of a layer or in its districts' rooms, never both, so it gets each change once);
 * mode changes to all its clients. Cases go socket by socket, each to the sockets whose case scope holds it.
 */
function broadcast(io: RealtimeServer, changes: readonly Change[], policy: Policy): void {
  const byRoom = new Map<string, Change[]>();
  const cases: Change[] = [];
  for (const change of changes) {
    if (change.topic === 'mode') {
      if (change.mode) io.local.emit('mode:changed', change.mode);
      continue;
    }
    if (change.case) {
      cases.push(change);
      continue;
    }
    const layer = TOPIC_LAYER[change.topic];
    if (!layer) continue;
    for (const room of changeRooms.of(layer, change.district)) {
      const list = byRoom.get(room);
      if (list) list.push(change);
      else byRoom.set(room, [change]);
    }
  }
  for (const [room, list] of byRoom) {
    for (let i = 0; i < list.length; i += MAX_CHANGES_PER_EVENT) {
      io.local.to(room).emit('changes', list.slice(i, i + MAX_CHANGES_PER_EVENT));
    }
  }
  if (cases.length) broadcastCases(io, cases, policy);
}

/** Case changes to the local sockets subscribed to them whose principal may receive each (read right, case scope). */
function broadcastCases(io: RealtimeServer, changes: readonly Change[], policy: Policy): void {
  const nsp = io.of('/');
  const bySocket = new Map<string, Change[]>();
  for (const change of changes) {
    for (const room of changeRooms.of('cases', change.district)) {
      for (const id of nsp.adapter.rooms.get(room) ?? []) {
        const principal = nsp.sockets.get(id)?.data.principal;
        if (!principal || !mayReceiveChange(policy, principal, 'cases', change)) continue;
        const list = bySocket.get(id);
        if (list) list.push(change);
        else bySocket.set(id, [change]);
      }
    }
  }
  for (const [id, list] of bySocket) {
    const socket = nsp.sockets.get(id);
    for (let i = 0; i < list.length; i += MAX_CHANGES_PER_EVENT)
      socket?.emit('changes', list.slice(i, i + MAX_CHANGES_PER_EVENT));
  }
}

/**
 * Changed tiles to the sockets that joined the layer, each checked as its HTTP tile read is (the join was, and the
 * principal is the one last re-read for the socket).
 */
function sendTileInvalidation(io: RealtimeServer, update: TileInvalidation, policy: Policy): void {
  const nsp = io.of('/');
  for (const id of nsp.adapter.rooms.get(layerRoom(update.layer)) ?? []) {
    const socket = nsp.sockets.get(id);
    const principal = socket?.data.principal;
    if (socket && principal && liveLayerAccess(policy, principal, update.layer).allowed) socket.emit('tiles:invalidate', update);
  }
}

/** A session opened by the socket's own credentials ends with the socket (logged like a logout). */
function endOwnedSession(identity: Identity, socket: RealtimeSocket): void {
  if (!socket.data.ownsSession) return;
  identity.sessions
    .end(socket.data.sessionId, 'logout', {
      action: 'auth.logout',
      outcome: 'ok',
      actor: actorOf(socket.data.principal),
      object: `session ${socket.data.sessionId}`,
      sourceIp: socket.data.ip,
      detail: { channel: 'socket' },
    })
    .catch((err: unknown) => identity.log.warn({ err }, 'could not end a socket session'));
}

/**
 * Re-checks every connected session; ends are kicked, near idle deadlines are warned once, and a socket whose
 * account's rights changed (an administrator's role or department change, a department of another kind) has its
 * rooms re-granted under the new rights. Every gateway sweeps its own sockets, so a change made through any one of
 * them reaches the user's sockets on all of them within a sweep.
 */
async function sweep(
  io: RealtimeServer,
  identity: Identity,
  kick: (room: string, reason: SessionEndReason | 'unknown') => void,
): Promise<void> {
  const sockets = [...io.of('/').sockets.values()];
  if (!sockets.length) return;
  const checks = await identity.sessions.resolveMany([...new Set(sockets.map((s) => s.data.sessionId))]);
  const now = identity.now().getTime();
  for (const socket of sockets) {
    const check = checks.get(socket.data.sessionId);
    if (!check) continue;
    if (!check.ok) {
      kick(sessionRoom(socket.data.sessionId), check.reason);
      continue;
    }
    if (rightsOf(check.principal) !== socket.data.rights) await regrant(socket, check.principal, identity.policy);
    const idle = check.principal.idleExpiresAt?.getTime() ?? null;
    if (idle !== null && idle - now <= WARN_BEFORE_MS && socket.data.warnedFor !== idle) {
      socket.data.warnedFor = idle;
      socket.emit('session:expiring', {
        idleExpiresAt: new Date(idle).toISOString(),
        secondsLeft: Math.max(0, Math.round((idle - now) / 1000)),
      });
    }
  }
}
