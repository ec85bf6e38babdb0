import { io as connect, type Socket } from 'socket.io-client';
import type { Change, ChangesCatchUp, ChangesSubscribe } from '../../contracts/incidents';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { freshIp } from './identity';

export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket client that behaves like the wall: subscribes with the last sequence it applied, keeps every change
 * once by sequence, re-subscribes on every reconnect, and records what it received.
 */
export class WallClient {
  readonly socket: WallSocket;
  readonly applied = new Map<number, Change>();
  /**
   * Sequences broadcast to this client more than once: a fault. (A change that arrives both in a replay and live is
   * the designed overlap of catch-up, dropped by sequence and not counted.)
   */
  duplicates = 0;
  private readonly live = new Set<number>();
  lastSeq: number;
  heads = 0;
  resets = 0;

  constructor(
    url: string,
    cookie: string,
    private readonly sub: Omit<ChangesSubscribe, 'since'>,
    since: number,
    opts: { reconnection?: boolean } = {},
  ) {
    this.lastSeq = since;
    const reconnects = opts.reconnection ?? true;
    this.socket = connect(url, {
      transports: ['websocket'],
      extraHeaders: { cookie, 'x-forwarded-for': freshIp() },
      reconnection: reconnects,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    this.socket.on('changes', (batch) =>
      batch.forEach((c) => {
        if (this.live.has(c.seq)) this.duplicates++;
        this.live.add(c.seq);
        this.apply(c);
      }),
    );
    this.socket.on('changes:head', () => this.heads++);
    this.socket.on('connect', () => void this.subscribe());
    // As the web client does: a gateway that is still starting refuses the handshake, and Socket.IO does not retry
    // a refused handshake by itself.
    this.socket.on('connect_error', () => {
      if (reconnects && !this.socket.active) this.retry = setTimeout(() => this.socket.connect(), 500);
    });
  }

  private retry: NodeJS.Timeout | null = null;

  private apply(c: Change): void {
    if (this.applied.has(c.seq)) return;
    this.applied.set(c.seq, c);
    this.lastSeq = Math.max(this.lastSeq, c.seq);
  }

  subscribed: Promise<ChangesCatchUp> | null = null;
  private subscribe(): Promise<ChangesCatchUp> {
    this.subscribed = new Promise((resolve, reject) => {
      this.socket.emit('changes:subscribe', { ...this.sub, since: this.lastSeq }, (ack: Ack<ChangesCatchUp>) => {
        // Right after a gateway's start its tail may not follow the log yet: the wall asks again shortly.
        if (!ack.ok && ack.error.code === 'unavailable' && this.socket.connected) {
          this.retry = setTimeout(() => void this.subscribe().then(resolve, reject), 500);
          return;
        }
        if (!ack.ok) return reject(new Error(ack.error.message));
        if (ack.data.reset) this.resets++;
        // Replayed changes overlap a little with what was seen: those are not duplicates for the wall.
        for (const c of ack.data.changes) if (!this.applied.has(c.seq)) this.apply(c);
        resolve(ack.data);
      });
    });
    // A refusal is for `ready()` to report, not an unhandled rejection.
    this.subscribed.catch(() => undefined);
    return this.subscribed;
  }

  async ready(): Promise<ChangesCatchUp> {
    const deadline = Date.now() + 15_000;
    while (!this.subscribed) {
      if (Date.now() > deadline) throw new Error('socket did not connect');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.subscribed;
  }

  incidentIds(): Set<number> {
    return new Set([...this.applied.values()].flatMap((c) => (c.incident ? [c.incident.id] : [])));
  }

  /** Resolves when a change matching `pred` has been applied. */
  async waitFor(pred: (c: Change) => boolean, timeoutMs = 5000): Promise<Change> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = [...this.applied.values()].find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching change within ${timeoutMs} ms (have ${this.applied.size})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.socket.disconnect();
  }
}
