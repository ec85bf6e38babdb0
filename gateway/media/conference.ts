import path from 'node:path';
import type { ConferenceSummary } from '../../contracts/media';
import type { ConferenceState } from '../../contracts/media';
import { ConferenceService, moderates, type Conference, type Member } from '../../media/sfu/conference-service';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { loadConfig } from '../config';
import type { RealtimeSocket } from '../realtime/types';
import { cameraAccess } from './access';
import type { MediaGateway } from './gateway';

interface ConferencePeer {
  socket: RealtimeSocket;
  principal: Principal;
}

/**
 * Conferences inside the gateway: the service on the video service's worker pool, the sockets of the participants,
 * the room state sent to members and lobby on every change, the active speaker, and the audit of joins, leaves and
 * moderator actions (`conference.join`, `conference.host`).
 */
export class ConferenceGateway {
  readonly service: ConferenceService;
  readonly peers = new Map<string, ConferencePeer>();

  constructor(
    readonly media: MediaGateway,
    readonly identity: Identity,
  ) {
    const config = loadConfig(process.env);
    this.service = new ConferenceService(media.service.pool, {
      listen: {
        ip: config.MEDIA_LISTEN_IP,
        ...(config.MEDIA_ANNOUNCED_ADDRESS ? { announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS } : {}),
      },
      log: identity.log.child({ service: 'conference' }),
      recordingsDir: path.join(config.DATA_DIR, 'recordings'),
    });
    this.service.on('changed', (c) => this.broadcast(c));
    this.service.on('speaker', (c) => {
      for (const peerId of [...c.members.keys()]) {
        this.peers.get(peerId)?.socket.emit('conference:speaker', { conferenceId: c.id, peerId: c.activeSpeaker });
      }
    });
    this.service.on('reconnect', ({ conference, peerIds, reason }) => {
      for (const peerId of peerIds) {
        this.peers.get(peerId)?.socket.emit('conference:reconnect', { conferenceId: conference.id, reason });
      }
    });
  }

  /** The room's state as this principal sees it (cameras it may not view are marked so). */
  stateFor(c: Conference, p: Principal): ConferenceState {
    return this.service.state(c, (camera) => cameraAccess(this.identity.policy, p, camera).allowed);
  }

  broadcast(c: Conference): void {
    for (const peerId of [...c.members.keys(), ...c.lobby.keys()]) {
      const peer = this.peers.get(peerId);
      if (peer) peer.socket.emit('conference:state', this.stateFor(c, peer.socket.data.principal));
    }
  }

  /** Invited: the convener, a named account or co-host, or an account of an invited role. */
  invited(c: Conference, p: Principal): boolean {
    return (
      c.hostUserId === p.userId ||
      c.inviteUsers.includes(p.username) ||
      c.coHosts.includes(p.username) ||
      c.inviteRoles.includes(p.role)
    );
  }

  /** Whether the principal's role may host conferences at all (a named co-host moderates only then). */
  mayHost(p: Principal): boolean {
    return this.identity.policy.authorize(p, 'conference.host').allowed;
  }

  /** The convener, or a co-host the convener named (whose role may host). Being invited gives no control. */
  moderates(c: Conference, p: Principal): boolean {
    return moderates(c, { userId: p.userId, username: p.username, mayHost: this.mayHost(p) });
  }

  summary(c: Conference, p: Principal): ConferenceSummary {
    return {
      id: c.id,
      title: c.title,
      hostName: c.hostName,
      createdAt: c.createdAt.toISOString(),
      inviteUsers: c.inviteUsers,
      inviteRoles: c.inviteRoles,
      autoAdmit: c.autoAdmit,
      locked: c.locked,
      participants: c.members.size,
      coHosts: c.coHosts,
      moderator: this.moderates(c, p),
      standing: c.standing,
    };
  }

  memberOf(peerId: string, p: Principal): Member {
    return {
      peerId,
      userId: p.userId,
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      roleName: this.identity.policy.roleName(p.role),
      mayHost: this.mayHost(p),
    };
  }

  /** An audit row of the conference; fails (and so refuses the request) when it cannot be written. */
  audit(
    action: 'conference.join' | 'conference.host',
    socket: RealtimeSocket,
    principal: Principal,
    c: Conference,
    detail: Record<string, unknown>,
    outcome: 'ok' | 'denied' = 'ok',
  ): Promise<unknown> {
    return this.identity.audit.append({
      action: outcome === 'denied' ? 'access.denied' : action,
      outcome,
      actor: actorOf(principal),
      object: `conference ${c.id}`,
      sourceIp: socket.data.ip,
      detail: { channel: 'socket', title: c.title, ...(outcome === 'denied' ? { action } : {}), ...detail },
    });
  }

  /** A socket leaves its conference (itself, removed, or disconnected); audited as the end of its participation. */
  async release(socketId: string, reason: 'left' | 'removed' | 'disconnected'): Promise<boolean> {
    const peer = this.peers.get(socketId);
    const left = await this.service.leave(socketId);
    this.peers.delete(socketId);
    if (!left || !peer) return false;
    await this.audit('conference.join', peer.socket, peer.principal, left.conference, {
      event: 'leave',
      reason,
      peerId: socketId,
    }).catch((err: unknown) => this.identity.log.error({ err }, 'could not audit leaving a conference'));
    return true;
  }

  /**
   * Ends a conference for everyone in it, as its end is decided elsewhere (a standing conference whose mode ended):
   * each member and each one waiting in the lobby is told why (`conference:ended`) and its leave audited.
   */
  async end(conferenceId: string, reason: string): Promise<number> {
    const ended = await this.service.end(conferenceId);
    if (!ended) return 0;
    for (const m of ended.peers) {
      const peer = this.peers.get(m.peerId);
      this.peers.delete(m.peerId);
      if (!peer) continue;
      peer.socket.emit('conference:ended', { conferenceId, reason });
      await this.audit('conference.join', peer.socket, peer.principal, ended.conference, {
        event: 'leave',
        reason: 'ended',
        peerId: m.peerId,
      }).catch((err: unknown) => this.identity.log.error({ err }, 'could not audit the end of a conference'));
    }
    return ended.peers.length;
  }

  close(): Promise<void> {
    this.peers.clear();
    return this.service.close();
  }
}

const gateways = new WeakMap<MediaGateway, ConferenceGateway>();

/** The conference gateway of a video service (one per process, made on first use). */
export function conferencesOf(media: MediaGateway, identity: Identity): ConferenceGateway {
  let g = gateways.get(media);
  if (!g) {
    g = new ConferenceGateway(media, identity);
    gateways.set(media, g);
  }
  return g;
}
