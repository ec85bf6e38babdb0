import type { Logger } from 'pino';
import type { MediaStatus } from '../../contracts/media';
import { loadCameraFile } from '../../media/cameras/catalog';
import { seedCameras } from '../../media/cameras/store';
import { MediaService, type ViewEnded } from '../../media/sfu/service';
import type { Db } from '../../geo/db/types';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import type { Config } from '../config';
import type { RealtimeSocket } from '../realtime/types';

/** A socket that joined the video service. */
export interface MediaPeer {
  socket: RealtimeSocket;
  principal: Principal;
}

/**
 * The video service inside the gateway: the SFU, the cameras of `data/cameras.json` seeded into the registry, the
 * peers (sockets that joined), the audit of every view's end, and the messages to clients when a worker died.
 */
export class MediaGateway {
  readonly service: MediaService;
  readonly peers = new Map<string, MediaPeer>();
  private identity: Identity | null = null;
  private started: Promise<void> | null = null;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    /** The start-up gate (gateway/deps.ts `Readiness`): the database, once it is ready. */
    private readonly readiness: { whenReady(): Promise<{ db: Db }> },
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.service = new MediaService({
      workers: config.MEDIA_WORKERS,
      idleStopMs: config.MEDIA_IDLE_STOP_MS,
      listen: {
        ip: config.MEDIA_LISTEN_IP,
        ...(config.MEDIA_ANNOUNCED_ADDRESS ? { announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS } : {}),
      },
      rtcMinPort: config.MEDIA_RTC_MIN_PORT,
      rtcMaxPort: config.MEDIA_RTC_MAX_PORT,
      log: log.child({ service: 'media' }),
      env,
    });
    this.service.on('viewEnded', (e) => {
      // A view the server ended on its own is announced; the client closed, left or lost its connection itself.
      if (e.reason === 'ingest_stopped') {
        this.peers.get(e.peerId)?.socket.emit('media:view:closed', { viewId: e.viewId, cameraId: e.cameraId, reason: e.reason });
      }
      void this.auditEnd(e);
    });
    this.service.on('reconnect', ({ peerId, views, reason }) =>
      this.peers.get(peerId)?.socket.emit('media:reconnect', { views, reason }),
    );
  }

  /** The identity services the audit rows are written with (set when the realtime server attaches). */
  attach(identity: Identity): void {
    this.identity = identity;
  }

  /** Starts the workers (a missing worker is reported, not thrown), then seeds the camera registry once the database is ready. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.service.start();
      const status = this.service.status();
      if (status.workers > 0) this.log.info({ workers: status.workers }, 'video service ready');
      const { db } = await this.readiness.whenReady();
      const count = await seedCameras(db, loadCameraFile().cameras);
      this.log.info({ cameras: count }, 'camera registry seeded');
    })().catch((err: unknown) => this.log.error({ err }, 'video service start-up failed; the rest of the platform runs'));
    return this.started;
  }

  status(): MediaStatus {
    return this.service.status();
  }

  private async auditEnd(e: ViewEnded): Promise<void> {
    const peer = this.peers.get(e.peerId);
    if (!this.identity || !peer) return;
    await this.identity.audit
      .append({
        action: 'camera.view',
        outcome: 'ok',
        actor: actorOf(peer.principal),
        object: `camera ${e.cameraId}`,
        sourceIp: peer.socket.data.ip,
        detail: { event: 'stop', viewId: e.viewId, reason: e.reason, seconds: e.seconds, channel: 'socket' },
      })
      .catch((err: unknown) => this.log.error({ err, camera: e.cameraId }, 'could not audit the end of a camera view'));
  }

  /** Releases every view of a socket (disconnect, session end) and forgets it. */
  release(socketId: string, reason: 'left' | 'disconnected'): number {
    const closed = this.service.closePeer(socketId, reason);
    this.peers.delete(socketId);
    return closed;
  }

  async close(): Promise<void> {
    await this.service.close();
    this.peers.clear();
  }
}
