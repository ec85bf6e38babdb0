import path from 'node:path';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { tilePathSchema } from '../../geo/tiles';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';
import { BasemapArchives, decodeStoredTile, type StoredTile } from './basemap-archive';
import { localStyle } from './basemap-style';

/** A plain file name ending in `.pmtiles`: no directories, no leading dot, nothing percent-encoded. */
const PMTILES_NAME = /^\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.pmtiles$/;
/** An archive's name without `.pmtiles`, as it appears in the XYZ and TileJSON URLs. */
const ARCHIVE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
/** An archive changes only with a new data release: an hour, as for the archive files themselves. */
const BASEMAP_CACHE = 'public, max-age=3600';

const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

function archiveName(name: string): string {
  if (!ARCHIVE_NAME.test(name)) throw new AppError('not_found', `没有名为 "${name.slice(0, 100)}" 的底图文件`);
  return name;
}

/**
 * Sends a stored tile as it is when the client accepts its encoding (no second compression), decoded otherwise;
 * `Vary` tells caches that the bytes depend on Accept-Encoding.
 */
function sendStoredTile(req: Request, res: Response, tile: StoredTile): void {
  res.vary('Accept-Encoding');
  res.type(MVT_TYPE);
  if (tile.encoding !== null && req.acceptsEncodings(tile.encoding) === tile.encoding) {
    res.set('Content-Encoding', tile.encoding);
    res.send(tile.bytes);
    return;
  }
  res.send(decodeStoredTile(tile));
}

/**
 * The offline basemap: every `*.pmtiles` in `CITY_DATA_DIR/tiles`.
 * - `/basemap/{name}.pmtiles`: the archive itself, read by the web map with HTTP Range requests; the static
 *   middleware answers them (206 with Content-Range, If-Range against the ETag), so no tile server runs for it.
 * - `/basemap/{name}.json` and `/basemap/{name}/{z}/{x}/{y}.mvt`: the same archive as TileJSON and plain XYZ vector
 *   tiles, for clients without a PMTiles reader (QGIS, GDAL, MapLibre Native); tiles are sent as stored, gzipped.
 * - `/basemap/style.json`: the data release's MapLibre style with every source pointing here
 *   (`gateway/geo/basemap-style.ts`), and `/basemap/sources/{source}.geojson` for its GeoJSON sources.
 * Nothing else in that directory (or outside it) is reachable: names are checked before any file is opened.
 */
export function basemapRoutes({ config }: AppDeps): Router {
  const dir = path.join(config.CITY_DATA_DIR, 'tiles');
  const archives = new BasemapArchives(dir);
  const r = Router();

  r.get('/basemap/style.json', async (req, res) => {
    const { style } = await localStyle(config.CITY_DATA_DIR, originOf(req));
    res.set('Cache-Control', 'public, max-age=300');
    res.json(style);
  });

  r.get('/basemap/sources/:file', async (req, res) => {
    const id = /^([A-Za-z0-9_-]+)\.geojson$/.exec(req.params.file)?.[1];
    const file = id ? (await localStyle(config.CITY_DATA_DIR, originOf(req))).geojsonFiles.get(id) : undefined;
    if (!file) throw new AppError('not_found', `底图样式中没有 GeoJSON 数据源 ${req.params.file.slice(0, 100)}`);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file, { headers: { 'Content-Type': 'application/geo+json' }, maxAge: '1h' }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  });

  r.get('/basemap/:name/:z/:x/:file', async (req, res) => {
    const name = archiveName(req.params.name);
    const tile = parseInput(tilePathSchema, req.params, 'invalid_tile');
    const header = await archives.header(name);
    if (!header) throw new AppError('not_found', `城市数据的 tiles 目录中没有底图文件 ${name}.pmtiles`);
    const stored = await archives.tile(name, tile);
    res.set('Cache-Control', BASEMAP_CACHE);
    // Outside the archive's area or zoom range, or an empty tile: no features, said without a body.
    if (!stored) {
      res.status(204).end();
      return;
    }
    sendStoredTile(req, res, stored);
  });

  r.get('/basemap/:file', async (req, res, next) => {
    const match = /^(.+)\.json$/.exec(req.params.file);
    if (!match) return next();
    const name = archiveName(match[1] ?? '');
    const [header, meta] = await Promise.all([archives.header(name), archives.metadata(name)]);
    if (!header || !meta) throw new AppError('not_found', `城市数据的 tiles 目录中没有底图文件 ${name}.pmtiles`);
    res.set('Cache-Control', 'public, max-age=300');
    res.json({
      tilejson: '3.0.0',
      name: meta.name ?? name,
      ...(meta.description ? { description: meta.description } : {}),
      ...(meta.version ? { version: meta.version } : {}),
      attribution: meta.attribution ?? '© OpenStreetMap contributors',
      scheme: 'xyz',
      tiles: [`${originOf(req)}/basemap/${name}/{z}/{x}/{y}.mvt`],
      minzoom: header.minZoom,
      maxzoom: header.maxZoom,
      bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
      center: [header.centerLon, header.centerLat, header.centerZoom],
      vector_layers: meta.vector_layers ?? [],
    });
  });

  const onlyPmtiles: RequestHandler = (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!PMTILES_NAME.test(req.path)) {
      throw new AppError(
        'not_found',
        `/basemap 下只有 style.json、{name}.pmtiles、{name}.json 或 {name}/{z}/{x}/{y}.mvt；收到的是 ${req.originalUrl}`,
      );
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
    throw new AppError('not_found', `城市数据的 tiles 目录中没有底图文件 ${req.path.slice(1)}`);
  };
  const badEncoding: ErrorRequestHandler = (err: unknown, req, _res, next) => {
    next(err instanceof URIError ? new AppError('not_found', `底图路径不是有效的百分号编码：${req.originalUrl}`) : err);
  };
  r.use('/basemap', onlyPmtiles, files, missing, badEncoding);
  return r;
}
