import path from 'node:path';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';

/** A plain file name ending in `.pmtiles`: no directories, no leading dot, nothing percent-encoded. */
const PMTILES_NAME = /^\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.pmtiles$/;

/**
 * The offline basemap archives: every `*.pmtiles` in `CITY_DATA_DIR/tiles`, under `/basemap/{name}.pmtiles`.
 * The map client reads a PMTiles archive with HTTP Range requests; the static middleware answers them (206 with
 * Content-Range, If-Range against the ETag), so no tile server runs. Nothing else in that directory (or outside
 * it) is reachable: the name is checked before the static middleware sees the request.
 */
export function basemapRoutes({ config }: AppDeps): Router {
  const dir = path.join(config.CITY_DATA_DIR, 'tiles');
  const r = Router();
  const onlyPmtiles: RequestHandler = (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!PMTILES_NAME.test(req.path)) {
      throw new AppError('not_found', `only *.pmtiles basemap archives are served under /basemap; got ${req.originalUrl}`);
    }
    next();
  };
  const files = express.static(dir, {
    index: false,
    redirect: false,
    dotfiles: 'deny',
    fallthrough: true,
    // An archive is replaced only by a new data release; an hour keeps range reads cached during a shift, and
    // the ETag (checked through If-Range) stops a client from mixing byte ranges of two versions.
    maxAge: '1h',
    setHeaders: (res) => res.setHeader('Content-Type', 'application/vnd.pmtiles'),
  });
  const missing: RequestHandler = (req) => {
    throw new AppError('not_found', `no basemap archive ${req.path.slice(1)} in the city data's tiles directory`);
  };
  const badEncoding: ErrorRequestHandler = (err: unknown, req, _res, next) => {
    next(
      err instanceof URIError ? new AppError('not_found', `basemap path is not valid percent-encoding: ${req.originalUrl}`) : err,
    );
  };
  r.use('/basemap', onlyPmtiles, files, missing, badEncoding);
  return r;
}
