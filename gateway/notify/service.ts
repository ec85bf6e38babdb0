import type { Logger } from 'pino';
import type { ChannelStatus } from '../../contracts/notify';
import { NOTIFY_CHANNELS } from '../../contracts/notify';
import type { Db } from '../../geo/db/types';
import type { Config } from '../config';
import type { RealtimeServer } from '../realtime/types';
import { EmailChannel } from './email';
import { InAppFeed, userRoom } from './inapp';
import { SmppChannel } from './sms';
import { NotifyWorker } from './worker';

type NotifyConfig = Pick<Config, 'SMPP_URL' | 'SMPP_SOURCE_ADDR' | 'SMTP_URL' | 'SMTP_FROM' | 'NOTIFY_ESCALATE_MINUTES'>;

/**
 * The notification service of one gateway: the channels the configuration names, the durable worker that sends
 * through them, and the in-app feed to this gateway's sockets. Exists before start-up (so routes and health can say
 * which channels are off); `start` runs it once the database is ready.
 */
export class NotifyService {
  private worker: NotifyWorker | null = null;
  private feed: InAppFeed | null = null;
  private io: RealtimeServer | null = null;
  private sms: SmppChannel | null = null;
  private email: EmailChannel | null = null;

  constructor(
    private readonly cfg: NotifyConfig,
    private readonly log: Logger,
    private readonly now?: () => Date,
  ) {}

  /** Channels as configured and, once running, as they can send now. */
  channels(): ChannelStatus[] {
    const states = this.worker?.channels();
    return NOTIFY_CHANNELS.map((channel) => {
      if (states) return { channel, ...states[channel] };
      const configured = channel === 'inapp' || (channel === 'sms' ? !!this.cfg.SMPP_URL : !!this.cfg.SMTP_URL);
      const env = channel === 'sms' ? 'SMPP_URL' : 'SMTP_URL';
      return {
        channel,
        on: configured,
        ready: false,
        detail: configured ? '通知服务尚未启动' : `未配置${channel === 'sms' ? '短信' : '邮件'}通道（${env}）`,
      };
    });
  }

  /** Live in-app pushes go to the sockets of this server (joined to their user's room). */
  attachRealtime(io: RealtimeServer): void {
    this.io = io;
    io.on('connection', (socket) => void socket.join(userRoom(socket.data.userId)));
  }

  async start(db: Db): Promise<void> {
    if (this.cfg.SMPP_URL) {
      this.sms = new SmppChannel(this.cfg.SMPP_URL, this.cfg.SMPP_SOURCE_ADDR, this.log, async (r) => {
        if (!this.worker) throw new Error('the notification worker is not running');
        await this.worker.onReceipt(r).catch((err: unknown) => {
          this.log.warn({ err }, 'SMS delivery receipt not recorded; the SMSC sends it again');
          throw err;
        });
      });
      this.sms.start();
    }
    if (this.cfg.SMTP_URL) this.email = new EmailChannel(this.cfg.SMTP_URL, this.cfg.SMTP_FROM);
    this.worker = new NotifyWorker({
      db,
      log: this.log,
      sms: this.sms,
      email: this.email,
      escalateAfterMinutes: this.cfg.NOTIFY_ESCALATE_MINUTES,
      now: this.now,
    });
    await this.worker.start();
    if (this.io) {
      this.feed = new InAppFeed(db, this.io, this.log);
      await this.feed.start();
    }
    const off = this.channels().filter((c) => !c.on);
    if (off.length) this.log.warn({ off: off.map((c) => c.channel) }, 'notification channels off (not configured)');
  }

  /** Stops sending: what is in flight is recorded first, so a restart sends nothing twice. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.feed?.close();
    await this.sms?.close();
    await this.email?.close();
  }
}
