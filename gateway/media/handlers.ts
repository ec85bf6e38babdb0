import type { types } from 'mediasoup';
import {
  mediaJoinSchema,
  viewConnectSchema,
  viewConsumeSchema,
  viewOpenSchema,
  viewRefSchema,
  CONFERENCE_CLIENT_EVENTS,
  MEDIA_CLIENT_EVENTS,
  type MediaClientEvent,
  type MediaJoined,
} from '../../contracts/media';
import { MediaError } from '../../media/sfu/errors';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { AppError, parseInput } from '../http/errors';
import { registerHandlers, type ClientEvent, type SocketHandler, type SocketHandlers } from '../realtime/registry';
import type { RealtimeSocket } from '../realtime/types';
import { authorizeCameraMedia } from './access';
import { conferencesOf } from './conference';
import { CONFERENCE_HANDLERS } from './conference-handlers';
import type { MediaGateway } from './gateway';

interface MediaContext {
  media: MediaGateway;
  identity: Identity;
  socket: RealtimeSocket;
  principal: Principal;
}

/** The guard every request but `media:join` passes: the socket joined the video service. */
const joined =
  <E extends MediaClientEvent>(handler: SocketHandler<MediaContext, E>): SocketHandler<MediaContext, E> =>
  async (ctx, ...args) => {
    if (!ctx.media.peers.has(ctx.socket.id)) throw new MediaError('conflict', '尚未加入视频服务：请先发送 media:join');
    return handler(ctx, ...args);
  };

/** Refuses (and audits) a camera the principal may not view, before any transport or consumer exists. */
const authorizeCamera = ({ identity, socket, principal }: MediaContext, cameraId: string, event: string) =>
  authorizeCameraMedia(identity, principal, cameraId, { event, sourceIp: socket.data.ip });

/** One handler per request; the policy (`camera.view`) has already allowed the event when these run. */
const HANDLERS = {
  'media:join': async ({ media, socket, principal }, req) => {
    parseInput(mediaJoinSchema, req);
    // mediasoup's server-side type of the same capabilities the client's Device loads.
    const rtpCapabilities = media.service.rtpCapabilities() as MediaJoined['rtpCapabilities'];
    media.peers.set(socket.id, { socket, principal });
    return { rtpCapabilities, idleStopMs: media.service.idleStopMs };
  },
  'media:leave': joined(async ({ media, socket }) => ({ closed: media.release(socket.id, 'left') })),
  'media:view:open': joined(async (ctx, req) => {
    const { cameraId } = parseInput(viewOpenSchema, req);
    const camera = await authorizeCamera(ctx, cameraId, 'media:view:open');
    const { media, identity, socket, principal } = ctx;
    const peer = media.peers.get(socket.id);
    if (peer) peer.principal = principal;
    const opened = await media.service.openView(socket.id, camera);
    if (!socket.connected || !media.peers.has(socket.id)) {
      // The socket went away (or left) while the view was being set up: nothing may stay behind for it.
      media.service.closeView(socket.id, opened.viewId, 'disconnected');
      throw new MediaError('conflict', '连接已断开');
    }
    try {
      await identity.audit.append({
        action: 'camera.view',
        outcome: 'ok',
        actor: actorOf(principal),
        object: `camera ${camera.id}`,
        sourceIp: socket.data.ip,
        detail: { event: 'start', viewId: opened.viewId, name: camera.name, channel: 'socket' },
      });
    } catch (err) {
      // Fail closed: a view that could not be audited is not shown.
      media.service.closeView(socket.id, opened.viewId, 'closed');
      throw err;
    }
    return opened;
  }),
  'media:view:connect': joined(async ({ media, socket }, req) => {
    const { viewId, dtlsParameters } = parseInput(viewConnectSchema, req);
    await media.service.connectView(socket.id, viewId, dtlsParameters as types.DtlsParameters);
    return { viewId };
  }),
  'media:view:consume': joined(async (ctx, req) => {
    const { viewId, rtpCapabilities } = parseInput(viewConsumeSchema, req);
    const { media, socket } = ctx;
    // Authorised again when the media is about to flow: the camera may have been re-classified since the open.
    await authorizeCamera(ctx, media.service.cameraOf(socket.id, viewId).id, 'media:view:consume');
    return media.service.consumeView(socket.id, viewId, rtpCapabilities as types.RtpCapabilities);
  }),
  'media:view:resume': joined(async ({ media, socket }, req) => {
    const { viewId } = parseInput(viewRefSchema, req);
    await media.service.resumeView(socket.id, viewId);
    return { viewId };
  }),
  'media:view:close': joined(async ({ media, socket }, req) => {
    const { viewId } = parseInput(viewRefSchema, req);
    media.service.closeView(socket.id, viewId, 'closed');
    return { viewId };
  }),
} satisfies SocketHandlers<MediaContext, MediaClientEvent>;

/** mediasoup's own refusals of bad parameters (TypeError) are the client's fault. */
const mediasoupRefusal = (err: unknown): AppError | null =>
  err instanceof TypeError ? new AppError('bad_request', `媒体参数无效：${err.message}`) : null;

/** Every media and conference request answers "unavailable" without a video service in this process. */
function unavailable<K extends ClientEvent>(events: readonly K[]): SocketHandlers<unknown, K> {
  const refuse = async (): Promise<never> => {
    throw new MediaError('unavailable', '视频服务未在本网关启动');
  };
  return Object.fromEntries(events.map((e) => [e, refuse])) as unknown as SocketHandlers<unknown, K>;
}

/**
 * Registers the media and conference requests on a socket. Without a video service in this process every request is
 * answered "unavailable"; a socket that disconnects (also when its session ends) releases its views and leaves its
 * conference at once.
 */
export function registerMediaHandlers(media: MediaGateway | null, identity: Identity, socket: RealtimeSocket): void {
  const options = { log: identity.log, clientFault: mediasoupRefusal };
  if (!media) {
    registerHandlers(socket, unavailable(MEDIA_CLIENT_EVENTS), { ...options, context: () => null });
    registerHandlers(socket, unavailable(CONFERENCE_CLIENT_EVENTS), { ...options, context: () => null });
    return;
  }
  registerHandlers(socket, HANDLERS, {
    ...options,
    context: () => ({ media, identity, socket, principal: socket.data.principal }),
  });
  socket.on('disconnect', () => media.release(socket.id, 'disconnected'));
  registerHandlers(socket, CONFERENCE_HANDLERS, {
    ...options,
    context: () => ({ conf: conferencesOf(media, identity), identity, socket, principal: socket.data.principal }),
  });
  socket.on('disconnect', () => void conferencesOf(media, identity).release(socket.id, 'disconnected'));
}
