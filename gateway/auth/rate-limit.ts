import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import type { Event } from 'socket.io';
import { AppError } from '../http/errors';
import { refuseEvent } from '../realtime/registry';

export interface LoginLimiter {
  /** Express middleware for `POST /api/auth/login`: 429 with Retry-After once an IP exceeds the limit. */
  http: RequestHandler;
  /** The same counter for socket handshakes that carry credentials; returns seconds to wait, or 0. */
  hit(ip: string | null): Promise<number>;
}

const message = (perIp: number, windowSeconds: number, retry: number) =>
  `登录请求过于频繁：每个 IP 每 ${windowSeconds} 秒最多 ${perIp} 次，请在 ${retry} 秒后重试`;

/** Per-IP login rate limit (express-rate-limit), one store shared by HTTP logins and socket handshakes. */
export function createLoginLimiter(rules: { perIp: number; windowSeconds: number }): LoginLimiter {
  const store = new MemoryStore();
  const windowMs = rules.windowSeconds * 1000;
  const http = rateLimit({
    windowMs,
    limit: rules.perIp,
    store,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, res, next) => {
      const retry = Number(res.getHeader('Retry-After') ?? rules.windowSeconds);
      next(new AppError('rate_limited', message(rules.perIp, rules.windowSeconds, retry), { retryAfterSeconds: retry }));
    },
  });
  return {
    http,
    async hit(ip) {
      const info = await store.increment(ipKeyGenerator(ip ?? 'unknown'));
      if (info.totalHits <= rules.perIp) return 0;
      return Math.max(1, Math.ceil(((info.resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
    },
  };
}

export { message as rateLimitMessage };

/** Per-caller limits on writes that store files or create records, and on socket events. */
export const CALLER_LIMITS = {
  /** Case photos stored per signed-in user (refused uploads store nothing and do not count here)... */
  photosStored: { limit: 30, windowSeconds: 60 },
  /** ...and upload attempts per user, refused ones included (each costs a decode). */
  photoAttempts: { limit: 600, windowSeconds: 60 },
  /** Open311 service requests per channel key (per client address when no key is sent). */
  open311Posts: { limit: 60, windowSeconds: 60 },
  /** Socket events per user over all of their sockets: a burst (a video wall opening 16 views) then a steady rate. */
  socketEvents: { burst: 200, perSecond: 50 },
} as const;

/**
 * A fixed-window limit per caller (express-rate-limit): 429 with Retry-After and a message naming the limit.
 * `key` returns who is calling; `what` names the operation in the message.
 */
export function callerLimiter(opts: {
  rule: { limit: number; windowSeconds: number };
  key: (req: Request) => string;
  what: string;
  /** Count only requests answered below 400. */
  successesOnly?: boolean;
}): RequestHandler {
  const { limit, windowSeconds } = opts.rule;
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    skipFailedRequests: opts.successesOnly ?? false,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: opts.key,
    handler: (_req, res, next) => {
      const retry = Number(res.getHeader('Retry-After') ?? windowSeconds);
      next(
        new AppError('rate_limited', `${opts.what}过于频繁：每 ${windowSeconds} 秒最多 ${limit} 次，请在 ${retry} 秒后重试`, {
          retryAfterSeconds: retry,
        }),
      );
    },
  });
}

/** Token buckets by key: `burst` tokens, refilled at `perSecond`; full buckets are forgotten. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rule: { burst: number; perSecond: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when granted, else the whole seconds until the next token. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.rule.burst, at: t };
    b.tokens = Math.min(this.rule.burst, b.tokens + ((t - b.at) / 1000) * this.rule.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.forgetFull(t);
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / this.rule.perSecond));
    b.tokens -= 1;
    return 0;
  }

  private forgetFull(t: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.rule.perSecond >= this.rule.burst) this.buckets.delete(key);
    }
  }
}

/**
 * Socket.IO (`socket.use`): one token per client event from the user's bucket, shared by all of that user's
 * sockets; an event over the limit is acknowledged as `rate_limited` and dropped.
 */
export function socketEventLimiter(buckets: TokenBuckets, userId: () => string) {
  return (packet: Event, next: (err?: Error) => void): void => {
    const wait = buckets.take(`user:${userId()}`);
    if (!wait) return next();
    const { burst, perSecond } = buckets.rule;
    const message = `实时请求过于频繁：每个用户每秒最多 ${perSecond} 个（瞬时最多 ${burst} 个），请在 ${wait} 秒后重试`;
    refuseEvent(packet, { code: 'rate_limited', message });
  };
}
