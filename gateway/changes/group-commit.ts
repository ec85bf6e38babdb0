import type { Logger } from 'pino';
import type { Change } from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from './hub';
import { lockChangeLog } from './log';

interface Pending<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export type BatchWrite<I, R> = (tx: Queryable, items: I[]) => Promise<{ results: R[]; changes: Change[] }>;

/**
 * Group commit for high-rate writers (feeds, unit positions): items submitted while a transaction runs are
 * written together in the next one, under the change-log lock, so throughput grows with load while every
 * submitter is answered only after its own transaction committed. The changes are published after commit.
 */
export class GroupCommit<I, R> {
  private queue: Pending<I, R>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly hub: ChangeHub,
    private readonly log: Logger,
    private readonly what: string,
    private readonly write: BatchWrite<I, R>,
    private readonly maxBatch = 250,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain().finally(() => (this.running = null));
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const { results, changes } = await this.db.transaction(async (tx) => {
          await lockChangeLog(tx);
          return this.write(
            tx,
            batch.map((p) => p.item),
          );
        });
        batch.forEach((p, i) => p.resolve(results[i]!));
        this.hub.publish(changes);
      } catch (err) {
        this.log.error({ err, items: batch.length }, `${this.what}: batch could not be written`);
        for (const p of batch) p.reject(err);
      }
    }
  }
}
