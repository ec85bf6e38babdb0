import type { Request, RequestHandler } from 'express';
import { OPEN311_POST_PATHS } from '../../contracts/cases';
import { readCookie } from '../auth/cookie';
import { originMatches } from '../realtime/origin';
import { AppError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Machine endpoints, authenticated by a secret inside the request (the HMAC signature of an agency webhook, the
 * `api_key` of an Open311 channel) and never by a cookie: no browser holds that secret, so a cross-site page gains
 * nothing; their body formats are fixed by their senders (raw signed bytes, GeoReport v2 forms).
 */
const machineEndpoint = (req: Request) =>
  (req.method === 'POST' && req.path.startsWith('/api/feeds/')) ||
  (req.method === 'POST' && OPEN311_POST_PATHS.includes(req.path));

/** The one upload route whose body is an image, raw or as a multipart form. */
const photoUpload = (req: Request) =>
  req.method === 'POST' && (req.path === '/api/cases/photos' || /^\/api\/responses\/tasks\/[^/]+\/photos$/.test(req.path));

const originOf = (referer: string): string | null => {
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
};

/**
 * Cross-site request forgery guard for every state-changing request (POST, PUT, PATCH, DELETE):
 * - an Origin header (which browsers send on every such request) must be the gateway's own origin or in
 *   ALLOWED_ORIGINS, the rule the WebSocket handshake uses; without Origin, a Referer is held to the same rule;
 * - a request carrying the session cookie with neither must say `Sec-Fetch-Site: same-origin`, or it is refused:
 *   the cookie alone proves nothing about which page sent it;
 * - a body must be JSON (`application/json`), which no cross-site form can send; the photo upload also takes an
 *   image or a multipart form.
 * Requests without a cookie and without Origin (scripts, devices, integrations) carry no ambient authority and
 * pass to the usual authentication.
 */
export function csrfGuard(opts: { cookieName: string; allowedOrigins: readonly string[] }): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || machineEndpoint(req)) return next();
    const host = req.headers.host;
    const origin = req.headers.origin;
    const referer = req.headers.referer;
    if (origin !== undefined) {
      if (!originMatches(origin, host, opts.allowedOrigins)) {
        throw new AppError('forbidden', `拒绝跨站请求：来源 ${origin.slice(0, 100)} 不是本系统的地址，也不在允许列表中`);
      }
    } else if (referer !== undefined) {
      const from = originOf(referer);
      if (!from || !originMatches(from, host, opts.allowedOrigins)) {
        throw new AppError('forbidden', '拒绝跨站请求：Referer 所示页面不属于本系统');
      }
    } else if (readCookie(req.headers.cookie, opts.cookieName) && req.headers['sec-fetch-site'] !== 'same-origin') {
      throw new AppError(
        'forbidden',
        '拒绝请求：带登录会话的修改请求必须来自本系统页面（缺少 Origin 或 Referer 头；脚本调用请发送 Origin 头）',
      );
    }
    if (!hasBody(req) || req.is('application/json')) return next();
    if (photoUpload(req) && req.is(['multipart/form-data', 'image/*', 'application/octet-stream'])) return next();
    throw new AppError(
      'unsupported_media_type',
      `不支持的请求内容类型 ${req.headers['content-type'] ?? '（未声明）'}：请以 application/json 发送${photoUpload(req) ? '，或上传图片（image/* 或 multipart/form-data）' : ''}`,
    );
  };
}

/** A request with a body: a non-zero Content-Length or a chunked transfer. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
