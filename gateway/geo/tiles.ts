import { Router, type ErrorRequestHandler, type Request } from 'express';
import { HARBIN_BOUNDS } from '../../contracts/geo';
import { CATALOG_BY_ID } from '../../geo/catalog/layers';
import type { PropertyType } from '../../geo/ogc/cql2/schema';
import { renderTile, TILE_LAYERS, TILE_LAYERS_BY_ID, tilePathSchema, type TileLayerDef } from '../../geo/tiles';
import type { Db } from '../../geo/db/types';
import type { Identity } from '../auth/identity';
import { AppError, parseInput } from '../http/errors';
import { authorizeLayerRead } from '../policy/layer-access';

const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const TILE_PATTERN = '/tiles/{layer}/{z}/{x}/{y}.mvt';

function knownLayer(id: string): TileLayerDef {
  const layer = TILE_LAYERS_BY_ID.get(id);
  if (!layer) {
    const known = [...TILE_LAYERS_BY_ID.keys()];
    throw new AppError('unknown_layer', `没有瓦片图层 "${id}"；可用的图层：${known.join(', ')}`, { known });
  }
  return layer;
}

/** Absolute tile URL template for TileJSON: MapLibre does not resolve relative URLs inside a TileJSON document. */
function tileUrlTemplate(req: Request, layer: TileLayerDef): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/tiles/${layer.id}/{z}/{x}/{y}.mvt`;
}

/** Where tiles may have features: the city's administrative extent, as TileJSON `bounds` (west, south, east, north). */
const TILE_BOUNDS = [HARBIN_BOUNDS.west, HARBIN_BOUNDS.south, HARBIN_BOUNDS.east, HARBIN_BOUNDS.north];

/** TileJSON's names for the MVT value types of the catalogue's property types. */
const FIELD_TYPES: Record<PropertyType, 'Number' | 'Boolean' | 'String'> = {
  integer: 'Number',
  number: 'Number',
  boolean: 'Boolean',
  string: 'String',
  timestamp: 'String',
  date: 'String',
  geometry: 'String',
};

/** Each tile property with its TileJSON type, from the catalogue entry's column types. */
function fieldTypes(layer: TileLayerDef): Record<string, 'Number' | 'Boolean' | 'String'> {
  const columns = new Map((CATALOG_BY_ID.get(layer.id)?.properties ?? []).map((p) => [p.column ?? p.name, p.type]));
  return Object.fromEntries(layer.properties.map((p) => [p, FIELD_TYPES[columns.get(p) ?? 'string']]));
}

/**
 * Open base layers are cached by anyone for their lifetime. A layer read under the policy is cached only by the
 * reader's own browser (`private`): a shared cache must never hand one person's tile — cut to their role or to a
 * sharing grant — to another. Live layers are also revalidated on every use (the ETag makes an unchanged tile a 304),
 * so a map that re-fetches an invalidated tile never gets a stale copy.
 */
function cacheControl(layer: TileLayerDef, maxAge: number = layer.maxAgeSeconds): string {
  if (layer.live) return 'private, no-cache';
  return `${layer.public ? 'public' : 'private'}, max-age=${maxAge}`;
}

/**
 * A path segment with broken percent-encoding fails while the router decodes parameters, before any handler runs;
 * it is the caller's malformed tile address, so it is answered 400, not left to become a 500.
 */
const badEncodingIsInvalidTile: ErrorRequestHandler = (err: unknown, req, _res, next) => {
  if (err instanceof URIError) next(new AppError('invalid_tile', `瓦片路径不是有效的百分号编码：${req.originalUrl}`));
  else next(err);
};

/**
 * Operational vector tiles (`/tiles/{layer}/{z}/{x}/{y}.mvt`), rendered from the database.
 *
 * An empty tile is answered `204 No Content`: MapLibre treats it as a tile with no features, the status says so
 * without a body to parse, and it carries the same Cache-Control as a full tile so the client does not ask again.
 */
export function tileRoutes(db: Db, identity: Identity): Router {
  const r = Router();

  r.get('/tiles/:layer/:z/:x/:file', async (req, res) => {
    const layer = knownLayer(req.params.layer);
    const tile = parseInput(tilePathSchema, req.params, 'invalid_tile');
    await authorizeLayerRead(identity, req, res, layer, 'tiles.read');
    const bytes = await renderTile(db, layer, tile);
    res.set('Cache-Control', cacheControl(layer));
    if (bytes.length === 0) {
      res.status(204).end();
      return;
    }
    res.type(MVT_TYPE);
    // `send` adds an ETag from the bytes, so a revalidation of an unchanged tile costs a 304 and no transfer.
    res.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  // Any other shape under /tiles is a malformed tile address, not an unknown endpoint: say what was expected.
  r.get('/tiles/*rest', (req) => {
    knownLayer(req.params.rest[0] ?? '');
    throw new AppError('invalid_tile', `瓦片地址应为 ${TILE_PATTERN}，z、x、y 为整数；收到的是 ${req.path}`);
  });

  r.use('/tiles', badEncodingIsInvalidTile);
  return r;
}

/**
 * The tile layers (`/tiles`) and a TileJSON document per layer (`/tiles/{layer}.json`) that tells the map each
 * layer's zoom range, so it over-zooms instead of asking for tiles past `maxzoom`. They need no database and answer
 * from the first request.
 */
export function tileJsonRoutes(identity: Identity): Router {
  const r = Router();

  r.get('/tiles/:file', async (req, res) => {
    const match = /^(.+)\.json$/.exec(req.params.file);
    if (!match) throw new AppError('invalid_tile', `瓦片地址应为 ${TILE_PATTERN} 或 /tiles/{layer}.json；收到的是 ${req.path}`);
    const layer = knownLayer(match[1] ?? '');
    await authorizeLayerRead(identity, req, res, layer, 'tiles.read');
    const entry = CATALOG_BY_ID.get(layer.id);
    res.set('Cache-Control', `${layer.public ? 'public' : 'private'}, max-age=300`);
    res.json({
      tilejson: '3.0.0',
      name: layer.title,
      scheme: 'xyz',
      tiles: [tileUrlTemplate(req, layer)],
      minzoom: layer.minzoom,
      maxzoom: layer.maxzoom,
      bounds: TILE_BOUNDS,
      ...(entry ? { attribution: entry.source, description: entry.description } : {}),
      vector_layers: [
        {
          id: layer.id,
          ...(entry ? { description: entry.title } : {}),
          minzoom: layer.minzoom,
          maxzoom: layer.maxzoom,
          fields: fieldTypes(layer),
        },
      ],
    });
  });

  r.get('/tiles', (_req, res) => {
    res.json({
      layers: TILE_LAYERS.map((l) => ({
        id: l.id,
        title: l.title,
        live: l.live === true,
        minzoom: l.minzoom,
        maxzoom: l.maxzoom,
        tilejson: `/tiles/${l.id}.json`,
      })),
    });
  });

  r.use('/tiles', badEncodingIsInvalidTile);
  return r;
}
