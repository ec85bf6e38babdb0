import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ConferenceMember, ConferenceProducerInfo, ConferenceState } from '../../contracts/media';
import type { CameraRecord } from '../cameras/store';
import { ConferenceRoom, type RoomProducer } from './conference-room';
import { MediaError } from './errors';
import type { WorkerPool } from './pool';
import type { TransportListen } from './room';

/** Conferences one gateway holds at once. */
export const MAX_CONFERENCES = 50;
/** Participants of one conference (lobby included). */
export const MAX_MEMBERS = 25;

/** A participant's socket in a conference. */
export interface Member {
  peerId: string;
  userId: string;
  username: string;
  displayName: string;
  role: string;
  roleName: string;
  /** Whether the account's role may host conferences (a co-host moderates only then). */
  mayHost: boolean;
}

/** Who a conference's moderation rule looks at: the account, and whether its role may host. */
export interface Moderation {
  userId: string;
  username: string;
  mayHost: boolean;
}

/** The one moderation rule: the convener, or a co-host the convener named whose role may host. */
export function moderates(c: Conference, who: Moderation): boolean {
  return c.hostUserId === who.userId || (c.coHosts.includes(who.username) && who.mayHost);
}

export interface Conference {
  id: string;
  title: string;
  hostUserId: string;
  hostName: string;
  inviteUsers: string[];
  inviteRoles: string[];
  autoAdmit: boolean;
  /** Co-hosts named by the convener, by username (invited by being named). */
  coHosts: string[];
  locked: boolean;
  createdAt: Date;
  members: Map<string, Member>;
  lobby: Map<string, Member>;
  /** Users the moderator admitted once: after a reconnect they enter again without waiting. */
  admittedUsers: Set<string>;
  /** Users a moderator muted (hard mute): their microphones stay paused until a moderator lets them speak. */
  mutedUsers: Set<string>;
  /** Users who raised their hand to speak. */
  raisedHands: Set<string>;
  room: ConferenceRoom | null;
  opening: Promise<ConferenceRoom> | null;
  activeSpeaker: string | null;
  /** Cameras injected by the moderator, injected again when the room is re-created. */
  injected: CameraRecord[];
  /**
   * Held for a standing conference record (常设会商, `standing_conference`): it has the record's id, and it ends when
   * the record closes (the mode ends), never because nobody is in it.
   */
  standing: boolean;
}

interface ServiceEvents {
  /** Members, lobby, producers, lock or recording changed. */
  changed: [Conference];
  speaker: [Conference];
  /** The conference's worker died: its room is back on a live worker and these peers must join again. */
  reconnect: [{ conference: Conference; peerIds: string[]; reason: string }];
}

export interface ConferenceServiceOptions {
  listen: TransportListen;
  log: Logger;
  recordingsDir: string;
}

/**
 * The conferences of this gateway (in memory: a conference lasts while the gateway runs), each with its members and
 * lobby, and its room on the least loaded worker, opened when the first member enters and closed when the last one
 * leaves. A dead worker's conference rooms are re-created on a live worker (cameras injected again) and the members
 * told to join again.
 */
export class ConferenceService extends EventEmitter<ServiceEvents> {
  private readonly conferences = new Map<string, Conference>();
  private readonly peerConference = new Map<string, string>();
  private closed = false;
  private readonly onExit = () => {
    for (const c of this.conferences.values()) c.room?.killNow();
  };

  constructor(
    readonly pool: WorkerPool,
    private readonly options: ConferenceServiceOptions,
  ) {
    super();
    pool.on('died', (e) => void this.onWorkerDied(e.index, e.error));
    process.on('exit', this.onExit);
  }

  get listen(): TransportListen {
    return this.options.listen;
  }

  /**
   * A conference called by a person (a new id), or held for a standing conference record (its id; not counted
   * against the limit, so a mode's conference always opens).
   */
  create(input: {
    title: string;
    hostUserId: string;
    hostName: string;
    inviteUsers: string[];
    inviteRoles: string[];
    autoAdmit: boolean;
    coHosts: string[];
    standing?: { id: string };
  }): Conference {
    const { standing, ...rest } = input;
    if (standing && this.conferences.has(standing.id)) throw new MediaError('conflict', `会商已存在（${standing.id}）`);
    if (!standing && this.list().filter((x) => !x.standing).length >= MAX_CONFERENCES)
      throw new MediaError('rate_limited', `同时进行的会商不能超过 ${MAX_CONFERENCES} 个`);
    const c: Conference = {
      id: standing?.id ?? randomUUID(),
      ...rest,
      locked: false,
      createdAt: new Date(),
      members: new Map(),
      lobby: new Map(),
      admittedUsers: new Set(),
      mutedUsers: new Set(),
      raisedHands: new Set(),
      room: null,
      opening: null,
      activeSpeaker: null,
      injected: [],
      standing: standing !== undefined,
    };
    this.conferences.set(c.id, c);
    return c;
  }

