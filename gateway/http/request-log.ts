import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * One info line per answered request: method, URL, status, time taken, request id (also sent as X-Request-Id) and
 * the signed-in user, as `req: {id, method, url}`, `res: {statusCode}`, `responseTime` and `user`. No headers: they
 * are long, and carry credentials.
 */
export function requestLog(log: Logger) {
  return pinoHttp({
    logger: log,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/api/health' },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Called again when the response is logged, once the access check has attached the principal.
    customProps: (req) => {
      const user = (req as Request).auth?.principal?.username;
      return user ? { user } : {};
    },
    customSuccessMessage: (req, res) => `${req.method} ${(req as Request).originalUrl} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${(req as Request).originalUrl} ${res.statusCode}`,
  });
}
