import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { NotifyChannel } from '../../contracts/notify';
import type { Db } from '../../geo/db/types';
import { SendFailure, type ChannelState } from './channel';
import type { EmailChannel } from './email';
import { addRecipients, NOTIFY_CHANNEL, type RecipientRow } from './enqueue';
import { INAPP_CHANNEL } from './inapp';
import type { SmppChannel, SmsReceipt } from './sms';
import { notifySql } from './sql';

const CLAIM_SQL = notifySql('claim.sql');
const SETTLE_SQL = notifySql('settle.sql');
const RECEIPT_SQL = notifySql('receipt.sql');
const RECLAIM_SQL = notifySql('reclaim.sql');
const CHANNEL_OFF_SQL = notifySql('channel-off.sql');
const ESCALATE_SQL = notifySql('escalate.sql');
const DEPUTIES_SQL = notifySql('deputies.sql');

/** Attempts before a delivery fails for good (back-off 2, 4, 8 … 256 s between them). */
export const MAX_ATTEMPTS = 8;
/** How long a delivery on a channel this gateway has not configured waits for a gateway that has it, then fails. */
export const CHANNEL_OFF_GRACE_MINUTES = 10;
/** How long a claimed delivery stays with its worker; sends time out well before. */
export const LEASE_SECONDS = 15;
const BATCH: Record<NotifyChannel, number> = { inapp: 500, sms: 200, email: 20 };
const POLL_MS = 1000;
/** A receipt that arrives before its submission is recorded waits this long for it. */
const EARLY_RECEIPT_MS = 15_000;

export interface NotifyWorkerOptions {
  db: Db;
  log: Logger;
  sms: SmppChannel | null;
  email: EmailChannel | null;
  /** Minutes after which an unacknowledged urgent notification goes to the deputy on duty. */
  escalateAfterMinutes: number;
  now?: () => Date;
}

interface Claimed {
  id: string;
  channel: NotifyChannel;
  address: string;
  attempts: number;
  uncertain: boolean;
  title: string;
  body: string;
  urgent: boolean;
}

type Outcome = {
  id: string;
  outcome: 'sent' | 'delivered' | 'retry' | 'failed';
  providerId: string | null;
  error: string | null;
};

/**
 * The durable sender: each channel's lane claims due deliveries from the database (FOR UPDATE SKIP LOCKED, so any
 * number of gateways share the work), sends them and records the outcome only if it still holds them. A stop
 * (SIGTERM) lets what is in flight finish and record; a hard stop leaves leased rows that any worker queues again
 * once the lease has run out. Woken by NOTIFY on queueing, and by a one-second poll.
 */
