import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { locateMediasoupWorker } from '../worker/locate';

type Mediasoup = typeof import('mediasoup');

export interface PoolOptions {
  /** How many workers; each is one process on one core. */
  size: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  log: Logger;
  /** Where MEDIASOUP_WORKER_BIN is read from (the process environment by default). */
  env?: NodeJS.ProcessEnv;
}

/** One worker slot of the pool: a slot keeps its index when its worker dies and is replaced. */
export interface PoolWorker {
  index: number;
  worker: types.Worker;
}

interface PoolEvents {
  /** A worker died; its routers are gone. `replaced` is the new worker in the same slot (null if it could not start). */
  died: [{ index: number; pid: number; error: Error; replaced: PoolWorker | null }];
}

/**
 * mediasoup workers, one per core by default. A worker that dies is replaced in its slot, and `died` tells the
 * rooms that lived on it. The pool never throws at start: when the worker binary is missing or cannot run, the
 * pool is empty and `unavailable` says why, so the rest of the platform keeps running.
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly slots: (PoolWorker | null)[] = [];
  private mediasoup: Mediasoup | null = null;
  private closing = false;
  unavailable: string | null = 'the media workers are starting';

  constructor(private readonly options: PoolOptions) {
    super();
  }

  get workers(): PoolWorker[] {
    return this.slots.filter((s): s is PoolWorker => s !== null && !s.worker.died && !s.worker.closed);
  }

  async start(): Promise<void> {
    const where = locateMediasoupWorker({ env: this.options.env ?? process.env });
    if (!where.available) {
      this.unavailable = where.reason;
      this.options.log.error({ reason: where.reason }, 'video unavailable: no mediasoup worker (everything else runs)');
      return;
    }
    try {
      this.mediasoup = await import('mediasoup');
      for (let i = 0; i < this.options.size; i++) this.slots.push(await this.spawn(i, where.bin));
      this.unavailable = null;
    } catch (err) {
      this.unavailable = `the mediasoup worker could not start: ${err instanceof Error ? err.message : String(err)}`;
      this.options.log.error({ err }, 'video unavailable: the mediasoup worker could not start (everything else runs)');
    }
  }

  private async spawn(index: number, bin?: string): Promise<PoolWorker> {
    if (!this.mediasoup) throw new Error('mediasoup is not loaded');
    const worker = await this.mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.options.rtcMinPort,
      rtcMaxPort: this.options.rtcMaxPort,
      ...(bin ? { workerBin: bin } : {}),
    });
    const slot = { index, worker };
    worker.on('died', (error) => void this.onDied(slot, error));
    this.options.log.info({ index, pid: worker.pid }, 'media worker started');
    return slot;
  }

  private async onDied(slot: PoolWorker, error: Error): Promise<void> {
    if (this.closing) return;
    this.options.log.error({ index: slot.index, pid: slot.worker.pid, err: error.message }, 'media worker died; replacing it');
    let replaced: PoolWorker | null = null;
    try {
      replaced = await this.spawn(slot.index);
    } catch (err) {
      this.options.log.error({ err, index: slot.index }, 'media worker could not be replaced');
    }
    if (this.closing) {
      replaced?.worker.close();
      return;
    }
    this.slots[slot.index] = replaced;
    if (this.workers.length === 0) this.unavailable = 'every media worker died and none could be restarted';
    this.emit('died', { index: slot.index, pid: slot.worker.pid, error, replaced });
  }

  /** The live worker with the fewest routers, or null when none runs. */
  async leastLoaded(): Promise<PoolWorker | null> {
    const live = this.workers;
    if (live.length === 0) return null;
    const loads = await Promise.all(
      live.map(async (s) => (await s.worker.dump().catch(() => ({ routerIds: [] as string[] }))).routerIds.length),
    );
    let best = 0;
    for (let i = 1; i < live.length; i++) if (loads[i]! < loads[best]!) best = i;
    return live[best]!;
  }

  close(): void {
    this.closing = true;
    for (const s of this.slots) s?.worker.close();
    this.slots.length = 0;
  }
}
