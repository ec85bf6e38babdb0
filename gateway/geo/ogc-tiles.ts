import { Router, type Request } from 'express';
import { HARBIN_BOUNDS } from '../../contracts/geo';
import { CATALOG_BY_ID } from '../../geo/catalog/layers';
import { tileFraction, TILE_LAYERS, TILE_LAYERS_BY_ID, type TileLayerDef } from '../../geo/tiles';
import type { Identity } from '../auth/identity';
import { AppError } from '../http/errors';
import { authorizeLayerRead } from '../policy/layer-access';

/**
 * OGC API – Tiles (Part 1, core, tileset, tilesets-list, geodata-tilesets, MVT) for the vector-tile layers, beside
 * OGC API – Features under /ogc: each tiled collection has one tileset in WebMercatorQuad, whose tiles are the
 * ordinary `/tiles/{layer}/{z}/{x}/{y}.mvt`. Clients discover them from `/ogc/tiles`, from a collection's
 * `/ogc/collections/{id}/tiles`, and read the tiling scheme at `/ogc/tileMatrixSets/WebMercatorQuad`.
 */

const JSON_TYPE = 'application/json';
const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const TMS_ID = 'WebMercatorQuad';
const TMS_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
const EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const REL_TILING_SCHEME = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme';
const REL_GEODATA = 'http://www.opengis.net/def/rel/ogc/1.0/geodata';

/** Half the side of the Web Mercator square, in metres. */
const ORIGIN_METRES = 20037508.342789244;
/** The standard's 0.28 mm rendering pixel, which relates cell size and scale denominator. */
const PIXEL_METRES = 0.00028;
const TILE_PIXELS = 256;
/** WebMercatorQuad as the standard defines it runs to zoom 24; our layers stop earlier (their limits say where). */
const TMS_MAX_ZOOM = 24;

const rootOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** One tile matrix per zoom: cell size and scale halve with each level, the origin stays at the top left. */
const tileMatrices = () =>
  Array.from({ length: TMS_MAX_ZOOM + 1 }, (_, z) => {
    const cellSize = (2 * ORIGIN_METRES) / TILE_PIXELS / 2 ** z;
    return { z, cellSize, scaleDenominator: cellSize / PIXEL_METRES, size: 2 ** z };
  });

/**
 * The WebMercatorQuad tile matrix set in the JSON encoding of OGC 2D Tile Matrix Set 2.0 (`id`, `crs`,
 * `tileMatrices`) and, in the same document, of its 1.0 predecessor (`identifier`, `supportedCRS`, `tileMatrix`):
 * Debian 12's GDAL 3.6 reads only the 1.0 keys, newer clients the 2.0 ones; each ignores the other's.
 */
function webMercatorQuad(root: string) {
  const matrices = tileMatrices();
  return {
    type: 'TileMatrixSetType',
    identifier: TMS_ID,
    supportedCRS: EPSG3857,
    boundingBox: {
      type: 'BoundingBoxType',
      crs: EPSG3857,
      lowerCorner: [-ORIGIN_METRES, -ORIGIN_METRES],
      upperCorner: [ORIGIN_METRES, ORIGIN_METRES],
    },
    tileMatrix: matrices.map((m) => ({
      type: 'TileMatrixType',
      identifier: String(m.z),
      scaleDenominator: m.scaleDenominator,
      topLeftCorner: [-ORIGIN_METRES, ORIGIN_METRES],
      tileWidth: TILE_PIXELS,
      tileHeight: TILE_PIXELS,
      matrixWidth: m.size,
      matrixHeight: m.size,
    })),
    id: TMS_ID,
    title: 'Google Maps Compatible for the World',
    uri: TMS_URI,
    crs: EPSG3857,
    orderedAxes: ['X', 'Y'],
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
    links: [{ rel: 'self', type: JSON_TYPE, href: `${root}/ogc/tileMatrixSets/${TMS_ID}` }],
    tileMatrices: matrices.map((m) => ({
      id: String(m.z),
      scaleDenominator: m.scaleDenominator,
      cellSize: m.cellSize,
      cornerOfOrigin: 'topLeft',
      pointOfOrigin: [-ORIGIN_METRES, ORIGIN_METRES],
      tileWidth: TILE_PIXELS,
      tileHeight: TILE_PIXELS,
      matrixWidth: m.size,
      matrixHeight: m.size,
    })),
  };
}

/** Per zoom of the layer, the rows and columns that cover the city's extent: clients need not ask beyond them. */
function tileMatrixSetLimits(layer: TileLayerDef) {
  const limits = [];
  for (let z = layer.minzoom; z <= layer.maxzoom; z++) {
    const nw = tileFraction(HARBIN_BOUNDS.west, HARBIN_BOUNDS.north, z);
    const se = tileFraction(HARBIN_BOUNDS.east, HARBIN_BOUNDS.south, z);
    limits.push({
      tileMatrix: String(z),
      minTileRow: Math.floor(nw.y),
      maxTileRow: Math.floor(se.y),
      minTileCol: Math.floor(nw.x),
      maxTileCol: Math.floor(se.x),
    });
  }
  return limits;
}

const GEOMETRY_DIMENSION = { point: 0, line: 1, polygon: 2 } as const;
const JSON_SCHEMA_TYPES: Record<string, string> = { integer: 'integer', number: 'number', boolean: 'boolean' };

