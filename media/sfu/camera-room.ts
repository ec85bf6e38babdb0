import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { FfmpegProcess, simulatedCameraArgs } from '../ingest/ffmpeg';
import type { CameraRecord } from '../cameras/store';
import { MEDIA_CODECS, cameraRtpParameters } from './codecs';
import type { PoolWorker } from './pool';
import { Room } from './room';

export interface CameraRoomOptions {
  log: Logger;
  /** Called once when the ingest ends by itself (ffmpeg exited): the service closes the room and tells its viewers. */
  onIngestEnded: (room: CameraRoom, why: string) => void;
}

/**
 * One camera's room: a router, a PlainTransport on 127.0.0.1 (rtcpMux off, comedia: it learns the sender's ports
 * from the first packets) with the camera's producer, and, for a simulated camera, the ffmpeg that feeds it. Viewers
 * are counted here; the service stops the ingest a while after the last one leaves.
 */
export class CameraRoom extends Room {
  readonly kind = 'camera' as const;
  readonly viewers = new Set<string>();
  private idleTimer: NodeJS.Timeout | null = null;
  private ending = false;

  private constructor(
    readonly camera: CameraRecord,
    slot: PoolWorker,
    router: types.Router,
    readonly ingest: types.PlainTransport,
    readonly producer: types.Producer,
    private ffmpeg: FfmpegProcess | null,
  ) {
    super(`camera:${camera.id}`, slot, router);
  }

  static async open(camera: CameraRecord, slot: PoolWorker, options: CameraRoomOptions): Promise<CameraRoom> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    try {
      const ingest = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: false,
        comedia: true,
      });
      const ssrc = randomInt(1, 2 ** 31);
      const producer = await ingest.produce({ kind: 'video', rtpParameters: cameraRtpParameters(camera.codec, ssrc) });
      const rtcpPort = ingest.rtcpTuple?.localPort;
      if (rtcpPort === undefined) throw new Error('the ingest transport has no RTCP port');
      const room = new CameraRoom(camera, slot, router, ingest, producer, null);
      if (camera.source.kind === 'simulated') {
        const args = simulatedCameraArgs({
          name: camera.name,
          pattern: camera.source.pattern,
          codec: camera.codec,
          ssrc,
          rtpPort: ingest.tuple.localPort,
          rtcpPort,
          startedAtMs: Date.now(),
        });
        room.ffmpeg = new FfmpegProcess(args, (proc) => {
          if (room.ending || room.closed) return;
          const why = `ffmpeg exited (${proc.exited?.signal ?? `code ${String(proc.exited?.code)}`}): ${proc.stderr.trim().slice(-300)}`;
          options.log.warn({ camera: camera.id, why }, 'camera ingest ended');
          options.onIngestEnded(room, why);
        });
      } else {
        options.log.info(
          { camera: camera.id, rtpPort: ingest.tuple.localPort, rtcpPort, ssrc },
          'camera room waiting for RTP from its media gateway',
        );
      }
      return room;
    } catch (err) {
      router.close();
      throw err;
    }
  }

  /** The simulated camera's ffmpeg, while it runs. */
  get ingestProcess(): FfmpegProcess | null {
    return this.ffmpeg;
  }

  addViewer(viewId: string): void {
    this.viewers.add(viewId);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Removes a viewer; the last one leaving starts the idle timer, after which `onIdle` runs (unless someone came back). */
  removeViewer(viewId: string, idleStopMs: number, onIdle: () => void): void {
    this.viewers.delete(viewId);
    if (this.viewers.size > 0 || this.idleTimer || this.closed) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.viewers.size === 0) onIdle();
    }, idleStopMs);
    this.idleTimer.unref();
  }

  /** Kills ffmpeg synchronously (process exit). */
  killIngestNow(): void {
    this.ending = true;
    this.ffmpeg?.killNow();
  }

  protected async release(): Promise<void> {
    this.ending = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.ffmpeg?.stop();
  }
}
