import type { RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import { AppError } from '../http/errors';

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
