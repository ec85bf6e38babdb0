import { Router, type NextFunction, type Request, type Response } from 'express';
import { aggregateInput, bufferInput, serviceAreaInput, withinInput } from '../../contracts/analysis';
import { CATALOG_BY_ID, type CatalogLayer } from '../../geo/catalog/layers';
import { assertValid, checkGeometry, GeometryInputError } from '../../geo/analysis/input';
import { aggregatePoints, bufferGeometry, featuresWithin, withAnalysisTx } from '../../geo/analysis/queries';
import { edgesHull, reachWithin } from '../../geo/analysis/service-area';
import { HARBIN_EXTENT } from '../../geo/ogc/cql2/geometry';
import { identityOf, type Identity } from '../auth/identity';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { requireLayer } from '../policy/layer-access';

type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * Turns what a caller can get wrong into 4xx: geometry problems (400) and database data exceptions raised by
 * the input (400, details only in the log); a statement past the 10 s budget is a 503.
 */
function clientError(err: unknown, req: Request): unknown {
  if (err instanceof GeometryInputError) return new AppError('bad_request', err.message);
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === '57014') {
    return new AppError('unavailable', '分析超过 10 秒已被取消：请缩小范围或加上筛选条件后重试');
  }
  if (typeof code === 'string' && (code.startsWith('22') || code === 'XX000')) {
    req.log?.warn({ err }, 'analysis input refused by the database');
    return new AppError('bad_request', '空间数据库无法处理这个几何：请检查参数 geometry 中的坐标后重试');
  }
  return err;
}

const handle =
  (handler: Handler) =>
  async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      next(clientError(err, req));
    }
  };

/** The collection, after the caller's right to read it is checked as the OGC routes do (the layer rule). */
async function readableLayer(identity: Identity, req: Request, id: string): Promise<CatalogLayer> {
  const layer = CATALOG_BY_ID.get(id);
  if (!layer) {
    throw new AppError('bad_request', `参数 collection 有误：没有数据集 ${JSON.stringify(id)}；可用的数据集见 /ogc/collections`);
  }
  await requireLayer(identity, req, principalOf(req), layer, 'analysis.run');
  return layer;
}

const inHarbin = (lon: number, lat: number) =>
  lon >= HARBIN_EXTENT.minLon && lon <= HARBIN_EXTENT.maxLon && lat >= HARBIN_EXTENT.minLat && lat <= HARBIN_EXTENT.maxLat;

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Spatial analysis for planners and the command centre: geodesic buffers, drive-time service areas over the
 * live road graph, features within a polygon and point aggregation by grid, street, district or H3 cell.
 * Every request runs in its own transaction with a 10 s statement budget; all SQL is parameterised.
 */
function analysisRoutes({ db, geo }: ReadyState, deps: AppDeps): Router {
  const identity = identityOf(deps);
  const r = Router();

  r.post(
    '/analysis/buffer',
    handle(async (req, res) => {
      const input = parseInput(bufferInput, req.body ?? {});
      const geometry = checkGeometry(input.geometry, ['Point', 'LineString', 'Polygon']);
      const json = JSON.stringify(geometry);
      const out = await withAnalysisTx(db, async (tx) => {
        await assertValid(tx, json);
        return bufferGeometry(tx, json, input.distanceM);
      });
      res.json({
        type: 'Feature',
        geometry: out.geometry,
        properties: { distanceM: input.distanceM, areaM2: Math.round(out.areaM2) },
      });
    }),
  );

  r.post(
    '/analysis/service-area',
    handle(async (req, res) => {
      const { lon, lat, minutes } = parseInput(serviceAreaInput, req.body ?? {});
      if (!inHarbin(lon, lat)) throw new AppError('outside_area', `(${lon}, ${lat}) 在哈尔滨范围之外`);
      const router = geo.routing.router;
      const place = router.place(lon, lat);
      if (!place) {
        throw new AppError('far_from_road', `(${lon}, ${lat}) 离可通行道路网太远：请在道路附近另选起点`);
      }
      const graph = router.graph;
      const reach = reachWithin(graph, place, minutes * 60);
      const gids = reach.edges.map((e) => graph.gid[e]!);
      const hull = await withAnalysisTx(db, (tx) => edgesHull(tx, gids));
      res.json({
        origin: {
          lon,
          lat,
          snap: {
            lon: place.snap.lon,
            lat: place.snap.lat,
            distanceM: round1(place.snap.distM),
            gid: graph.gid[place.snap.edge]!,
          },
        },
        minutes,
        reachedEdges: reach.edges.length,
        edgeGids: gids,
        maxDriveS: round1(reach.maxDriveS),
        edges: {
          type: 'MultiLineString',
          coordinates: reach.edges.map((e) =>
            graph.edgeCoords(e).map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6]),
          ),
        },
        hull,
      });
    }),
  );

  r.post(
    '/analysis/within',
    handle(async (req, res) => {
      const input = parseInput(withinInput, req.body ?? {});
      const layer = await readableLayer(identity, req, input.collection);
      const geometry = checkGeometry(input.geometry, ['Polygon', 'MultiPolygon']);
      const json = JSON.stringify(geometry);
      const out = await withAnalysisTx(db, async (tx) => {
        await assertValid(tx, json);
        return featuresWithin(tx, layer, json, input.limit);
      });
      res.type('application/geo+json').json({ ...out, collection: layer.id });
    }),
  );

  r.post(
    '/analysis/aggregate',
    handle(async (req, res) => {
      const input = parseInput(aggregateInput, req.body ?? {});
      await readableLayer(identity, req, input.collection);
      const t0 = performance.now();
      const out = await withAnalysisTx(db, (tx) => aggregatePoints(tx, input));
      res.type('application/geo+json').json({ ...out, tookMs: Math.round(performance.now() - t0) });
    }),
  );

  return r;
}

export const analysisCapability: Capability = { name: 'analysis', ready: { paths: ['/analysis'], routes: analysisRoutes } };