  list(): Conference[] {
    return [...this.conferences.values()];
  }

  get(id: string): Conference {
    const c = this.conferences.get(id);
    if (!c) throw new MediaError('not_found', `没有这个会商（${id}）`);
    return c;
  }

  /** The conference a peer is in (as a member or in the lobby). */
  of(peerId: string): Conference | null {
    const id = this.peerConference.get(peerId);
    return id ? (this.conferences.get(id) ?? null) : null;
  }

  /** The conference a peer is a member of, with its room: the guard of every media request. */
  memberOf(peerId: string): { conference: Conference; member: Member; room: ConferenceRoom } {
    const c = this.of(peerId);
    const member = c?.members.get(peerId);
    if (!c || !member) throw new MediaError('conflict', '尚未进入会商：请先发送 conference:join');
    if (!c.room || c.room.closed) throw new MediaError('unavailable', '会商的媒体房间正在恢复，请稍后重新加入');
    return { conference: c, member, room: c.room };
  }

  async ensureRoom(c: Conference): Promise<ConferenceRoom> {
    if (c.room && !c.room.closed) return c.room;
    if (c.opening) return c.opening;
    c.opening = (async () => {
      const slot = await this.pool.leastLoaded();
      if (!slot) throw new MediaError('unavailable', `视频服务不可用：${this.pool.unavailable ?? '没有媒体进程'}`);
      const room = await ConferenceRoom.open(c.id, slot, {
        log: this.options.log,
        onSpeaker: (peerId) => {
          if (c.room !== room || c.activeSpeaker === peerId) return;
          c.activeSpeaker = peerId;
          this.emit('speaker', c);
        },
        onProducersChanged: () => c.room === room && this.emit('changed', c),
      });
      c.room = room;
      for (const camera of c.injected) {
        await room
          .inject(camera)
          .catch((err: unknown) =>
            this.options.log.error({ err, camera: camera.id, conference: c.id }, 'camera could not be injected again'),
          );
      }
      this.options.log.info({ conference: c.id, worker: slot.worker.pid }, 'conference room opened');
      return room;
    })();
    try {
      return await c.opening;
    } finally {
      c.opening = null;
    }
  }

  /** Puts a peer in the lobby, or in the room when `admit`. */
  async enter(c: Conference, member: Member, admit: boolean): Promise<'lobby' | 'admitted'> {
    const current = this.of(member.peerId);
    if (current && current !== c) throw new MediaError('conflict', `已在会商「${current.title}」中，请先退出`);
    if (c.members.has(member.peerId)) return 'admitted';
    if (c.members.size + c.lobby.size >= MAX_MEMBERS) throw new MediaError('rate_limited', `每个会商最多 ${MAX_MEMBERS} 人`);
    this.peerConference.set(member.peerId, c.id);
    if (!admit) {
      c.lobby.set(member.peerId, member);
      this.emit('changed', c);
      return 'lobby';
    }
    c.lobby.delete(member.peerId);
    c.members.set(member.peerId, member);
    c.admittedUsers.add(member.userId);
    try {
      await this.ensureRoom(c);
    } catch (err) {
      c.members.delete(member.peerId);
      this.peerConference.delete(member.peerId);
      throw err;
    }
    this.emit('changed', c);
    return 'admitted';
  }

  /** Lets a peer of the lobby in: it is told so and joins again, entering the room. */
  admit(c: Conference, peerId: string): Member {
    const m = c.lobby.get(peerId);
    if (!m) throw new MediaError('not_found', '等候室里没有这位参会者');
    c.admittedUsers.add(m.userId);
    return m;
  }

  /** A peer leaves (or is removed, or disconnected): its media closed; an empty room closes. */
  async leave(peerId: string): Promise<{ conference: Conference; member: Member } | null> {
    const c = this.of(peerId);
    if (!c) return null;
    this.peerConference.delete(peerId);
    const member = c.members.get(peerId) ?? c.lobby.get(peerId);
    c.members.delete(peerId);
    c.lobby.delete(peerId);
    c.room?.removePeer(peerId);
    if (c.activeSpeaker === peerId) c.activeSpeaker = null;
    if (c.members.size === 0 && c.room) {
      const room = c.room;
      c.room = null;
      await room.close().catch(() => undefined);
    }
    this.emit('changed', c);
    return member ? { conference: c, member } : null;
  }

  /**
   * Ends a conference for everyone in it: its members and lobby are let go, its room (with a recording under way)
   * closed, and it is forgotten. Returns the conference and whom it held, or null when there is none.
   */
  async end(id: string): Promise<{ conference: Conference; peers: Member[] } | null> {
    const c = this.conferences.get(id);
    if (!c) return null;
    this.conferences.delete(id);
    const peers = [...c.members.values(), ...c.lobby.values()];
    for (const m of peers) this.peerConference.delete(m.peerId);
    c.members.clear();
    c.lobby.clear();
    c.activeSpeaker = null;
    // A room still opening is waited for, so it is closed too (closing stops a recording under way).
    const room = c.room ?? (c.opening ? await c.opening.catch(() => null) : null);
    c.room = null;
    await room
      ?.close()
      .catch((err: unknown) => this.options.log.error({ err, conference: id }, 'conference room could not be closed'));
    this.options.log.info({ conference: id, peers: peers.length }, 'conference ended');
    return { conference: c, peers };
  }

