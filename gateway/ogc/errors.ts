import type { ErrorRequestHandler, Request } from 'express';
import type { ErrorCode } from '../../contracts';
import { AppError, STATUS } from '../http/errors';

/** The exception codes OGC API – Features clients see, by HTTP status, when the error names none of its own. */
const OGC_CODES: Partial<Record<number, string>> = {
  400: 'InvalidParameterValue',
  401: 'NotAuthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  406: 'NotAcceptable',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  422: 'InvalidParameterValue',
  423: 'Locked',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** The realm clients show when they ask for credentials. */
const REALM = 'Harbin GIS OGC API';

/**
 * The challenges of a 401 (RFC 9110 §11.6.1). Basic is offered to GIS clients (QGIS cannot send a bearer token; it
 * sends the API token as the Basic password), but not to the platform's own pages: a browser script's request
 * (`Sec-Fetch-Mode` cors or same-origin) would otherwise pop up the browser's password dialog.
 */
export function authenticateChallenges(req: Request): string[] {
  const bearer = `Bearer realm="${REALM}"`;
  const mode = req.get('sec-fetch-mode');
  if (mode !== undefined && mode !== 'navigate') return [bearer];
  return [bearer, `Basic realm="${REALM}", charset="UTF-8"`];
}

/**
 * A 401 from the tile endpoints (`/tiles`, read by QGIS, GDAL and MapLibre) says how to authenticate, as the OGC API
 * does; the error itself goes on to the platform's handler.
 */
export const tilesChallenge: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (err instanceof AppError && STATUS[err.code] === 401 && !res.headersSent) {
    res.setHeader('WWW-Authenticate', authenticateChallenges(req));
  }
  next(err);
};

/**
 * Errors under /ogc in the OGC API exception shape (`{ code, description }`, the `exception` schema of OGC API –
 * Features Part 1), with the platform's own `error` object beside it for the web pages that read it; a 401 says
 * how to authenticate. Anything that is not a client error goes on to the platform's handler (logged, no internals).
 */
export const ogcErrorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  let code: ErrorCode;
  let message: string;
  let details: unknown;
  if (err instanceof AppError) {
    ({ code, message, details } = err);
  } else if (err instanceof URIError) {
    code = 'bad_request';
    message = `the URL is not valid percent-encoding: ${err.message}`;
  } else {
    return next(err);
  }
  const status = STATUS[code];
  if (status >= 500 && code !== 'unavailable') return next(err);
  if (res.headersSent) return next(err);
  const named = (details as { code?: unknown } | undefined)?.code;
  const ogcCode = typeof named === 'string' ? named : (OGC_CODES[status] ?? 'ServerError');
  if (status === 401) res.setHeader('WWW-Authenticate', authenticateChallenges(req));
  res.status(status).json({
    code: ogcCode,
    description: message,
    error: { code, message, requestId: String(req.id ?? ''), ...(details !== undefined ? { details } : {}) },
  });
};
