import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { OPEN311_BASE } from '../../contracts/cases';

/** The interfaces other sites' pages may read: OGC API, vector tiles, the basemap and its style, Open311. */
const CROSS_ORIGIN_PREFIXES = ['/ogc', '/tiles', '/basemap', OPEN311_BASE] as const;

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
const isCrossOriginPath = (path: string) => CROSS_ORIGIN_PREFIXES.some((p) => under(path, p));

/**
 * CORS for the public interfaces, for the configured origins only (`CORS_ORIGINS`: district portals, partner apps).
 * - An allowed origin gets `Access-Control-Allow-Origin` naming it (and `Vary: Origin`); any other origin gets no
 *   CORS header at all, so its browser keeps the answer from the page. Preflights are answered here, before the
 *   access policy, which lists no OPTIONS routes.
 * - No credentials: a cookie never authorises a cross-site read; non-public layers need an API token, sent as
 *   `Authorization`.
 * - Every answer on these paths says `Cross-Origin-Resource-Policy: cross-origin` (helmet's default is
 *   same-origin), so pages of other sites that isolate themselves may still embed tiles and documents.
 * Every other path (the /api of the platform's own pages) gets no CORS header and keeps same-origin.
 */
export function crossOriginReads(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  const common = {
    origin: (origin: string | undefined, done: (err: Error | null, allow: boolean) => void) =>
      done(null, origin !== undefined && allowed.has(origin)),
    credentials: false,
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', 'Range', 'If-None-Match', 'If-Range'],
    // What map clients and OGC clients read from answers: byte ranges of archives, revalidation, paging links, CRS.
    exposedHeaders: ['Content-Range', 'Accept-Ranges', 'Content-Length', 'ETag', 'Link', 'Content-Crs', 'Location'],
    maxAge: 600,
  };
  const reads = cors({ ...common, methods: ['GET', 'HEAD'] });
  // Open311 clients also post service requests (their api_key is in the body, never a cookie).
  const open311 = cors({ ...common, methods: ['GET', 'HEAD', 'POST'] });
  return (req: Request, res, next) => {
    if (!isCrossOriginPath(req.path)) return next();
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    (under(req.path, OPEN311_BASE) ? open311 : reads)(req, res, next);
  };
}