const tilesetUrl = (root: string, layer: TileLayerDef) => `${root}/ogc/collections/${layer.id}/tiles/${TMS_ID}`;

/** A tileset's entry in a tileset list: enough to choose it, with a link to its full description. */
function tilesetSummary(root: string, layer: TileLayerDef) {
  return {
    title: layer.title,
    dataType: 'vector',
    crs: EPSG3857,
    tileMatrixSetURI: TMS_URI,
    links: [
      { rel: 'self', type: JSON_TYPE, title: `${layer.title}（${TMS_ID}）`, href: tilesetUrl(root, layer) },
      { rel: REL_TILING_SCHEME, type: JSON_TYPE, href: `${root}/ogc/tileMatrixSets/${TMS_ID}` },
      { rel: REL_GEODATA, type: JSON_TYPE, href: `${root}/ogc/collections/${layer.id}` },
    ],
  };
}

/** The full tileset: tiling scheme, limits, the tile URL template and the layer with its property types. */
function tileset(root: string, layer: TileLayerDef) {
  const entry = CATALOG_BY_ID.get(layer.id);
  const types = new Map((entry?.properties ?? []).map((p) => [p.column ?? p.name, p.type]));
  return {
    ...tilesetSummary(root, layer),
    ...(entry ? { description: entry.description, attribution: entry.source, license: entry.license } : {}),
    links: [
      ...tilesetSummary(root, layer).links,
      {
        rel: 'item',
        type: MVT_TYPE,
        templated: true,
        title: 'Mapbox 矢量瓦片',
        href: `${root}/tiles/${layer.id}/{tileMatrix}/{tileCol}/{tileRow}.mvt`,
      },
      { rel: 'describedby', type: JSON_TYPE, title: 'TileJSON', href: `${root}/tiles/${layer.id}.json` },
    ],
    boundingBox: {
      lowerLeft: [HARBIN_BOUNDS.west, HARBIN_BOUNDS.south],
      upperRight: [HARBIN_BOUNDS.east, HARBIN_BOUNDS.north],
      crs: CRS84,
    },
    tileMatrixSetLimits: tileMatrixSetLimits(layer),
    layers: [
      {
        id: layer.id,
        title: layer.title,
        dataType: 'vector',
        geometryDimension: GEOMETRY_DIMENSION[layer.geometryKind],
        minTileMatrix: String(layer.minzoom),
        maxTileMatrix: String(layer.maxzoom),
        propertiesSchema: {
          type: 'object',
          properties: Object.fromEntries(
            layer.properties.map((p) => [p, { type: JSON_SCHEMA_TYPES[types.get(p) ?? 'string'] ?? 'string' }]),
          ),
        },
      },
    ],
  };
}

function tiledCollection(id: string): TileLayerDef {
  const layer = TILE_LAYERS_BY_ID.get(id);
  if (!layer) {
    throw new AppError(
      'not_found',
      `集合 ${id.slice(0, 100)} 没有矢量瓦片；有瓦片的集合：${[...TILE_LAYERS_BY_ID.keys()].join(', ')}`,
    );
  }
  return layer;
}

function knownTileMatrixSet(id: string): void {
  if (id !== TMS_ID) throw new AppError('not_found', `没有瓦片矩阵集 ${id.slice(0, 100)}；本服务只提供 ${TMS_ID}`);
}

/** The OGC API – Tiles documents; they need no database and answer from the first request. */
export function ogcTilesRoutes(identity: Identity): Router {
  const r = Router();

  r.get('/ogc/tileMatrixSets', (req, res) => {
    const root = rootOf(req);
    res.json({
      tileMatrixSets: [
        {
          id: TMS_ID,
          title: 'Google Maps Compatible for the World',
          uri: TMS_URI,
          links: [{ rel: 'self', type: JSON_TYPE, href: `${root}/ogc/tileMatrixSets/${TMS_ID}` }],
        },
      ],
    });
  });

  r.get('/ogc/tileMatrixSets/:tileMatrixSetId', (req, res) => {
    knownTileMatrixSet(req.params.tileMatrixSetId);
    res.set('Cache-Control', 'public, max-age=86400');
    res.json(webMercatorQuad(rootOf(req)));
  });

  // Every tiled collection's tileset, for clients that look for tiles at the API's root.
  r.get('/ogc/tiles', (req, res) => {
    const root = rootOf(req);
    res.json({
      links: [{ rel: 'self', type: JSON_TYPE, href: `${root}/ogc/tiles` }],
      tilesets: TILE_LAYERS.map((l) => tilesetSummary(root, l)),
    });
  });

  r.get('/ogc/collections/:collectionId/tiles', async (req, res) => {
    const layer = tiledCollection(req.params.collectionId);
    await authorizeLayerRead(identity, req, res, layer, 'tiles.read');
    const root = rootOf(req);
    res.json({
      links: [{ rel: 'self', type: JSON_TYPE, href: `${root}/ogc/collections/${layer.id}/tiles` }],
      tilesets: [tilesetSummary(root, layer)],
    });
  });

  r.get('/ogc/collections/:collectionId/tiles/:tileMatrixSetId', async (req, res) => {
    const layer = tiledCollection(req.params.collectionId);
    knownTileMatrixSet(req.params.tileMatrixSetId);
    await authorizeLayerRead(identity, req, res, layer, 'tiles.read');
    res.json(tileset(rootOf(req), layer));
  });

  return r;
}
