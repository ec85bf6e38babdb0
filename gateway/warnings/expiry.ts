import type { Logger } from 'pino';
import type { Db } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { expireDue } from './service';
import { warningSql } from './sql';

const NEXT_EXPIRY_SQL = warningSql('next-expiry.sql');

/** The sweep looks again at least this often (another gateway may have published a warning meanwhile). */
const EXPIRY_POLL_MS = 15_000;

/**
 * Writes the expiry of each warning to the change log when it comes, so that walls drop it without a reload: wakes
 * at the next expiry (or every `EXPIRY_POLL_MS`, and at once when poked after a publish) and expires what is due.
 * Reads never wait for it: they decide "in force" by time.
 */
export class ExpirySweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly hub: ChangeHub,
    private readonly log: Logger,
    private readonly pollMs = EXPIRY_POLL_MS,
  ) {}

  start(): this {
    this.poke();
    return this;
  }

  /** Sweeps now and schedules the next wake-up (after a publish or update with an earlier expiry). */
  poke(): void {
    if (this.stopped) return;
    this.running ??= this.sweep().finally(() => {
      this.running = null;
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async sweep(): Promise<void> {
    let wait = this.pollMs;
    try {
      const expired = await expireDue({ db: this.db, hub: this.hub });
      if (expired.length) this.log.info({ warnings: expired.map((w) => w.id) }, 'warnings expired');
      const [row] = await this.db.query<{ at: Date | string | null }>(NEXT_EXPIRY_SQL);
      if (row?.at) wait = Math.min(wait, Math.max(50, new Date(row.at).getTime() - Date.now() + 20));
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'warning expiry sweep failed; retrying');
    }
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poke(), wait);
    this.timer.unref();
  }
}
