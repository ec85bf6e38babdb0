import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import { OPEN311_BASE, OPEN311_POST_PATHS } from '../contracts/cases';
import { identityOf } from './auth/identity';
import { CALLER_LIMITS, callerLimiter } from './auth/rate-limit';
import { principalOf } from './auth/request';
import { API_CAPABILITIES, ROOT_CAPABILITIES } from './capabilities';
import type { AppDeps } from './deps';
import { mountCapability } from './http/capability';
import { compressAnswers } from './http/compression';
import { crossOriginReads } from './http/cors';
import { csrfGuard } from './http/csrf';
import { errorHandler, notFoundHandler } from './http/errors';
import { noStoreWhenSignedIn } from './http/no-store';
import { requestLog } from './http/request-log';
import { checkParsedBody, checkPathAndQuery, jsonBody } from './http/text-safety';
import { geoReportErrors } from './open311/format';
import { ogcErrorHandler, tilesChallenge } from './ogc/errors';
import { httpAccessControl } from './policy/http';

const OPEN311_REQUESTS = [...OPEN311_POST_PATHS];

/** Who posts an Open311 request: its channel key (hashed, never kept), or its address when it sends none. */
const open311Caller = (req: Request): string => {
  const key: unknown = (req.body as { api_key?: unknown } | undefined)?.api_key;
  if (typeof key === 'string' && key) return `key:${createHash('sha256').update(key).digest('hex')}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
};

/** Builds the HTTP application from its dependencies; `gateway/main.ts` wires the real ones. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.log));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // MapLibre runs its worker from a blob: URL and decodes tiles in it.
          'worker-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          // data: — deck.gl loads its generated icon atlases through fetch.
          'connect-src': ["'self'", 'ws:', 'wss:', 'data:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          // Served over plain HTTP inside government networks: an upgrade to https would break every asset.
          'upgrade-insecure-requests': null,
        },
      },
      // The gateway often runs on plain HTTP inside a government network; upgrade is the proxy's job.
      hsts: false,
    }),
  );
  app.use(compressAnswers());
  app.use(crossOriginReads(deps.config.CORS_ORIGINS));
  const identity = identityOf(deps);
  // The edge: every path, query and parsed body is checked once for what PostgreSQL text can hold
  // (gateway/http/text-safety.ts); state changes must come from our own pages and send JSON (gateway/http/csrf.ts).
  app.use(checkPathAndQuery);
  app.use(
    csrfGuard({
      cookieName: identity.cookie.name,
      allowedOrigins: deps.config.ALLOWED_ORIGINS.map((o) => new URL(o).origin),
    }),
  );
  // Agency webhooks are signed over their exact bytes: their bodies stay raw (and are parsed by the feed route).
  app.use('/api/feeds', express.raw({ type: () => true, limit: '256kb' }));
  // Open311 clients post GeoReport v2 forms; parsed here so the edge check and the per-key limit see them.
  app.post(OPEN311_REQUESTS, express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 40 }));
  app.use(jsonBody('1mb'));
  app.use(checkParsedBody);
  app.post(
    OPEN311_REQUESTS,
    callerLimiter({ rule: CALLER_LIMITS.open311Posts, key: open311Caller, what: 'Open311 服务请求提交' }),
  );
  app.use(noStoreWhenSignedIn(identity.cookie.name));
  // Every /api, /tiles and /basemap request passes the access policy (data/policy.json) first.
  app.use(httpAccessControl(identity));
  const uploader = (req: Request) => `user:${principalOf(req).userId}`;
  app.post(
    '/api/cases/photos',
    callerLimiter({ rule: CALLER_LIMITS.photoAttempts, key: uploader, what: '照片上传尝试' }),
    callerLimiter({ rule: CALLER_LIMITS.photosStored, key: uploader, what: '照片上传', successesOnly: true }),
  );

  const api = express.Router();
  // Each capability's router is built from the ready services; until then a gate answers its paths 503.
  for (const capability of API_CAPABILITIES) api.use(mountCapability(capability, deps));
  api.use(notFoundHandler);
  app.use('/api', api);
  for (const capability of ROOT_CAPABILITIES) app.use(mountCapability(capability, deps));

  const web = deps.config.WEB_DIST;
  if (existsSync(web)) {
    app.use(express.static(web, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|tiles\/|basemap\/).*/, (_req, res) => res.sendFile(path.join(web, 'index.html')));
  }
  app.use(notFoundHandler);
  // Every error on an Open311 path, wherever raised, in GeoReport's error format and the requested JSON or XML.
  app.use(OPEN311_BASE, geoReportErrors);
  // Every error on an OGC API path, wherever raised, as an OGC exception (and a 401 with its challenges).
  app.use('/ogc', ogcErrorHandler);
  app.use('/tiles', tilesChallenge);
  app.use(errorHandler);
  return app;
}
