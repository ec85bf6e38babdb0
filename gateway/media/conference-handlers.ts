import type { types } from 'mediasoup';
import {
  conferenceConsumeSchema,
  conferenceConsumerRefSchema,
  conferenceCreateSchema,
  conferenceInjectSchema,
  conferenceListSchema,
  conferenceLockSchema,
  conferenceMuteSchema,
  conferencePeerRefSchema,
  conferenceProduceSchema,
  conferenceProducerPauseSchema,
  conferenceProducerRefSchema,
  conferenceRecordSchema,
  conferenceRefSchema,
  conferenceTransportConnectSchema,
  conferenceTransportCreateSchema,
  type ConferenceClientEvent,
  type ConferenceConsumed,
  type ConferenceJoined,
  type ConferenceTransport,
} from '../../contracts/media';
import { getCamera } from '../../media/cameras/store';
import type { Conference } from '../../media/sfu/conference-service';
import { MediaError } from '../../media/sfu/errors';
import type { Identity } from '../auth/identity';
import type { Principal } from '../auth/principal';
import { parseInput } from '../http/errors';
import type { RealtimeSocket } from '../realtime/types';
import { cameraAccess } from './access';
import type { ConferenceGateway } from './conference';

export interface ConferenceContext {
  conf: ConferenceGateway;
  identity: Identity;
  socket: RealtimeSocket;
  principal: Principal;
}
export type ConferenceHandler = (ctx: ConferenceContext, args: unknown[]) => Promise<unknown>;

/** The conference the socket is a member of, with its room: the guard of every media request of a conference. */
const member = (ctx: ConferenceContext) => ctx.conf.service.memberOf(ctx.socket.id);

/** The guard of the moderator controls: the caller is in a conference it moderates. */
function moderated(ctx: ConferenceContext): Conference {
  const c = ctx.conf.service.of(ctx.socket.id);
  if (!c || !c.members.has(ctx.socket.id)) throw new MediaError('conflict', '尚未进入会商：请先发送 conference:join');
  if (!ctx.conf.moderates(c, ctx.principal)) throw new MediaError('forbidden', '无权限：只有会商主持人可以执行此操作');
  return c;
}

/** Audits a moderator action before it takes effect: one that cannot be audited does not happen. */
const auditHost = (ctx: ConferenceContext, c: Conference, detail: Record<string, unknown>) =>
  ctx.conf.audit('conference.host', ctx.socket, ctx.principal, c, detail);

function otherMember(c: Conference, peerId: string) {
  const m = c.members.get(peerId);
  if (!m) throw new MediaError('not_found', '会商中没有这位参会者');
  return m;
}

/**
 * One handler per conference request. The policy has allowed the event (`conference.join` or `conference.host`)
 * before these run; being invited is checked (and a refusal audited) before anything is created for the caller.
 */
