import type { Change, SystemMode } from '../../contracts/incidents';
import type { Db } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';

/** How long a mode read from the database is trusted when no change has been heard (other processes' switches). */
export const MODE_TRUST_MS = 1000;

/**
 * The current system mode as the policy's decisions need it (actions whose grants change with the mode): cached,
 * replaced by every `mode` change this process hears — its own commits through the change hub, every process's
 * through the change-log tail (`heard`) — and re-read when older than `MODE_TRUST_MS`, so that every gateway of a
 * cluster agrees within that time even without a tail. A newer change-log sequence always wins.
 */
export class CurrentMode {
  private cached: { mode: SystemMode; seq: number; at: number } | null = null;
  private reading: Promise<SystemMode> | null = null;

  constructor(
    private readonly db: () => Db,
    hub?: ChangeHub,
    private readonly now: () => number = Date.now,
  ) {
    hub?.subscribe((changes) => this.heard(changes));
  }

  /** Changes from the hub or the change-log tail: a mode change replaces the cached mode unless it is older. */
  heard(changes: readonly Change[]): void {
    for (const c of changes) if (c.mode) this.set(c.mode.mode, c.mode.seq);
  }

  private set(mode: SystemMode, seq: number): void {
    if (this.cached && seq < this.cached.seq) return;
    this.cached = { mode, seq, at: this.now() };
  }

  /** The mode now: the cached one while trusted, else read (one read at a time). */
  async get(): Promise<SystemMode> {
    if (this.cached && this.now() - this.cached.at < MODE_TRUST_MS) return this.cached.mode;
    this.reading ??= this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  private async read(): Promise<SystemMode> {
    const [row] = await this.db().query<{ mode: SystemMode; seq: string }>('SELECT mode, seq FROM system_mode WHERE id = 1');
    this.set(row!.mode, Number(row!.seq));
    // A read older than what was heard meanwhile loses; the trusted window starts again either way.
    this.cached!.at = this.now();
    return this.cached!.mode;
  }
}
