import type { Logger } from 'pino';
import type { Change } from '../../contracts/incidents';
import type { Db } from '../../geo/db/types';
import { changeHead, changesAfter, CHANGES_CHANNEL } from './log';

/** Changes read per query while catching up. */
const PAGE = 1000;
/** The tail also looks every so often, in case a notification was lost with its connection. */
export const TAIL_POLL_MS = 1000;

/**
 * Follows the change log in sequence order and hands every committed change to this process's listeners (its
 * own Socket.IO clients). Woken by the writers of this process, by NOTIFY from any other gateway process, and by
 * a slow poll. Because the log, not the committing process, is the source, a change whose writer died right after
 * commit still reaches every client, and each process sends its clients changes strictly in order.
 */
export class ChangeTail {
  private last = 0;
  private pending = false;
  private running: Promise<void> | null = null;
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  private constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Starts at the current head: what came before is for clients to replay with `changes:subscribe`. */
  static async start(db: Db, log: Logger): Promise<ChangeTail> {
    const tail = new ChangeTail(db, log);
    tail.last = await changeHead(db);
    tail.unlisten = await db.listen(CHANGES_CHANNEL, () => tail.poke());
    tail.timer = setInterval(() => tail.poke(), TAIL_POLL_MS);
    tail.timer.unref();
    return tail;
  }

  get position(): number {
    return this.last;
  }

  subscribe(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something was committed: read what is new (coalesced while a read is under way). */
  poke(): void {
    this.pending = true;
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      try {
        for (;;) {
          const changes = await changesAfter(this.db, this.last, PAGE);
          if (!changes.length) break;
          this.last = changes[changes.length - 1]!.seq;
          for (const l of this.listeners) l(changes);
          if (changes.length < PAGE) break;
        }
      } catch (err) {
        this.log.warn({ err }, 'change log unreadable; retrying on the next poll');
        return;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.();
    await this.running;
  }
}
