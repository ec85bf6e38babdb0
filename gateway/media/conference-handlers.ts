import type { types } from 'mediasoup';
import {
  conferenceCohostSchema,
  conferenceConsumeSchema,
  conferenceConsumerRefSchema,
  conferenceCreateSchema,
  conferenceHandSchema,
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
import { moderates, type Conference, type Member } from '../../media/sfu/conference-service';
import { MediaError } from '../../media/sfu/errors';
import type { Identity } from '../auth/identity';
import type { Principal } from '../auth/principal';
import { parseInput } from '../http/errors';
import type { SocketHandlers } from '../realtime/registry';
import type { RealtimeSocket } from '../realtime/types';
import { authorizeCameraMedia } from './access';
import type { ConferenceGateway } from './conference';

export interface ConferenceContext {
  conf: ConferenceGateway;
  identity: Identity;
  socket: RealtimeSocket;
  principal: Principal;
}

/** The conference the socket is a member of, with its room: the guard of every media request of a conference. */
const member = (ctx: ConferenceContext) => ctx.conf.service.memberOf(ctx.socket.id);

/**
 * The guard of the moderator controls: the caller is in a conference it moderates (its convener, or a co-host the
 * convener named). Being invited, whatever the role, gives no control.
 */
function moderated(ctx: ConferenceContext): Conference {
  const c = ctx.conf.service.of(ctx.socket.id);
  if (!c || !c.members.has(ctx.socket.id)) throw new MediaError('conflict', '尚未进入会商：请先发送 conference:join');
  if (!ctx.conf.moderates(c, ctx.principal)) {
    throw new MediaError('forbidden', '无权限：只有会商发起人和其指定的联合主持人可以主持会商');
  }
  return c;
}

/**
 * Whom a moderator may mute or remove: never the convener; a co-host only by the convener. Co-hosts moderate beside
 * the convener, never against them or each other.
 */
function targetable(ctx: ConferenceContext, c: Conference, m: Member): Member {
  if (m.userId === c.hostUserId) throw new MediaError('forbidden', '无权限：不能对会商发起人执行此操作');
  if (moderates(c, m) && ctx.principal.userId !== c.hostUserId) {
    throw new MediaError('forbidden', '无权限：只有会商发起人可以对联合主持人执行此操作');
  }
  return m;
}

const MUTED_BY_MODERATOR = '主持人已将您静音：请举手申请发言，主持人允许后再取消静音';

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
  'conference:list': async ({ conf, principal }, req) => {
    parseInput(conferenceListSchema, req);
    return conf.service
      .list()
      .filter((c) => conf.invited(c, principal))
      .map((c) => conf.summary(c, principal));
  },
  'conference:create': async (ctx, req) => {
    const input = parseInput(conferenceCreateSchema, req);
    const { conf, principal, socket } = ctx;
    const c = conf.service.create({
      title: input.title,
      hostUserId: principal.userId,
      hostName: principal.displayName,
      inviteUsers: [...new Set(input.inviteUsers)],
      inviteRoles: [...new Set(input.inviteRoles)],
      autoAdmit: input.autoAdmit,
      coHosts: [...new Set(input.coHosts)].filter((u) => u !== principal.username),
    });
    await conf.audit('conference.host', socket, principal, c, {
      event: 'create',
      inviteUsers: c.inviteUsers,
      inviteRoles: c.inviteRoles,
      autoAdmit: c.autoAdmit,
      coHosts: c.coHosts,
    });
    return conf.summary(c, principal);
  },
  'conference:join': async (ctx, req): Promise<ConferenceJoined> => {
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
    // Lobby: whoever is not a moderator (convener or named co-host) waits until a moderator admits them, unless the
    // convener chose auto-admit when creating the conference. Someone admitted once (e.g. before a worker restart)
    // enters directly.
    const admit = moderator || c.autoAdmit || c.admittedUsers.has(principal.userId);
    if (!c.members.has(socket.id)) {
      await conf.audit('conference.join', socket, principal, c, { event: admit ? 'join' : 'lobby', peerId: socket.id });
    }
    conf.peers.set(socket.id, { socket, principal });
    const status = await conf.service.enter(c, conf.memberOf(socket.id, principal), admit);
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
      state: conf.stateFor(c, principal),
    };
  },
  'conference:leave': async ({ conf, socket }) => ({ left: await conf.release(socket.id, 'left') }),
  'conference:transport:create': async (ctx, req): Promise<ConferenceTransport> => {
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
  'conference:transport:connect': async (ctx, req) => {
    const { transportId, dtlsParameters } = parseInput(conferenceTransportConnectSchema, req);
    await member(ctx).room.connectTransport(ctx.socket.id, transportId, dtlsParameters as types.DtlsParameters);
    return { transportId };
  },
  'conference:produce': async (ctx, req) => {
    const { transportId, kind, rtpParameters, source } = parseInput(conferenceProduceSchema, req);
    const { room, conference, member: m } = member(ctx);
    const label = source === 'screen' ? `${m.displayName}（屏幕共享）` : m.displayName;
    // A participant a moderator muted gets its new microphone paused: no new producer gets round the mute.
    const muted = source === 'mic' && conference.mutedUsers.has(m.userId);
    const producer = await room.produce(
      ctx.socket.id,
      transportId,
      kind,
      rtpParameters as unknown as types.RtpParameters,
      source,
      label,
      muted,
    );
    if (source === 'screen') {
      // What a shared screen shows cannot be checked (it may be a camera wall): who shared it, and when, is audited.
      await ctx.conf
        .audit('conference.join', ctx.socket, ctx.principal, conference, { event: 'screen_share', producerId: producer.id })
        .catch((err: unknown) => {
          room.closeProducer(producer.id);
          throw err;
        });
    }
    ctx.conf.broadcast(conference);
    return { producerId: producer.id };
  },
  'conference:producer:pause': async (ctx, req) => {
    const { producerId, paused } = parseInput(conferenceProducerPauseSchema, req);
    const { room, conference, member: m } = member(ctx);
    const p = room.producer(producerId);
    if (p.peerId !== ctx.socket.id) throw new MediaError('forbidden', '只能暂停自己的媒体流（主持人请用 conference:mute）');
    if (!paused && p.source === 'mic' && conference.mutedUsers.has(m.userId)) {
      throw new MediaError('forbidden', MUTED_BY_MODERATOR);
    }
    if (paused) await p.producer.pause();
    else await p.producer.resume();
    ctx.conf.broadcast(conference);
    return { producerId };
  },
  'conference:producer:close': async (ctx, req) => {
    const { producerId } = parseInput(conferenceProducerRefSchema, req);
    const { room, conference } = member(ctx);
    if (room.producer(producerId).peerId !== ctx.socket.id) throw new MediaError('forbidden', '只能关闭自己的媒体流');
    room.closeProducer(producerId);
    ctx.conf.broadcast(conference);
    return { producerId };
  },
  'conference:consume': async (ctx, req): Promise<ConferenceConsumed> => {
    const { producerId, rtpCapabilities } = parseInput(conferenceConsumeSchema, req);
    const { room, conference } = member(ctx);
    // Camera media (an injected camera) reach only a participant who may view that camera, checked now.
    const camera = room.producer(producerId).camera;
    if (camera) {
      await authorizeCameraMedia(ctx.identity, ctx.principal, camera.id, {
        event: 'conference:consume',
        sourceIp: ctx.socket.data.ip,
        detail: { conferenceId: conference.id },
      });
    }
    const consumer = await room.consume(ctx.socket.id, producerId, rtpCapabilities as types.RtpCapabilities);
    return {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as ConferenceConsumed['rtpParameters'],
    };
  },
  'conference:consumer:resume': async (ctx, req) => {
    const { consumerId } = parseInput(conferenceConsumerRefSchema, req);
    await member(ctx).room.resumeConsumer(ctx.socket.id, consumerId);
    return { consumerId };
  },
  'conference:hand': async (ctx, req) => {
    const { raised } = parseInput(conferenceHandSchema, req);
    const { conference, member: m } = member(ctx);
    ctx.conf.service.raiseHand(conference, m.userId, raised);
    return { raised };
  },
  'conference:admit': async (ctx, req) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    const m = c.lobby.get(peerId);
    if (!m) throw new MediaError('not_found', '等候室里没有这位参会者');
    await auditHost(ctx, c, { event: 'admit', peerId, user: m.username });
    ctx.conf.service.admit(c, peerId);
    ctx.conf.peers.get(peerId)?.socket.emit('conference:admitted', { conferenceId: c.id });
    return { peerId };
  },
  'conference:mute': async (ctx, req) => {
    const { peerId } = parseInput(conferenceMuteSchema, req);
    const c = moderated(ctx);
    // One participant, or everybody who does not moderate.
    const targets =
      peerId !== undefined
        ? [targetable(ctx, c, otherMember(c, peerId))]
        : [...c.members.values()].filter((m) => m.peerId !== ctx.socket.id && !moderates(c, m));
    await auditHost(ctx, c, {
      event: peerId === undefined ? 'mute_all' : 'mute',
      peerId: peerId ?? null,
      users: [...new Set(targets.map((m) => m.username))],
    });
    return {
      muted: await ctx.conf.service.mute(
        c,
        targets.map((m) => m.peerId),
      ),
    };
  },
  'conference:unmute': async (ctx, req) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    const m = otherMember(c, peerId);
    await auditHost(ctx, c, { event: 'unmute', peerId, user: m.username });
    ctx.conf.service.allowSpeaking(c, m.userId);
    return { peerId };
  },
  'conference:hand:lower': async (ctx, req) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    const m = otherMember(c, peerId);
    if (!c.raisedHands.has(m.userId)) throw new MediaError('conflict', `${m.displayName} 没有举手`);
    await auditHost(ctx, c, { event: 'lower_hand', peerId, user: m.username });
    ctx.conf.service.raiseHand(c, m.userId, false);
    return { peerId };
  },
  'conference:cohost': async (ctx, req) => {
    const { peerId, cohost } = parseInput(conferenceCohostSchema, req);
    const c = moderated(ctx);
    if (c.hostUserId !== ctx.principal.userId) {
      throw new MediaError('forbidden', '无权限：只有会商发起人可以指定或取消联合主持人');
    }
    const m = otherMember(c, peerId);
    if (m.userId === c.hostUserId) throw new MediaError('bad_request', '您是会商发起人，无需指定为联合主持人');
    const target = ctx.conf.peers.get(peerId)?.socket.data.principal;
    if (cohost && !(target && ctx.conf.mayHost(target))) {
      throw new MediaError('bad_request', `无法指定：${m.displayName}（${m.roleName}）的角色不能主持会商`);
    }
    await auditHost(ctx, c, { event: 'cohost', peerId, user: m.username, cohost });
    c.coHosts = cohost ? [...new Set([...c.coHosts, m.username])] : c.coHosts.filter((u) => u !== m.username);
    ctx.conf.broadcast(c);
    return { peerId, cohost };
  },
  'conference:remove': async (ctx, req) => {
    const { peerId } = parseInput(conferencePeerRefSchema, req);
    const c = moderated(ctx);
    if (peerId === ctx.socket.id) throw new MediaError('bad_request', '不能移出自己，请使用退出');
    const m = c.members.get(peerId) ?? c.lobby.get(peerId);
    if (!m) throw new MediaError('not_found', '会商中没有这位参会者');
    targetable(ctx, c, m);
    await auditHost(ctx, c, { event: 'remove', peerId, user: m.username });
    const target = ctx.conf.peers.get(peerId);
    // Removed means waiting in the lobby again, also for a co-host (the convener may name them again).
    c.admittedUsers.delete(m.userId);
    c.coHosts = c.coHosts.filter((u) => u !== m.username);
    await ctx.conf.release(peerId, 'removed');
    target?.socket.emit('conference:removed', { conferenceId: c.id, reason: `您已被主持人移出会商「${c.title}」` });
    return { peerId };
  },
  'conference:lock': async (ctx, req) => {
    const { locked } = parseInput(conferenceLockSchema, req);
    const c = moderated(ctx);
    await auditHost(ctx, c, { event: locked ? 'lock' : 'unlock' });
    c.locked = locked;
    ctx.conf.broadcast(c);
    return { locked };
  },
  'conference:inject': async (ctx, req) => {
    const { cameraId, on } = parseInput(conferenceInjectSchema, req);
    const c = moderated(ctx);
    const { room } = member(ctx);
    // The moderator brings in only what they may see themselves; each participant is checked again at consume.
    const camera = await authorizeCameraMedia(ctx.identity, ctx.principal, cameraId, {
      event: 'conference:inject',
      sourceIp: ctx.socket.data.ip,
      detail: { conferenceId: c.id },
    });
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
  'conference:record': async (ctx, req) => {
    const { recording } = parseInput(conferenceRecordSchema, req);
    const c = moderated(ctx);
    member(ctx);
    await auditHost(ctx, c, { event: recording ? 'record_start' : 'record_stop' });
    if (recording) return { recording: true, name: await ctx.conf.service.startRecording(c, ctx.socket.id) };
    const name = await ctx.conf.service.stopRecording(c);
    if (!name) throw new MediaError('conflict', '会商没有在录制');
    return { recording: false, name };
  },
} satisfies SocketHandlers<ConferenceContext, ConferenceClientEvent>;
