import type { Logger } from 'pino';
import * as smpp from 'smpp';
import type { Pdu, Session } from 'smpp';
import { SendFailure, type ChannelState } from './channel';

/** A delivery receipt from the SMSC: the message id it gave on submission and whether the phone got it. */
export interface SmsReceipt {
  messageId: string;
  delivered: boolean;
  /** The receipt's `stat:` (DELIVRD, UNDELIV, EXPIRED, REJECTD, …). */
  stat: string;
}

/** Longest text sent in `short_message`; longer ones go in the `message_payload` TLV (UCS-2: 70 characters). */
const SHORT_MESSAGE_MAX = 70;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
const SUBMIT_TIMEOUT_MS = 10_000;

/** SMPP command statuses after which the same message may succeed later (throttling, the SMSC's own trouble). */
const TRANSIENT = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RSYSERR, 0x14 /* ESME_RMSGQFUL */, 0x64 /* ESME_RX_T_APPN */]);

/** The text of a delivery receipt: `id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:… text:…`. */
export function parseReceipt(pdu: Pdu): SmsReceipt | null {
  const esm = Number(pdu.esm_class ?? 0);
  if ((esm & smpp.ESM_CLASS.MC_DELIVERY_RECEIPT) === 0) return null;
  const sm = pdu.short_message as { message?: unknown } | Buffer | undefined;
  const text = Buffer.isBuffer(sm) ? sm.toString('latin1') : typeof sm?.message === 'string' ? sm.message : '';
  const id =
    typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id
      ? pdu.receipted_message_id
      : /id:(\S+)/i.exec(text)?.[1];
  const stat = /stat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  if (!id || !stat) return null;
  return { messageId: id, delivered: stat === 'DELIVRD', stat };
}

/**
 * SMS over SMPP 3.4: one transceiver bind to the SMSC (Kannel's SMPP server in production), kept up with enquire_link
 * and re-bound with back-off when it drops. `send` submits one message and resolves with the SMSC's message id;
 * delivery receipts (deliver_sm) are handed to `onReceipt`.
 */
export class SmppChannel {
  private session: Session | null = null;
  private bound = false;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private readonly systemId: string;
  private readonly password: string;
  private readonly address: string;

  constructor(
    url: string,
    private readonly sourceAddr: string,
    private readonly log: Logger,
    /** Records a receipt; the SMSC's deliver_sm is answered only once it is recorded, so it sends it again if not. */
    private readonly onReceipt: (receipt: SmsReceipt) => Promise<void>,
  ) {
    const u = new URL(url);
    this.systemId = decodeURIComponent(u.username);
    this.password = decodeURIComponent(u.password);
    this.address = `${u.protocol}//${u.hostname}:${u.port || '2775'}`;
  }

  start(): void {
    this.connect();
  }

  state(): ChannelState {
    if (this.bound) return { on: true, ready: true, detail: `已绑定 ${this.address}（${this.systemId}）` };
    return { on: true, ready: false, detail: `正在连接短信中心 ${this.address}${this.lastError ? `：${this.lastError}` : ''}` };
  }

  private connect(): void {
    if (this.closed) return;
    const session = smpp.connect({ url: this.address, auto_enquire_link_period: 10_000 });
    this.session = session;
    // Every submission in flight listens for the connection's end.
    session.setMaxListeners(0);
    session.on('connect', () => {
      session.bind_transceiver({ system_id: this.systemId, password: this.password, interface_version: 0x34 }, (pdu) => {
        if (pdu.command_status !== smpp.ESME_ROK) {
          this.lastError = `绑定被拒绝（状态 ${pdu.command_status}）`;
          this.log.warn({ status: pdu.command_status }, 'SMPP bind refused');
          session.close();
          return;
        }
        this.bound = true;
        this.lastError = null;
        this.retryMs = RECONNECT_MIN_MS;
        this.log.info({ smsc: this.address }, 'SMPP bound');
      });
    });
    session.on('deliver_sm', (pdu: Pdu) => {
      const receipt = parseReceipt(pdu);
      if (!receipt) {
        session.send(pdu.response());
        return;
      }
      this.onReceipt(receipt).then(
        () => session.send(pdu.response()),
        // ESME_RX_T_APPN: a temporary failure on our side; the SMSC delivers the receipt again later.
        () => session.send(pdu.response({ command_status: 0x64 })),
      );
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    session.on('close', () => {
      if (this.session !== session) return;
      this.bound = false;
      this.session = null;
      if (this.closed) return;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    });
  }

  /** Submits one SMS; resolves with the SMSC's message id, or rejects with a SendFailure (transient or not). */
  send(to: string, text: string): Promise<string> {
    const session = this.session;
    if (!session || !this.bound) return Promise.reject(new SendFailure('短信中心未连接', true));
    const long = text.length > SHORT_MESSAGE_MAX;
    const pdu = {
      source_addr: this.sourceAddr,
      destination_addr: to,
      registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
      ...(long ? { short_message: '', message_payload: { message: text } } : { short_message: { message: text } }),
    };
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new SendFailure('短信中心未在 10 秒内应答', true)), SUBMIT_TIMEOUT_MS);
      const onClose = () => {
        clearTimeout(timeout);
        reject(new SendFailure('与短信中心的连接中断', true));
      };
      session.once('close', onClose);
      const written = session.submit_sm(pdu, (resp) => {
        clearTimeout(timeout);
        session.off('close', onClose);
        if (resp.command_status === smpp.ESME_ROK && typeof resp.message_id === 'string' && resp.message_id)
          resolve(resp.message_id);
        else
          reject(
            new SendFailure(`短信中心拒收（状态 0x${resp.command_status.toString(16)}）`, TRANSIENT.has(resp.command_status)),
          );
      });
      if (!written) {
        clearTimeout(timeout);
        session.off('close', onClose);
        reject(new SendFailure('与短信中心的连接中断', true));
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const session = this.session;
    this.session = null;
    this.bound = false;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => session.destroy(() => resolve()), 500);
      session.unbind({}, () => {
        clearTimeout(done);
        session.close(() => resolve());
      });
    });
  }
}
