import type { RequestHandler } from 'express';
import { readCookie } from '../auth/cookie';

/**
 * `Cache-Control: no-store` on every /api response to a caller with a session cookie or an API token, and on every
 * /api/auth response (they set and clear sessions): such answers hold personal and operational data that no browser
 * cache or proxy may keep. A route may still set its own rule (a case photo is private, cacheable). The tiles, the
 * basemap and the OGC API, outside /api, keep their caching rules.
 */
export function noStoreWhenSignedIn(cookieName: string): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith('/api/')) return next();
    const credentialed = readCookie(req.headers.cookie, cookieName) !== null || req.headers.authorization !== undefined;
    if (credentialed || req.path.startsWith('/api/auth/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
