import type { Logger } from 'pino';
import type { InboxItem } from '../../contracts/notify';
import type { Db } from '../../geo/db/types';
import type { RealtimeServer } from '../realtime/types';
import { toInboxItem, type InboxRow } from './inbox';
import { notifySql } from './sql';

const PUSHED_SQL = notifySql('inapp-after.sql');
/** NOTIFY channel a worker signals after recording in-app deliveries; every gateway pushes them to its own sockets. */
export const INAPP_CHANNEL = 'harbin_notify_inapp';
/** Recorded events are read again this far back, so one committed late by another gateway is not skipped. */
const OVERLAP = 500;
const POLL_MS = 2000;

/** Room of every socket of one user: where their in-app notifications are pushed. */
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * Pushes in-app notifications to the recipients' sockets on this gateway (`notify:new`). Follows the delivery events
 * of the database (woken by NOTIFY, or a poll), so a notification sent by any gateway reaches sockets on all of them.
 */
export class InAppFeed {
  private after = 0;
  private readonly pushed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private busy: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly io: RealtimeServer,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const [row] = await this.db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM notification_event');
    this.after = Number(row?.id ?? 0);
    this.unlisten = await this.db.listen(INAPP_CHANNEL, () => this.poke());
    this.timer = setInterval(() => this.poke(), POLL_MS);
    this.timer.unref();
  }

  poke(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.read()
      .catch((err: unknown) => this.log.warn({ err }, 'in-app notifications could not be read; retried'))
      .finally(() => {
        this.busy = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async read(): Promise<void> {
    const rows = await this.db.query<InboxRow & { event_id: string; user_id: string }>(PUSHED_SQL, [
      Math.max(0, this.after - OVERLAP),
    ]);
    for (const r of rows) {
      const id = Number(r.event_id);
      this.after = Math.max(this.after, id);
      if (this.pushed.has(r.event_id)) continue;
      this.pushed.add(r.event_id);
      const item: InboxItem = toInboxItem(r);
      this.io.local.to(userRoom(r.user_id)).emit('notify:new', item);
    }
    for (const e of this.pushed) if (Number(e) <= this.after - OVERLAP) this.pushed.delete(e);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    await this.unlisten?.().catch(() => undefined);
  }
}
