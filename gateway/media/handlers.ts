import type { types } from 'mediasoup';
import { ZodError } from 'zod';
import {
  CONFERENCE_CLIENT_EVENTS,
  MEDIA_CLIENT_EVENTS,
  mediaJoinSchema,
  viewConnectSchema,
  viewConsumeSchema,
  viewOpenSchema,
  viewRefSchema,
  type MediaClientEvent,
} from '../../contracts/media';
import type { Ack } from '../../contracts/realtime';
import { MediaError } from '../../media/sfu/errors';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { AppError, parseInput } from '../http/errors';
import type { RealtimeSocket } from '../realtime/types';
import { errorAck } from '../realtime/commands';
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
type MediaHandler = (ctx: MediaContext, args: unknown[]) => Promise<unknown>;

/** The guard every request but `media:join` passes: the socket joined the video service. */
const joined =
  (handler: MediaHandler): MediaHandler =>
  async (ctx, args) => {
    if (!ctx.media.peers.has(ctx.socket.id)) throw new MediaError('conflict', '尚未加入视频服务：请先发送 media:join');
    return handler(ctx, args);
  };

/** Refuses (and audits) a camera the principal may not view, before any transport or consumer exists. */
const authorizeCamera = ({ identity, socket, principal }: MediaContext, cameraId: string, event: string) =>
  authorizeCameraMedia(identity, principal, cameraId, { event, sourceIp: socket.data.ip });

/** One handler per request; the policy (`camera.view`) has already allowed the event when these run. */
const HANDLERS = {
  'media:join': async ({ media, socket, principal }, [req]) => {
    parseInput(mediaJoinSchema, req);
    const rtpCapabilities = media.service.rtpCapabilities();
    media.peers.set(socket.id, { socket, principal });
    return { rtpCapabilities, idleStopMs: media.service.idleStopMs };
  },
  'media:leave': joined(async ({ media, socket }) => ({ closed: media.release(socket.id, 'left') })),
  'media:view:open': joined(async (ctx, [req]) => {
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
  'media:view:connect': joined(async ({ media, socket }, [req]) => {
    const { viewId, dtlsParameters } = parseInput(viewConnectSchema, req);
    await media.service.connectView(socket.id, viewId, dtlsParameters as types.DtlsParameters);
    return { viewId };
  }),
  'media:view:consume': joined(async (ctx, [req]) => {
    const { viewId, rtpCapabilities } = parseInput(viewConsumeSchema, req);
    const { media, socket } = ctx;
    // Authorised again when the media is about to flow: the camera may have been re-classified since the open.
    await authorizeCamera(ctx, media.service.cameraOf(socket.id, viewId).id, 'media:view:consume');
    return media.service.consumeView(socket.id, viewId, rtpCapabilities as types.RtpCapabilities);
  }),
  'media:view:resume': joined(async ({ media, socket }, [req]) => {
    const { viewId } = parseInput(viewRefSchema, req);
    await media.service.resumeView(socket.id, viewId);
    return { viewId };
  }),
  'media:view:close': joined(async ({ media, socket }, [req]) => {
    const { viewId } = parseInput(viewRefSchema, req);
    media.service.closeView(socket.id, viewId, 'closed');
    return { viewId };
  }),
} satisfies Record<MediaClientEvent, MediaHandler>;

/** Every answer has the Ack shape: mediasoup's own refusals of bad parameters (TypeError) are the client's fault. */
function mediaErrorAck(err: unknown, identity: Identity): Ack<never> {
  if (err instanceof MediaError) return { ok: false, error: { code: err.code, message: err.message } };
  if (err instanceof AppError || err instanceof ZodError) return errorAck(err, identity);
  if (err instanceof TypeError) return { ok: false, error: { code: 'bad_request', message: `媒体参数无效：${err.message}` } };
  return errorAck(err, identity);
}

/**
 * Registers the media requests on a socket. Without a video service in this process every request is answered
 * "unavailable"; a socket that disconnects (also when its session ends) releases its views at once.
 */
export function registerMediaHandlers(media: MediaGateway | null, identity: Identity, socket: RealtimeSocket): void {
  for (const event of MEDIA_CLIENT_EVENTS) {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (r: Ack<unknown>) => void) : null;
      const params = ack ? args.slice(0, -1) : args;
      const run = media
        ? HANDLERS[event]({ media, identity, socket, principal: socket.data.principal }, params)
        : Promise.reject(new MediaError('unavailable', '视频服务未在本网关启动'));
      run.then(
        (data) => ack?.({ ok: true, data }),
        (err: unknown) => ack?.(mediaErrorAck(err, identity)),
      );
    });
  }
  if (media) socket.on('disconnect', () => media.release(socket.id, 'disconnected'));
  // Conferences (视频会商): the same Ack shape; a socket that disconnects leaves its conference at once.
  for (const event of CONFERENCE_CLIENT_EVENTS) {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (r: Ack<unknown>) => void) : null;
      const params = ack ? args.slice(0, -1) : args;
      const run = media
        ? CONFERENCE_HANDLERS[event](
            { conf: conferencesOf(media, identity), identity, socket, principal: socket.data.principal },
            params,
          )
        : Promise.reject(new MediaError('unavailable', '视频服务未在本网关启动'));
      run.then(
        (data) => ack?.({ ok: true, data }),
        (err: unknown) => ack?.(mediaErrorAck(err, identity)),
      );
    });
  }
  if (media) socket.on('disconnect', () => void conferencesOf(media, identity).release(socket.id, 'disconnected'));
}
