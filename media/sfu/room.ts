import type { types } from 'mediasoup';
import type { PoolWorker } from './pool';

export type RoomKind = 'camera' | 'conference';

export interface TransportListen {
  ip: string;
  announcedAddress?: string;
}

/**
 * A room is one router on one worker and the clients that receive from it. Camera rooms carry one camera's ingest;
 * a conference room (later) adds producing peers on the same base. When the worker dies the room is gone and the
 * service re-creates it on another worker.
 */
export abstract class Room {
  abstract readonly kind: RoomKind;
  private closedFlag = false;

  protected constructor(
    readonly id: string,
    readonly slot: PoolWorker,
    readonly router: types.Router,
  ) {}

  get closed(): boolean {
    return this.closedFlag || this.router.closed;
  }

  /** A WebRTC transport on this room's router for one client to receive over (UDP preferred, TCP as fallback). */
  createRecvTransport(listen: TransportListen): Promise<types.WebRtcTransport> {
    const info = { ip: listen.ip, ...(listen.announcedAddress ? { announcedAddress: listen.announcedAddress } : {}) };
    return this.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...info },
        { protocol: 'tcp', ...info },
      ],
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
  }

  /** Releases what the room holds beyond its router (processes, timers). */
  protected abstract release(): Promise<void>;

  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    await this.release();
    if (!this.router.closed) this.router.close();
  }
}