  /**
   * The room's state as one recipient sees it: `canView` says whether it may view a camera; an injected camera it
   * may not view is listed as not viewable and without its name.
   */
  state(c: Conference, canView: (camera: CameraRecord) => boolean): ConferenceState {
    const pub = (m: Member): ConferenceMember => ({
      peerId: m.peerId,
      userId: m.userId,
      displayName: m.displayName,
      roleName: m.roleName,
      moderator: moderates(c, m),
      convener: m.userId === c.hostUserId,
      cohost: c.coHosts.includes(m.username),
      mutedByModerator: c.mutedUsers.has(m.userId),
      handRaised: c.raisedHands.has(m.userId),
    });
    const producer = (p: RoomProducer): ConferenceProducerInfo => {
      const viewable = p.camera === null || canView(p.camera);
      return {
        producerId: p.producer.id,
        peerId: p.peerId,
        kind: p.producer.kind,
        source: p.source,
        paused: p.producer.paused,
        label: viewable ? p.label : '摄像机画面（无权查看）',
        viewable,
      };
    };
    return {
      id: c.id,
      title: c.title,
      locked: c.locked,
      recording: c.room?.recording !== null && c.room?.recording !== undefined,
      members: [...c.members.values()].map(pub),
      lobby: [...c.lobby.values()].map(pub),
      producers: (c.room?.producers ?? []).map(producer),
      activeSpeaker: c.activeSpeaker,
    };
  }

  // ---- speaking ----

  /**
   * Hard-mutes the users of these members: their microphones are paused now, and stay paused (a new microphone is
   * produced paused, also after a rejoin) until a moderator lets them speak. Returns the microphones paused.
   */
  async mute(c: Conference, peerIds: string[]): Promise<number> {
    const users = new Set(peerIds.flatMap((id) => c.members.get(id)?.userId ?? []));
    for (const u of users) c.mutedUsers.add(u);
    const mics = (c.room?.producers ?? []).filter((p) => p.source === 'mic' && users.has(c.members.get(p.peerId)?.userId ?? ''));
    for (const p of mics) await p.producer.pause();
    this.emit('changed', c);
    return mics.length;
  }

  /** Lifts a hard mute (and the raised hand): the participant may unmute its microphone itself again. */
  allowSpeaking(c: Conference, userId: string): void {
    c.mutedUsers.delete(userId);
    c.raisedHands.delete(userId);
    this.emit('changed', c);
  }

  raiseHand(c: Conference, userId: string, raised: boolean): void {
    if (raised) c.raisedHands.add(userId);
    else c.raisedHands.delete(userId);
    this.emit('changed', c);
  }

  // ---- recordings ----

  async startRecording(c: Conference, byPeerId: string): Promise<string> {
    const room = c.room;
    if (!room) throw new MediaError('conflict', '会商中还没有人');
    mkdirSync(this.options.recordingsDir, { recursive: true });
    const startedAt = new Date();
    const base = path.join(this.options.recordingsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${c.id.slice(0, 8)}`);
    const { file, cameraIds } = await room.startRecording(base, byPeerId);
    const name = path.basename(file);
    writeFileSync(
      `${file}.json`,
      JSON.stringify({ conferenceId: c.id, title: c.title, startedAt: startedAt.toISOString(), cameraIds }),
    );
    this.emit('changed', c);
    return name;
  }

  async stopRecording(c: Conference): Promise<string | null> {
    const file = (await c.room?.stopRecording()) ?? null;
    this.emit('changed', c);
    return file ? path.basename(file) : null;
  }

  private async onWorkerDied(index: number, error: Error): Promise<void> {
    const hit = [...this.conferences.values()].filter((c) => c.room && c.room.slot.index === index && c.room.slot.worker.died);
    for (const c of hit) {
      const dead = c.room!;
      c.room = null;
      c.activeSpeaker = null;
      await dead.close().catch(() => undefined);
      if (c.members.size === 0) continue;
      try {
        await this.ensureRoom(c);
      } catch (err) {
        this.options.log.error({ err, conference: c.id }, 'conference room could not be re-created');
      }
      this.emit('reconnect', {
        conference: c,
        peerIds: [...c.members.keys()],
        reason: `媒体进程异常退出（${error.message}），正在恢复会商`,
      });
      this.emit('changed', c);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.list().map((c) => c.room?.close().catch(() => undefined)));
    this.conferences.clear();
    process.off('exit', this.onExit);
  }
}
