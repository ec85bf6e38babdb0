import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { CameraLink, MediaStatus, ViewCloseReason, ViewConsumed, ViewOpened } from '../../contracts/media';
import type { CameraRecord } from '../cameras/store';
import { CameraRoom } from './camera-room';
import { MEDIA_CODECS } from './codecs';
import { MediaError } from './errors';
import { WorkerPool } from './pool';
import type { TransportListen } from './room';

/** Views one client may hold at once: a 16-tile wall with room for a full-screen view and re-opens. */
export const MAX_VIEWS_PER_PEER = 24;

/** How long an ended ingest waits before its room is closed (a dying worker is noticed first). */
const INGEST_END_GRACE_MS = 300;

export interface MediaServiceOptions {
  workers: number;
  idleStopMs: number;
  listen: TransportListen;
  rtcMinPort: number;
  rtcMaxPort: number;
  log: Logger;
  /** Where MEDIASOUP_WORKER_BIN is read from (the process environment by default). */
  env?: NodeJS.ProcessEnv;
}

/** One camera shown to one client (a peer: one socket): a receive transport and, once asked for, a consumer. */
interface View {
  id: string;
  peerId: string;
  camera: CameraRecord;
  room: CameraRoom;
  transport: types.WebRtcTransport;
  consumer: types.Consumer | null;
  startedAt: number;
}

export interface ViewEnded {
  peerId: string;
  viewId: string;
  cameraId: string;
  reason: ViewCloseReason;
  seconds: number;
}

interface ServiceEvents {
  /** A view ended, for whatever reason (audited as the end of a camera view). */
  viewEnded: [ViewEnded];
  /** A worker died: these views of a peer are gone and their cameras' rooms were re-created elsewhere. */
  reconnect: [{ peerId: string; views: { viewId: string; cameraId: string }[]; reason: string }];
}

/**
 * The SFU: a worker pool, one room (router) per camera being watched, and the views of every client. Rooms are made
 * on demand (the first viewer starts the camera's ingest) and closed `idleStopMs` after the last viewer left. A
 * worker that dies is replaced; its rooms are re-created on a live worker and their clients asked to re-consume.
 */
export class MediaService extends EventEmitter<ServiceEvents> {
  readonly pool: WorkerPool;
  private readonly rooms = new Map<string, CameraRoom>();
  private readonly opening = new Map<string, Promise<CameraRoom>>();
  private readonly views = new Map<string, View>();
  private readonly pendingOpens = new Map<string, number>();
  /** Cameras whose source failed (ffmpeg exited by itself) and has not sent RTP since: when and why. */
  private readonly sourceFailures = new Map<string, { at: Date }>();
  private capabilities: types.RtpCapabilities | null = null;
  private closed = false;
  private readonly onExit = () => {
    for (const room of this.rooms.values()) room.killIngestNow();
  };

  constructor(private readonly options: MediaServiceOptions) {
    super();
    this.pool = new WorkerPool({
      size: options.workers,
      rtcMinPort: options.rtcMinPort,
      rtcMaxPort: options.rtcMaxPort,
      log: options.log,
      env: options.env,
    });
    this.pool.on('died', (e) => void this.onWorkerDied(e.index, e.error));
    process.on('exit', this.onExit);
  }

  get idleStopMs(): number {
    return this.options.idleStopMs;
  }

  async start(): Promise<void> {
    await this.pool.start();
    const first = this.pool.workers[0];
    if (!first) return;
    const probe = await first.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    this.capabilities = probe.rtpCapabilities;
    probe.close();
  }

  status(): MediaStatus {
    const workers = this.pool.workers.length;
    if (workers > 0) return { workers };
    return { workers: 0, reason: this.pool.unavailable ?? 'no media worker runs' };
  }

  rtpCapabilities(): types.RtpCapabilities {
    if (!this.capabilities || this.pool.workers.length === 0) {
      throw new MediaError('unavailable', `视频服务不可用：${this.status().reason ?? '没有媒体进程'}`);
    }
    return this.capabilities;
  }

  /** Cameras whose ingest runs now, with their viewer counts. */
  activeRooms(): { cameraId: string; viewers: number; workerPid: number; ffmpegPid: number | undefined }[] {
    return [...this.rooms.values()].map((r) => ({
      cameraId: r.camera.id,
      viewers: r.viewers.size,
      workerPid: r.slot.worker.pid,
      ffmpegPid: r.ingestProcess?.pid,
    }));
  }

