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
 * SQLSTATE classes that say the server is unwell or busy rather than that a statement's data is wrong: connection
 * (08), transaction rollback (40: serialisation, deadlock), insufficient resources (53), operator intervention (57),
 * system error (58). Retrying the same data later can succeed.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** The SQLSTATE of a database error, looked for through `cause` chains (DbError wraps the driver's error). */
export function sqlStateOf(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * True when the database refused a statement for what it carried (a value text cannot hold, a constraint, a limit):
 * the server answered, so the same record will fail again however often it is retried. Connection failures and
 * errors without a SQLSTATE are not record faults.
 */
export function isRecordFault(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== null && !TRANSIENT_CLASSES.has(state.slice(0, 2));
}

/**
 * Group commit for high-rate writers (feeds, unit positions): items submitted while a transaction runs are
 * written together in the next one, under the change-log lock, so throughput grows with load while every
 * submitter is answered only after its own transaction committed. The changes are published after commit.
 *
 * One bad item must not fail everyone else's: when the database refuses a batch for its data (`isRecordFault`),
 * its items are written again one transaction each, so the bad one fails alone and the rest commit.
 */
export class GroupCommit<I, R> {
  private queue: Pending<I, R>[] = [];
  private running: Promise<void> | null = null;
  private busySince: number | null = null;

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

  /** For health reports: items waiting, and how long the transaction under way has been running. */
  status(now = Date.now()): { queued: number; busyMs: number } {
    return { queued: this.queue.length, busyMs: this.busySince === null ? 0 : now - this.busySince };
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.busySince = Date.now();
      try {
        await this.commit(batch);
      } catch (err) {
        if (batch.length > 1 && isRecordFault(err)) {
          this.log.warn({ err, items: batch.length }, `${this.what}: batch refused for its data; writing its items one by one`);
          for (const p of batch) {
            await this.commit([p]).catch((e: unknown) => {
              this.log.warn({ err: e }, `${this.what}: item could not be written`);
              p.reject(e);
            });
          }
        } else {
          this.log.error({ err, items: batch.length }, `${this.what}: batch could not be written`);
          for (const p of batch) p.reject(err);
        }
      } finally {
        this.busySince = null;
      }
    }
  }

  /** One transaction for `batch`; resolves its submitters after commit, throws (answering nobody) otherwise. */
  private async commit(batch: Pending<I, R>[]): Promise<void> {
    const { results, changes } = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      return this.write(
        tx,
        batch.map((p) => p.item),
      );
    });
    batch.forEach((p, i) => p.resolve(results[i]!));
    this.hub.publish(changes);
  }
}
