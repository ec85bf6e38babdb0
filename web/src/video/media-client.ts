import { Device } from 'mediasoup-client';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { ask, type RealtimeSocket } from '../api/socket';

/** One camera playing in the browser: its track, and how to read its stats and stop it. */
export interface PlayingView {
  viewId: string;
  cameraName: string;
  track: MediaStreamTrack;
  consumer: Consumer;
  close(): void;
}

/** Why a view has to be opened again: the server closed it, or its worker died and the camera moved. */
export type ViewLost = { viewId: string; reason: string; reopen: boolean };

/**
 * The browser side of the video service over the session's socket: joins once (loading mediasoup-client's Device
 * with the routers' capabilities), then opens a view per camera: receive transport, consumer, resume.
 */
export class VideoClient {
  private device: Device | null = null;
  private joining: Promise<Device> | null = null;
  private readonly transports = new Map<string, Transport>();
  private readonly lostListeners = new Set<(lost: ViewLost) => void>();

  constructor(private readonly socket: RealtimeSocket) {
    socket.on('media:reconnect', ({ views, reason }) => {
      for (const v of views) this.lost({ viewId: v.viewId, reason, reopen: true });
    });
    // The camera's ingest ended (its source failed): opening the view again restarts it.
    socket.on('media:view:closed', ({ viewId, reason }) =>
      this.lost({ viewId, reason: `视频源中断（${reason}）`, reopen: true }),
    );
    // The server releases a socket's views when it disconnects: every tile opens its camera again, on a new
    // connection (a new peer on the server, which joins again first).
    socket.on('disconnect', () => {
      this.joining = null;
      for (const viewId of [...this.transports.keys()]) this.lost({ viewId, reason: '实时连接中断，正在重连', reopen: true });
    });
  }

  onLost(listener: (lost: ViewLost) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private lost(lost: ViewLost): void {
    this.transports.get(lost.viewId)?.close();
    this.transports.delete(lost.viewId);
    for (const l of this.lostListeners) l(lost);
  }

  private join(): Promise<Device> {
    this.joining ??= (async () => {
      const joined = await ask(this.socket, 'media:join', {});
      if (!this.device) {
        const device = new Device();
        await device.load({ routerRtpCapabilities: joined.rtpCapabilities });
        this.device = device;
      }
      return this.device;
    })();
    this.joining.catch(() => (this.joining = null));
    return this.joining;
  }

  async open(cameraId: string): Promise<PlayingView> {
    const device = await this.join();
    const opened = await ask(this.socket, 'media:view:open', { cameraId });
    const { viewId } = opened;
    const transport = device.createRecvTransport(opened.transport);
    this.transports.set(viewId, transport);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      ask(this.socket, 'media:view:connect', { viewId, dtlsParameters }).then(() => done(), fail);
    });
    const close = () => {
      transport.close();
      this.transports.delete(viewId);
      if (this.socket.connected) void ask(this.socket, 'media:view:close', { viewId }).catch(() => undefined);
    };
    try {
      const consumed = await ask(this.socket, 'media:view:consume', {
        viewId,
        rtpCapabilities: device.rtpCapabilities,
      });
      const consumer = await transport.consume({
        id: consumed.consumerId,
        producerId: consumed.producerId,
        kind: consumed.kind,
        rtpParameters: consumed.rtpParameters,
      });
      await ask(this.socket, 'media:view:resume', { viewId });
      return { viewId, cameraName: opened.cameraName, track: consumer.track, consumer, close };
    } catch (err) {
      close();
      throw err;
    }
  }
}