  /**
   * Each camera's link as the service knows it now: live when its room's producer has received RTP, offline when no
   * worker runs, when its source failed and has not sent since, or when a media-gateway camera sends nothing; a
   * simulated camera no one watches is on standby (its source starts with the first view).
   */
  async cameraLinks(cameras: readonly CameraRecord[]): Promise<Map<string, CameraLink>> {
    const links = new Map<string, CameraLink>();
    const noWorker = this.pool.workers.length === 0;
    await Promise.all(
      cameras.map(async (camera) => {
        if (noWorker) {
          links.set(camera.id, {
            online: false,
            state: 'offline',
            reason: `视频服务不可用：${this.status().reason ?? '没有媒体进程'}`,
          });
          return;
        }
        const room = this.rooms.get(camera.id);
        if (room && !room.closed && !room.ingestProcess?.exited && (await receivedBytes(room.producer)) > 0) {
          this.sourceFailures.delete(camera.id);
          links.set(camera.id, { online: true, state: 'live' });
          return;
        }
        const failure = this.sourceFailures.get(camera.id);
        if (failure) {
          links.set(camera.id, {
            online: false,
            state: 'offline',
            reason: '视频源中断，尚未恢复',
            since: failure.at.toISOString(),
          });
        } else if (camera.source.kind === 'rtp') {
          links.set(camera.id, { online: false, state: 'offline', reason: '未收到媒体网关推流' });
        } else {
          // A simulated camera whose room is opening (no RTP yet) or that no one watches: its source starts on demand.
          links.set(camera.id, { online: true, state: 'standby' });
        }
      }),
    );
    return links;
  }

  room(cameraId: string): CameraRoom | undefined {
    return this.rooms.get(cameraId);
  }

  private async ensureRoom(camera: CameraRecord): Promise<CameraRoom> {
    const live = this.rooms.get(camera.id);
    if (live && !live.closed) return live;
    const pending = this.opening.get(camera.id);
    if (pending) return pending;
    const opening = (async () => {
      const slot = await this.pool.leastLoaded();
      if (!slot) throw new MediaError('unavailable', `视频服务不可用：${this.status().reason ?? '没有媒体进程'}`);
      const room = await CameraRoom.open(camera, slot, {
        log: this.options.log,
        // ffmpeg also ends when its worker died (its RTP is refused): the worker's own handling then moves the room,
        // so an ingest end is acted on only once it is clear the room is still in place on a live worker.
        onIngestEnded: (r) => {
          this.sourceFailures.set(r.camera.id, { at: new Date() });
          setTimeout(() => {
            if (this.rooms.get(r.camera.id) === r && !r.slot.worker.died) void this.closeRoom(r, 'ingest_stopped');
          }, INGEST_END_GRACE_MS).unref();
        },
      });
      // RTP arriving (a positive score) proves the source again; a score reported while a dead ingest's room is
      // being closed does not.
      room.producer.on('score', (scores) => {
        const current = this.rooms.get(camera.id) === room && !room.closed && !room.ingestProcess?.exited;
        if (current && scores.some((s) => s.score > 0)) this.sourceFailures.delete(camera.id);
      });
      this.rooms.set(camera.id, room);
      this.options.log.info({ camera: camera.id, worker: slot.worker.pid }, 'camera ingest started');
      return room;
    })();
    this.opening.set(camera.id, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(camera.id);
    }
  }

  /** Opens a view of a camera the caller was allowed to see: starts its ingest when needed, creates the transport. */
  async openView(peerId: string, camera: CameraRecord): Promise<ViewOpened> {
    if (this.closed) throw new MediaError('unavailable', '视频服务正在关闭');
    const pending = this.pendingOpens.get(peerId) ?? 0;
    if (this.viewsOf(peerId).length + pending >= MAX_VIEWS_PER_PEER) {
      throw new MediaError('rate_limited', `同时调阅的视频不能超过 ${MAX_VIEWS_PER_PEER} 路`);
    }
    this.pendingOpens.set(peerId, pending + 1);
    try {
      return await this.createView(peerId, camera);
    } finally {
      const left = (this.pendingOpens.get(peerId) ?? 1) - 1;
      if (left > 0) this.pendingOpens.set(peerId, left);
      else this.pendingOpens.delete(peerId);
    }
  }

  private async createView(peerId: string, camera: CameraRecord): Promise<ViewOpened> {
    const room = await this.ensureRoom(camera);
    const id = randomUUID();
    room.addViewer(id);
    let transport: types.WebRtcTransport;
    try {
      transport = await room.createRecvTransport(this.options.listen);
    } catch (err) {
      room.removeViewer(id, this.options.idleStopMs, () => void this.closeRoom(room, 'closed'));
      throw err;
    }
    this.views.set(id, { id, peerId, camera, room, transport, consumer: null, startedAt: Date.now() });
    return {
      viewId: id,
      cameraId: camera.id,
      cameraName: camera.name,
      transport: {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      } as ViewOpened['transport'],
    };
  }

  private view(peerId: string, viewId: string): View {
    const view = this.views.get(viewId);
    if (!view || view.peerId !== peerId) throw new MediaError('not_found', `没有这个视频调阅（${viewId}）`);
    return view;
  }

  /** The camera a view of this peer shows (for authorising its consumer). */
  cameraOf(peerId: string, viewId: string): CameraRecord {
    return this.view(peerId, viewId).camera;
  }

