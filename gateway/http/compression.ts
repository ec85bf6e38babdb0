import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/** Vector tiles are protobuf: not in the media-type database's compressible list, yet they shrink by about two thirds. */
const ALSO_COMPRESSED = /^application\/(vnd\.mapbox-vector-tile|x-protobuf)\b/i;
/**
 * Never compressed here: event streams (each event must reach the client when written, not when a zlib block
 * fills), PMTiles archives and anything else read by byte range (a range of compressed bytes means nothing).
 */
const NEVER_COMPRESSED = /^(text\/event-stream|application\/vnd\.pmtiles)\b/i;

function worthCompressing(req: Request, res: Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '');
  if (NEVER_COMPRESSED.test(type)) return false;
  if (res.statusCode === 206 || res.getHeader('Content-Range') !== undefined) return false;
  if (ALSO_COMPRESSED.test(type)) return true;
  return compression.filter(req, res);
}

/**
 * gzip or brotli for every answer worth compressing (JSON, GeoJSON, XML, HTML, scripts, vector tiles), chosen from
 * the request's Accept-Encoding; without it the answer goes out as it is. An answer that already carries a
 * Content-Encoding (a basemap tile stored gzipped in its archive) is passed through untouched, never compressed
 * twice. Socket.IO answers its own requests before Express sees them, so its transports are not affected.
 */
export function compressAnswers(): RequestHandler {
  return compression({
    filter: worthCompressing,
    // Below a kilobyte the header overhead and CPU time outweigh the bytes saved.
    threshold: 1024,
  });
}