export const CONFERENCE_HANDLERS = {
  'conference:list': async ({ conf, principal }, [req]) => {
    parseInput(conferenceListSchema, req);
    return conf.service
      .list()
      .filter((c) => conf.invited(c, principal))
      .map((c) => conf.summary(c, principal));
  },
  'conference:create': async (ctx, [req]) => {
    const input = parseInput(conferenceCreateSchema, req);
    const { conf, principal, socket } = ctx;
    const c = conf.service.create({
      title: input.title,
      hostUserId: principal.userId,
      hostName: principal.displayName,
      inviteUsers: [...new Set(input.inviteUsers)],
      inviteRoles: [...new Set(input.inviteRoles)],
      autoAdmit: input.autoAdmit,
    });
    await conf.audit('conference.host', socket, principal, c, {
      event: 'create',
      inviteUsers: c.inviteUsers,
      inviteRoles: c.inviteRoles,
      autoAdmit: c.autoAdmit,
    });
    return conf.summary(c, principal);
  },
  'conference:join': async (ctx, [req]): Promise<ConferenceJoined> => {
    const { conferenceId } = parseInput(conferenceRefSchema, req);
    const { conf, socket, principal } = ctx;
    const c = conf.service.get(conferenceId);
    const moderator = conf.moderates(c, principal);
    const already = c.members.has(socket.id) || c.lobby.has(socket.id);
    let refusal: { code: 'forbidden' | 'locked'; reason: string } | null = null;
    if (!conf.invited(c, principal)) refusal = { code: 'forbidden', reason: `无权限：您未受邀参加会商「${c.title}」` };
    else if (c.locked && !moderator && !already && !c.admittedUsers.has(principal.userId)) {
      refusal = { code: 'locked', reason: `会商「${c.title}」已锁定，不再接受新的参会者` };
    }
    if (refusal) {
      await conf.audit('conference.join', socket, principal, c, { event: 'join', reason: refusal.reason }, 'denied');
      throw new MediaError(refusal.code, refusal.reason);
    }
    // Lobby: whoever is not a moderator waits until a moderator admits them, unless the host chose auto-admit for
    // the invited when creating the conference. Someone admitted once (e.g. before a worker restart) enters directly.
    const admit = moderator || c.autoAdmit || c.admittedUsers.has(principal.userId);
    if (!c.members.has(socket.id)) {
      await conf.audit('conference.join', socket, principal, c, { event: admit ? 'join' : 'lobby', peerId: socket.id });
    }
    conf.peers.set(socket.id, { socket, principal });
    const status = await conf.service.enter(c, { ...conf.memberOf(socket.id, principal), moderator }, admit);
    if (!socket.connected) {
      await conf.release(socket.id, 'disconnected');
      throw new MediaError('conflict', '连接已断开');
    }
    if (status === 'lobby') return { status, conferenceId: c.id, peerId: socket.id };
    const room = c.room;
    if (!room) throw new MediaError('unavailable', '会商的媒体房间正在恢复，请稍后重新加入');
    return {
      status,
      conferenceId: c.id,
      peerId: socket.id,
      rtpCapabilities: room.router.rtpCapabilities as Extract<ConferenceJoined, { status: 'admitted' }>['rtpCapabilities'],
      state: conf.service.state(c),
    };
  },
  'conference:leave': async ({ conf, socket }) => ({ left: await conf.release(socket.id, 'left') }),
  'conference:transport:create': async (ctx, [req]): Promise<ConferenceTransport> => {
    const { direction } = parseInput(conferenceTransportCreateSchema, req);
    const { room } = member(ctx);
    const t = await room.createTransport(ctx.socket.id, ctx.conf.service.listen, direction);
    return {
      transportId: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
    } as ConferenceTransport;
  },
  'conference:transport:connect': async (ctx, [req]) => {
    const { transportId, dtlsParameters } = parseInput(conferenceTransportConnectSchema, req);
    await member(ctx).room.connectTransport(ctx.socket.id, transportId, dtlsParameters as types.DtlsParameters);
    return { transportId };
  },
  'conference:produce': async (ctx, [req]) => {
    const { transportId, kind, rtpParameters, source } = parseInput(conferenceProduceSchema, req);
    const { room, conference, member: m } = member(ctx);
    const label = source === 'screen' ? `${m.displayName}（屏幕共享）` : m.displayName;
    const producer = await room.produce(
      ctx.socket.id,
      transportId,
      kind,
      rtpParameters as unknown as types.RtpParameters,
      source,
      label,
    );
    ctx.conf.broadcast(conference);
    return { producerId: producer.id };
  },
  'conference:producer:pause': async (ctx, [req]) => {
    const { producerId, paused } = parseInput(conferenceProducerPauseSchema, req);
    const { room, conference } = member(ctx);
    const p = room.producer(producerId);
    if (p.peerId !== ctx.socket.id) throw new MediaError('forbidden', '只能暂停自己的媒体流（主持人请用 conference:mute）');
    if (paused) await p.producer.pause();
    else await p.producer.resume();
    ctx.conf.broadcast(conference);
    return { producerId };
  },
  'conference:producer:close': async (ctx, [req]) => {
    const { producerId } = parseInput(conferenceProducerRefSchema, req);
    const { room, conference } = member(ctx);
    if (room.producer(producerId).peerId !== ctx.socket.id) throw new MediaError('forbidden', '只能关闭自己的媒体流');
    room.closeProducer(producerId);
    ctx.conf.broadcast(conference);
    return { producerId };
  },
  'conference:consume': async (ctx, [req]): Promise<ConferenceConsumed> => {
    const { producerId, rtpCapabilities } = parseInput(conferenceConsumeSchema, req);
    const consumer = await member(ctx).room.consume(ctx.socket.id, producerId, rtpCapabilities as types.RtpCapabilities);
    return {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as ConferenceConsumed['rtpParameters'],
    };
  },
  'conference:consumer:resume': async (ctx, [req]) => {
    const { consumerId } = parseInput(conferenceConsumerRefSchema, req);
    await member(ctx).room.resumeConsumer(ctx.socket.id, consumerId);
    return { consumerId };
  },
  'conference:admit': async (ctx, [req]) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    const m = c.lobby.get(peerId);
    if (!m) throw new MediaError('not_found', '等候室里没有这位参会者');
    await auditHost(ctx, c, { event: 'admit', peerId, user: m.username });
    ctx.conf.service.admit(c, peerId);
    ctx.conf.peers.get(peerId)?.socket.emit('conference:admitted', { conferenceId: c.id });
    return { peerId };
  },
  'conference:mute': async (ctx, [req]) => {
    const { peerId } = parseInput(conferenceMuteSchema, req);
    const c = moderated(ctx);
    if (peerId !== undefined) otherMember(c, peerId);
    const mics = (c.room?.producers ?? []).filter(
      (p) => p.source === 'mic' && (peerId === undefined ? p.peerId !== ctx.socket.id : p.peerId === peerId),
    );
    await auditHost(ctx, c, { event: peerId === undefined ? 'mute_all' : 'mute', peerId: peerId ?? null, muted: mics.length });
    for (const p of mics) await p.producer.pause();
    ctx.conf.broadcast(c);
    return { muted: mics.length };
  },
  'conference:remove': async (ctx, [req]) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    if (peerId === ctx.socket.id) throw new MediaError('bad_request', '不能移出自己，请使用退出');
    const m = c.members.get(peerId) ?? c.lobby.get(peerId);
    if (!m) throw new MediaError('not_found', '会商中没有这位参会者');
    await auditHost(ctx, c, { event: 'remove', peerId, user: m.username });
    const target = ctx.conf.peers.get(peerId);
    c.admittedUsers.delete(m.userId);
    await ctx.conf.release(peerId, 'removed');
    target?.socket.emit('conference:removed', { conferenceId: c.id, reason: `您已被主持人移出会商「${c.title}」` });
    return { peerId };
  },
  'conference:lock': async (ctx, [req]) => {
    const { locked } = parseInput(conferenceLockSchema, req);
    const c = moderated(ctx);
    await auditHost(ctx, c, { event: locked ? 'lock' : 'unlock' });
    c.locked = locked;
    ctx.conf.broadcast(c);
    return { locked };
  },
  'conference:inject': async (ctx, [req]) => {
    const { cameraId, on } = parseInput(conferenceInjectSchema, req);
    const c = moderated(ctx);
    const { room } = member(ctx);
    const camera = await getCamera(ctx.identity.db(), cameraId);
    if (!camera) throw new MediaError('not_found', `没有编号为 ${cameraId} 的摄像机`);
    // The moderator brings in only what they may see themselves.
    const decision = cameraAccess(ctx.identity.policy, ctx.principal, camera);
    if (!decision.allowed) {
      await ctx.conf.audit(
        'conference.host',
        ctx.socket,
        ctx.principal,
        c,
        { event: 'inject', cameraId, reason: decision.reason },
        'denied',
      );
      throw new MediaError(decision.code, decision.reason);
    }
    await auditHost(ctx, c, { event: on ? 'inject' : 'eject', cameraId, name: camera.name });
    if (on) {
      await room.inject(camera);
      c.injected.push(camera);
    } else {
      if (!(await room.eject(cameraId))) throw new MediaError('not_found', `摄像机「${camera.name}」未接入会商`);
      c.injected = c.injected.filter((x) => x.id !== cameraId);
    }
    ctx.conf.broadcast(c);
    return { cameraId, on };
  },
  'conference:record': async (ctx, [req]) => {
    const { recording } = parseInput(conferenceRecordSchema, req);
    const c = moderated(ctx);
    member(ctx);
    await auditHost(ctx, c, { event: recording ? 'record_start' : 'record_stop' });
    if (recording) return { recording: true, name: await ctx.conf.service.startRecording(c, ctx.socket.id) };
    const name = await ctx.conf.service.stopRecording(c);
    if (!name) throw new MediaError('conflict', '会商没有在录制');
    return { recording: false, name };
  },
} satisfies Record<ConferenceClientEvent, ConferenceHandler>;
