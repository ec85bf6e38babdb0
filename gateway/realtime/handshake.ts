import { handshakeAuthSchema, type ConnectErrorData } from '../../contracts/realtime';
import type { ErrorCode } from '../../contracts/errors';
import { clientIp } from '../auth/client-ip';
import { readCookie } from '../auth/cookie';
import type { Identity } from '../auth/identity';
import { rateLimitMessage } from '../auth/rate-limit';
import { AppError } from '../http/errors';
import { ENDED_MESSAGES } from '../auth/messages';
import { rightsOf } from './rights';
import type { RealtimeSocket } from './types';

/** A refused handshake: the client receives it as `connect_error` with `data: { code, message }`. */
export function connectError(code: ErrorCode, message: string): Error & { data: ConnectErrorData } {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * Socket.IO handshake authentication. A browser brings its session cookie (sent on the same-origin
 * handshake because it is SameSite=Strict); a wall controller or integration may instead send
 * `auth: { username, password }`, which goes through the same login path as HTTP: the same lockout
 * counter, the same per-IP rate limit, the same audit rows. Such a session belongs to the socket and
 * ends when it disconnects.
 */
export function handshakeAuth(identity: Identity) {
  const authenticate = async (socket: RealtimeSocket, next: (err?: Error) => void): Promise<void> => {
    try {
      const req = socket.request;
      const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']);
      const auth = handshakeAuthSchema.safeParse(socket.handshake.auth ?? {});
      if (!auth.success)
        return next(connectError('bad_request', 'handshake auth must be empty (session cookie) or { username, password }'));
      let sessionId: string;
      let ownsSession = false;
      if ('username' in auth.data) {
        const wait = await identity.loginLimiter.hit(ip);
        const rules = identity.policy.loginRateLimit;
        if (wait) return next(connectError('rate_limited', rateLimitMessage(rules.perIp, rules.windowSeconds, wait)));
        const { principal } = await identity.login(auth.data.username, auth.data.password, {
          channel: 'socket',
          ip,
          userAgent: req.headers['user-agent'] ?? null,
          requestId: null,
        });
        sessionId = principal.sessionId;
        ownsSession = true;
      } else {
        const token = readCookie(req.headers.cookie, identity.cookie.name);
        if (!token) return next(connectError('unauthenticated', '请先登录（缺少会话 Cookie）'));
        const check = await identity.sessions.resolveToken(token);
        if (!check.ok) return next(connectError('unauthenticated', ENDED_MESSAGES[check.reason]));
        sessionId = check.principal.sessionId;
      }
      const check = await identity.sessions.resolveId(sessionId);
      if (!check.ok) return next(connectError('unauthenticated', ENDED_MESSAGES[check.reason]));
      const p = check.principal;
      socket.data = {
        sessionId,
        userId: p.userId,
        role: p.role,
        ownsSession,
        ip,
        principal: p,
        warnedFor: null,
        rights: rightsOf(p),
      };
      next();
    } catch (err) {
      if (err instanceof AppError) return next(connectError(err.code, err.message));
      identity.log.error({ err }, 'socket handshake failed');
      next(connectError('unavailable', '实时连接暂不可用，请稍后重试'));
    }
  };
  // Socket.IO does not wait for a middleware's promise: `authenticate` never rejects, each outcome goes to `next`.
  return (socket: RealtimeSocket, next: (err?: Error) => void): void => void authenticate(socket, next);
}
