import nodemailer, { type Transporter } from 'nodemailer';
import { SendFailure, type ChannelState } from './channel';

/**
 * E-mail over SMTP (nodemailer, pooled connections). `send` resolves with the message id once the SMTP server has
 * accepted the message ('sent': SMTP reports no later delivery).
 */
export class EmailChannel {
  private readonly transport: Transporter;
  private lastError: string | null = null;
  private readonly address: string;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    const u = new URL(url);
    this.address = `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '25')}`;
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
      secure: u.protocol === 'smtps:',
      // A local relay without TLS is normal in a closed network; use smtps:// or STARTTLS where the relay offers it.
      ignoreTLS: u.searchParams.get('starttls') === 'off',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    });
  }

  state(): ChannelState {
    return { on: true, ready: true, detail: `SMTP ${this.address}${this.lastError ? `（上次失败：${this.lastError}）` : ''}` };
  }

  async send(to: string, subject: string, text: string): Promise<string> {
    try {
      const info = (await this.transport.sendMail({ from: this.from, to, subject, text })) as {
        messageId: string;
        rejected?: unknown[];
      };
      if (info.rejected?.length) throw new SendFailure('邮件服务器拒收收件人', false);
      this.lastError = null;
      return info.messageId;
    } catch (err) {
      if (err instanceof SendFailure) throw err;
      const e = err as { responseCode?: number; message?: string };
      this.lastError = e.message ?? String(err);
      // 5xx: the server refuses this message for good; anything else (connection, 4xx) may pass later.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      throw new SendFailure(`邮件发送失败：${this.lastError}`, !permanent);
    }
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
