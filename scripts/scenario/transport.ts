import mqtt, { type MqttClient } from 'mqtt';
import type { FeedAck, FeedSource } from '../../contracts/incidents';
import { avlTopic } from '../../gateway/feeds/avl';
import { gaugeTopic } from '../../gateway/feeds/gauges';
import type { FeedKeys } from '../../gateway/feeds/keys';
import { SIGNATURE_HEADER, signFeed, TIMESTAMP_HEADER } from '../../gateway/feeds/signature';
import { encodeAvl, encodeGauge } from './encoders';
import type { TruthGaugeReading, TruthTrack } from './truth';

/**
 * Delivery through the gateway's real transports, as an agency system or a field device would: signed webhooks
 * (`POST {baseUrl}/api/feeds/{source}`, HMAC-SHA256 over "<timestamp>.<body>") and MQTT publishes at QoS 1.
 */

export type WebhookOutcome =
  | { outcome: 'created'; status: number; ack: FeedAck; attempts: number }
  | { outcome: 'redelivered'; status: number; ack: FeedAck; attempts: number }
  | { outcome: 'rejected'; status: number; code: string; message: string; attempts: number }
  | { outcome: 'failed'; status: number | null; message: string; attempts: number };

export interface WebhookOptions {
  baseUrl: string;
  keys: FeedKeys;
  /** Attempts per record before giving up (5xx, 429 and connection errors are retried); default 6. */
  maxAttempts?: number;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** First retry delay, doubled each time (with jitter) up to 8 s; default 250 ms. */
  backoffMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The `{ error: { code, message } }` of a refusal, or the body's start when it is not one. */
function errorOf(status: number, text: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error.message === 'string') {
      return { code: typeof body.error.code === 'string' ? body.error.code : String(status), message: body.error.message };
    }
  } catch {
    // Not JSON: fall through.
  }
  return { code: String(status), message: text.slice(0, 300) || `HTTP ${status}` };
}

function isAck(value: unknown): value is FeedAck {
  const v = value as Partial<FeedAck> | null;
  return !!v && typeof v.recordId === 'number' && typeof v.incidentId === 'number' && typeof v.sourceId === 'string';
}

/**
 * Signed webhook delivery with retries. 201 is a new record, 200 a redelivery (the gateway already had it: a retry
 * after a lost answer lands here), any other 4xx a rejection that is reported and never retried — the same body
 * would be refused again — except 429, which asks to come back later. 5xx and connection errors or time-outs mean
 * "not accepted": retried with exponential back-off, re-signed each time (the timestamp must be fresh).
 */
export class WebhookSender {
  private readonly base: string;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;

  constructor(private readonly opts: WebhookOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.backoffMs = opts.backoffMs ?? 250;
  }

  async send(source: FeedSource, record: Record<string, unknown>): Promise<WebhookOutcome> {
    const secret = this.opts.keys.secretOf(source);
    if (!secret) throw new Error(`no webhook secret for source ${source} in the keys file`);
    const body = JSON.stringify(record);
    const url = `${this.base}/api/feeds/${encodeURIComponent(source)}`;
    let last: { status: number | null; message: string } = { status: null, message: 'not sent' };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let waitMs = Math.min(8000, this.backoffMs * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
      try {
        const timestamp = Math.floor(Date.now() / 1000);
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signFeed(secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        if (res.status === 200 || res.status === 201) {
          let ack: unknown = null;
          try {
            ack = JSON.parse(text);
          } catch {
            // Reported below.
          }
          if (!isAck(ack)) {
            return {
              outcome: 'failed',
              status: res.status,
              message: `unexpected answer: ${text.slice(0, 200)}`,
              attempts: attempt,
            };
          }
          return res.status === 201
            ? { outcome: 'created', status: res.status, ack, attempts: attempt }
            : { outcome: 'redelivered', status: res.status, ack, attempts: attempt };
        }
        const err = errorOf(res.status, text);
        if (res.status === 429) {
          const retryAfter = Number(res.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(60_000, retryAfter * 1000);
          last = { status: res.status, message: `${err.code}: ${err.message}` };
        } else if (res.status >= 400 && res.status < 500) {
          return { outcome: 'rejected', status: res.status, code: err.code, message: err.message, attempts: attempt };
        } else {
          last = { status: res.status, message: `${err.code}: ${err.message}` };
        }
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        const why =
          err.name === 'TimeoutError'
            ? `no answer within ${this.timeoutMs} ms`
            : (err.cause?.code ?? err.cause?.message ?? err.message);
        last = { status: null, message: why };
      }
      if (attempt < this.maxAttempts) {
        this.opts.log?.(
          `${source}: ${last.status ?? 'connection'} ${last.message}; retrying in ${Math.round(waitMs)} ms (attempt ${attempt + 1}/${this.maxAttempts})`,
        );
        await sleep(waitMs);
      }
    }
    return {
      outcome: 'failed',
      status: last.status,
      message: `${last.message} (after ${this.maxAttempts} attempts)`,
      attempts: this.maxAttempts,
    };
  }
}

/** Which stream a client publishes for: its login and topics. */
export type MqttStream = 'flood' | 'avl';

/**
 * MQTT publishers for the gauge and AVL streams, one connection per stream with that stream's login (the
 * embedded broker only lets each login publish to its own topics). Publishes are QoS 1: `publish` resolves on
 * the broker's PUBACK; while disconnected, mqtt.js queues and resends them after reconnecting.
 */
export class MqttPublisher {
  private constructor(
    private readonly clients: Map<MqttStream, MqttClient>,
    private readonly timeoutMs: number,
  ) {}

  /** Connects one client per stream in `streams`; rejects when the broker cannot be reached or refuses the login. */
  static async connect(
    url: string,
    keys: FeedKeys,
    streams: readonly MqttStream[],
    opts: { timeoutMs?: number; log?: (line: string) => void } = {},
  ): Promise<MqttPublisher> {
    const clients = new Map<MqttStream, MqttClient>();
    const suffix = Math.random().toString(36).slice(2, 8);
    try {
      for (const stream of streams) {
        const login = keys.mqtt[stream];
        const client = await mqtt.connectAsync(url, {
          clientId: `scenario-${stream}-${suffix}`,
          username: login.username,
          password: login.password,
          clean: true,
          connectTimeout: 10_000,
          reconnectPeriod: 1000,
        });
        client.on('error', (err) => opts.log?.(`mqtt ${stream}: ${err.message}`));
        client.on('offline', () => opts.log?.(`mqtt ${stream}: offline, reconnecting`));
        clients.set(stream, client);
      }
    } catch (err) {
      await Promise.all([...clients.values()].map((c) => c.endAsync(true).catch(() => undefined)));
      throw new Error(`cannot connect to MQTT broker ${url}: ${(err as Error).message}`, { cause: err });
    }
    return new MqttPublisher(clients, opts.timeoutMs ?? 30_000);
  }

  private async publish(stream: MqttStream, topic: string, payload: Record<string, unknown>): Promise<void> {
    const client = this.clients.get(stream);
    if (!client) throw new Error(`no MQTT connection for the ${stream} stream`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PUBACK within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([client.publishAsync(topic, JSON.stringify(payload), { qos: 1 }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  publishGauge(truth: TruthGaugeReading): Promise<void> {
    return this.publish('flood', gaugeTopic(truth.stcd), encodeGauge(truth));
  }

  publishAvl(truth: TruthTrack): Promise<void> {
    return this.publish('avl', avlTopic(truth.unitId), encodeAvl(truth));
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.endAsync().catch(() => undefined)));
  }
}
