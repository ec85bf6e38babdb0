import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { identityOf } from './auth/identity';
import type { AppDeps } from './deps';
import { errorHandler, notFoundHandler } from './http/errors';
import { httpAccessControl } from './policy/http';
import { API_ROUTES } from './routes';
import { STATIC_ROUTES } from './routes/static';

/** Builds the HTTP application from its dependencies; `gateway/main.ts` wires the real ones. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    }),
  );
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
  // Agency webhooks are signed over their exact bytes: their bodies stay raw (and are parsed by the feed route).
  app.use('/api/feeds', express.raw({ type: () => true, limit: '256kb' }));
  app.use(express.json({ limit: '1mb' }));
  // Every /api, /tiles and /basemap request passes the access policy (data/policy.json) first.
  app.use(httpAccessControl(identityOf(deps)));

  const api = express.Router();
  for (const routes of API_ROUTES) api.use(routes(deps));
  api.use(notFoundHandler);
  app.use('/api', api);
  for (const routes of STATIC_ROUTES) app.use(routes(deps));

  const web = deps.config.WEB_DIST;
  if (existsSync(web)) {
    app.use(express.static(web, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|tiles\/|basemap\/).*/, (_req, res) => res.sendFile(path.join(web, 'index.html')));
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