export class NotifyWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly now: () => Date;
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(private readonly o: NotifyWorkerOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** What each channel can do now, for `GET /api/notify/channels` and health. */
  channels(): Record<NotifyChannel, ChannelState> {
    return {
      inapp: { on: true, ready: true, detail: '站内消息（铃铛）' },
      sms: this.o.sms?.state() ?? { on: false, ready: false, detail: '未配置短信通道（SMPP_URL）' },
      email: this.o.email?.state() ?? { on: false, ready: false, detail: '未配置邮件通道（SMTP_URL）' },
    };
  }

  async start(): Promise<void> {
    this.unlisten = await this.o.db.listen(NOTIFY_CHANNEL, () => this.wake());
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Runs every lane once more (a lane already running runs again when done). */
  wake(): void {
    if (this.stopped) return;
    for (const lane of ['housekeeping', 'inapp', 'sms', 'email']) this.run(lane);
  }

  private run(lane: string): void {
    if (this.running.has(lane)) {
      this.again.add(lane);
      return;
    }
    const p = this.lane(lane)
      .catch((err: unknown) => this.o.log.warn({ err, lane }, 'notification worker lane failed; retried on the next poll'))
      .finally(() => {
        this.running.delete(lane);
        if (this.again.delete(lane) && !this.stopped) this.run(lane);
      });
    this.running.set(lane, p);
  }

  private async lane(lane: string): Promise<void> {
    if (lane === 'housekeeping') return this.housekeeping();
    const channel = lane as NotifyChannel;
    // A lane keeps claiming while it finds full batches.
    for (;;) {
      if (this.stopped) return;
      const n = await this.drain(channel);
      if (n < BATCH[channel]) return;
    }
  }

  /** Stale leases, channels that are off, escalations. Also what a test with a fake clock drives by hand. */
  async housekeeping(): Promise<void> {
    const now = this.now();
    const [re] = await this.o.db.query<{ n: number }>(RECLAIM_SQL, [now]);
    if (re && re.n) this.o.log.warn({ deliveries: re.n }, 'notifications left sending by a stopped gateway queued again');
    for (const channel of ['sms', 'email'] as const) {
      const state = this.channels()[channel];
      if (!state.on) await this.o.db.query(CHANNEL_OFF_SQL, [channel, now, state.detail, CHANNEL_OFF_GRACE_MINUTES]);
    }
    await this.escalate(now);
  }

  /** Sends every due delivery of one channel once (the ones whose channel is not ready stay queued). */
  async drain(channel: NotifyChannel): Promise<number> {
    const state = this.channels()[channel];
    if (!state.ready) return 0;
    const now = this.now();
    const claimed = await this.o.db.query<Claimed>(CLAIM_SQL, [this.id, channel, now, BATCH[channel], LEASE_SECONDS]);
    if (!claimed.length) return 0;
    const outcomes = await Promise.all(claimed.map((c) => this.send(c)));
    await this.o.db.query(SETTLE_SQL, [
      this.id,
      this.now(),
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.outcome),
      outcomes.map((o) => o.providerId),
      outcomes.map((o) => o.error),
    ]);
    // Every gateway pushes recorded in-app deliveries to its own sockets (gateway/notify/inapp.ts).
    if (channel === 'inapp') await this.o.db.query(`SELECT pg_notify('${INAPP_CHANNEL}', '')`);
    return claimed.length;
  }

  private async send(c: Claimed): Promise<Outcome> {
    try {
      if (c.channel === 'inapp') return { id: c.id, outcome: 'delivered', providerId: null, error: null };
      const text = c.body ? `${c.title}：${c.body}` : c.title;
      const prefix = c.urgent ? '【紧急】' : '';
      if (c.channel === 'sms') {
        const messageId = await this.o.sms!.send(c.address, `${prefix}${text}`);
        return { id: c.id, outcome: 'sent', providerId: messageId, error: null };
      }
      const messageId = await this.o.email!.send(c.address, `${prefix}${c.title}`, c.body || c.title);
      return { id: c.id, outcome: 'sent', providerId: messageId, error: null };
    } catch (err) {
      const failure = err instanceof SendFailure ? err : new SendFailure(err instanceof Error ? err.message : String(err), true);
      const retry = failure.transient && c.attempts < MAX_ATTEMPTS;
      return { id: c.id, outcome: retry ? 'retry' : 'failed', providerId: null, error: failure.message };
    }
  }

  /**
   * A delivery receipt from the SMSC. One that overtook the record of its submission is tried again until that record
   * exists (at most EARLY_RECEIPT_MS), then refused, so the SMSC offers it again later. The caller answers the SMSC
   * only after this resolves: a receipt is never acknowledged before it is recorded.
   */
  async onReceipt(receipt: SmsReceipt): Promise<void> {
    const deadline = Date.now() + EARLY_RECEIPT_MS;
    while (!(await this.applyReceipt(receipt))) {
      if (Date.now() > deadline) throw new Error(`no SMS recorded under message id ${receipt.messageId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async applyReceipt(r: SmsReceipt): Promise<boolean> {
    const [row] = await this.o.db.query<{ n: number }>(RECEIPT_SQL, [
      r.messageId,
      r.delivered ? 'delivered' : 'failed',
      r.delivered ? r.stat : `短信未送达（${r.stat}）`,
      this.now(),
    ]);
    return (row?.n ?? 0) > 0;
  }

  private async escalate(now: Date): Promise<void> {
    const minutes = this.o.escalateAfterMinutes;
    await this.o.db.transaction(async (tx) => {
      const due = await tx.query<{ from_id: string; notification_id: string; department_id: string }>(ESCALATE_SQL, [
        now,
        minutes,
      ]);
      for (const d of due) {
        const deputies = await tx.query<RecipientRow>(DEPUTIES_SQL, [d.department_id, now, d.from_id]);
        const added = await addRecipients(tx, d.notification_id, now, deputies);
        this.o.log.info({ notification: d.notification_id, department: d.department_id, added }, 'urgent notification escalated');
      }
    });
  }

  /** Stops claiming and waits for what is in flight to be recorded. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.running.values());
    await this.unlisten?.().catch(() => undefined);
  }
}