  async connectView(peerId: string, viewId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.view(peerId, viewId).transport.connect({ dtlsParameters });
  }

  async consumeView(peerId: string, viewId: string, rtpCapabilities: types.RtpCapabilities): Promise<ViewConsumed> {
    const view = this.view(peerId, viewId);
    if (view.consumer) throw new MediaError('conflict', '该视频已在播放');
    const { producer, router } = view.room;
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new MediaError('bad_request', `浏览器不支持摄像机「${view.camera.name}」的编码 ${view.camera.codec}`);
    }
    const consumer = await view.transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    view.consumer = consumer;
    consumer.on('producerclose', () => this.endView(view, 'ingest_stopped'));
    return {
      viewId,
      consumerId: consumer.id,
      producerId: producer.id,
      kind: 'video',
      rtpParameters: consumer.rtpParameters as ViewConsumed['rtpParameters'],
    };
  }

  async resumeView(peerId: string, viewId: string): Promise<void> {
    const view = this.view(peerId, viewId);
    if (!view.consumer) throw new MediaError('conflict', '请先 media:view:consume');
    await view.consumer.resume();
    await view.consumer.requestKeyFrame().catch(() => undefined);
  }

  closeView(peerId: string, viewId: string, reason: ViewCloseReason = 'closed'): void {
    this.endView(this.view(peerId, viewId), reason);
  }

  /** Closes every view of a peer (it left, disconnected, or its session ended); returns how many. */
  closePeer(peerId: string, reason: ViewCloseReason): number {
    const mine = [...this.views.values()].filter((v) => v.peerId === peerId);
    for (const v of mine) this.endView(v, reason);
    return mine.length;
  }

  viewsOf(peerId: string): { viewId: string; cameraId: string; consuming: boolean }[] {
    return [...this.views.values()]
      .filter((v) => v.peerId === peerId)
      .map((v) => ({ viewId: v.id, cameraId: v.camera.id, consuming: v.consumer !== null && !v.consumer.closed }));
  }

  private endView(view: View, reason: ViewCloseReason): void {
    if (!this.views.delete(view.id)) return;
    if (!view.transport.closed) view.transport.close();
    const room = view.room;
    if (this.rooms.get(view.camera.id) === room) {
      room.removeViewer(view.id, this.options.idleStopMs, () => void this.closeRoom(room, 'closed'));
    }
    this.emit('viewEnded', {
      peerId: view.peerId,
      viewId: view.id,
      cameraId: view.camera.id,
      reason,
      seconds: Math.round((Date.now() - view.startedAt) / 1000),
    });
  }

  private async closeRoom(room: CameraRoom, reason: ViewCloseReason): Promise<void> {
    if (this.rooms.get(room.camera.id) === room) this.rooms.delete(room.camera.id);
    for (const view of [...this.views.values()]) if (view.room === room) this.endView(view, reason);
    await room.close();
    this.options.log.info({ camera: room.camera.id, reason }, 'camera ingest stopped');
  }

  private async onWorkerDied(index: number, error: Error): Promise<void> {
    const dead = [...this.rooms.values()].filter((r) => r.slot.index === index && r.slot.worker.died);
    const byPeer = new Map<string, { viewId: string; cameraId: string }[]>();
    for (const room of dead) {
      this.rooms.delete(room.camera.id);
      for (const view of [...this.views.values()]) {
        if (view.room !== room) continue;
        const list = byPeer.get(view.peerId) ?? [];
        list.push({ viewId: view.id, cameraId: view.camera.id });
        byPeer.set(view.peerId, list);
        this.endView(view, 'worker_died');
      }
      await room.close().catch(() => undefined);
    }
    // The rooms that had viewers come back on a live worker before their clients are told to re-consume.
    const watched = dead.filter((r) => [...byPeer.values()].some((l) => l.some((v) => v.cameraId === r.camera.id)));
    await Promise.all(
      watched.map((r) =>
        this.ensureRoom(r.camera).catch((err: unknown) =>
          this.options.log.error({ err, camera: r.camera.id }, 'camera room could not be re-created'),
        ),
      ),
    );
    for (const [peerId, views] of byPeer) {
      this.emit('reconnect', { peerId, views, reason: `媒体进程异常退出（${error.message}），正在恢复视频` });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const view of [...this.views.values()]) this.endView(view, 'disconnected');
    await Promise.all([...this.rooms.values()].map((r) => r.close().catch(() => undefined)));
    this.rooms.clear();
    this.pool.close();
    process.off('exit', this.onExit);
  }
}

/** Bytes of RTP a camera's producer has received (0 when its stats cannot be read). */
async function receivedBytes(producer: types.Producer): Promise<number> {
  const stats = await producer.getStats().catch(() => []);
  return stats.reduce((sum, s) => sum + (s.byteCount ?? 0), 0);
}
