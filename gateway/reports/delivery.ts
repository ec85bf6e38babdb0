import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../geo/db/types';

/**
 * The signed webhook to the upper level (data/reports/README.md): POST of the stored JSON body with
 * `X-Report-Id`, `X-Report-Timestamp` (Unix seconds of this attempt) and
 * `X-Report-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
 */
const REPORT_ID_HEADER = 'x-report-id';
const REPORT_TIMESTAMP_HEADER = 'x-report-timestamp';
const REPORT_SIGNATURE_HEADER = 'x-report-signature';

export function signReport(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface ReportReceiver {
  url: string;
  secret: string;
}

export interface DeliveryOptions {
  /** How often the outbox is looked at for due deliveries. */
  pollMs?: number;
  /** The first retry's delay; each further failure doubles it, up to `maxRetryMs`. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs?: number;
}

/** The delay before attempt n + 1 after n failed attempts (n ≥ 1): base · 2^(n−1), capped. */
export const retryDelayMs = (failures: number, base: number, max: number): number => Math.min(max, base * 2 ** Math.max(0, failures - 1));

interface Due {
  report_id: string;
  attempts: number;
  payload: string;
}

/**
 * The outbox sender of reports upward: claims one due delivery at a time (FOR UPDATE SKIP LOCKED, so several
 * gateways share the outbox), posts it signed, and on a 2xx marks the report sent (archived) in the same
 * transaction; a failure or timeout schedules the next attempt with back-off. Nothing is lost across a restart:
 * the outbox is the table.
 */
export class ReportDelivery {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly db: Db,
    private readonly receiver: ReportReceiver,
    private readonly log: Logger,
    opts: DeliveryOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 2000;
    this.retryBaseMs = opts.retryBaseMs ?? 5000;
    this.maxRetryMs = opts.maxRetryMs ?? 300_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  start(): this {
    this.timer ??= setInterval(() => void this.runOnce(), this.pollMs);
    this.timer.unref();
    return this;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Sends every delivery that is due now; resolves with how many were acknowledged. One pass at a time. */
  runOnce(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      try {
        const outcome = await this.attemptOne();
        if (outcome === 'none') return delivered;
        if (outcome === 'delivered') delivered++;
      } catch (err) {
        this.log.error({ err }, 'report delivery pass failed; the outbox is retried on the next pass');
        return delivered;
      }
    }
  }

  /** One due delivery: claimed, posted, and its outcome committed with the claim. */
  private attemptOne(): Promise<'none' | 'delivered' | 'failed'> {
    return this.db.transaction(async (tx) => {
      const [due] = await tx.query<Due>(
        `SELECT d.report_id, d.attempts, r.payload
           FROM upward_report_delivery d JOIN upward_report r ON r.id = d.report_id
          WHERE d.state = 'pending' AND d.next_attempt_at <= now()
          ORDER BY d.next_attempt_at
          LIMIT 1
            FOR UPDATE OF d SKIP LOCKED`,
      );
      if (!due) return 'none';
      const result = await this.post(due);
      if (result.ok) {
        await tx.query(
          `UPDATE upward_report_delivery SET state = 'delivered', attempts = attempts + 1, last_attempt_at = now(),
                  last_status = $2, last_error = NULL, delivered_at = now(), receiver = $3 WHERE report_id = $1`,
          [due.report_id, result.status, this.receiver.url],
        );
        await tx.query(`UPDATE upward_report SET state = 'sent', sent_at = now(), receipt = $2 WHERE id = $1`, [
          due.report_id,
          result.receipt,
        ]);
        this.log.info({ report: due.report_id, attempts: due.attempts + 1 }, 'report delivered to the upper level');
        return 'delivered';
      }
      const delay = retryDelayMs(due.attempts + 1, this.retryBaseMs, this.maxRetryMs);
      await tx.query(
        `UPDATE upward_report_delivery SET attempts = attempts + 1, last_attempt_at = now(), last_status = $2, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4::double precision / 1000), receiver = $5
          WHERE report_id = $1`,
        [due.report_id, result.status, result.error, delay, this.receiver.url],
      );
      this.log.warn({ report: due.report_id, attempts: due.attempts + 1, error: result.error, retryInMs: delay }, 'report delivery failed');
      return 'failed';
    });
  }

  private async post(
    due: Due,
  ): Promise<{ ok: true; status: number; receipt: string } | { ok: false; status: number | null; error: string }> {
    const ts = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(this.receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [REPORT_ID_HEADER]: due.report_id,
          [REPORT_TIMESTAMP_HEADER]: String(ts),
          [REPORT_SIGNATURE_HEADER]: signReport(this.receiver.secret, ts, due.payload),
        },
        body: due.payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = (await res.text().catch(() => '')).slice(0, 2000);
      if (res.ok) return { ok: true, status: res.status, receipt: text };
      return { ok: false, status: res.status, error: `上级接收端返回 HTTP ${res.status}${text ? `：${text.slice(0, 200)}` : ''}` };
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      return { ok: false, status: null, error: `无法连接上级接收端：${cause}` };
    }
  }
}
