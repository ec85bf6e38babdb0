import { Router, type Request, type Response } from 'express';
import { layerMetadata } from '../../geo/catalog/extent';
import { CATALOG, CATALOG_BY_ID, CRS84, type CatalogLayer } from '../../geo/catalog/layers';
import type { Db } from '../../geo/db/types';
import { Cql2Error, parseCql2, type Cql2Node } from '../../geo/ogc/cql2';
import { identityOf, type Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin } from '../auth/request';
import type { Capability } from '../http/capability';
import { AppError } from '../http/errors';
import { resolveRequestPrincipal } from '../policy/http';
import { authorizeLayerRead, mayReadLayer } from '../policy/layer-access';
import { contentCrs, CRS_URIS, parseOutputCrs, type OutputCrs } from './crs';
import { ExportUnavailable, FILE_FORMATS, sendExport } from './export';
import { queryItem, queryItems, type GeometryOutput, type ItemsQuery } from './items';
import { OPENAPI_TYPE, openApiDocument, openApiHtml, propertySchema } from './openapi';
import {
  invalidParameter,
  ITEMS_PARAMS,
  legacyCqlText,
  parseExportLimit,
  parseItemsFormat,
  parseBbox,
  parseCrs,
  parseDatetime,
  parseFilterLang,
  parseFormat,
  parseLimit,
  parseOffset,
  parseProperties,
  parseSortby,
  queryableFilter,
  queryableParameters,
  queryParams,
} from './params';

const JSON_TYPE = 'application/json';
const GEOJSON_TYPE = 'application/geo+json';
const SCHEMA_TYPE = 'application/schema+json';
/** The version of this API's definition (OpenAPI `info.version`). */
const API_VERSION = '1.1.0';

/** Only the classes implemented here (sortby is offered but its conformance class is still a draft: not claimed). */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
];

/** GeoJSON geometries in `crs`, in its own axis order (OGC API – Features Part 2). */
const geometryOutput = (crs: OutputCrs): GeometryOutput => ({ srid: crs.srid, flip: crs.northFirst, decimals: crs.decimals });

/** Filter text kept in an export's audit row. */
const AUDIT_FILTER_CHARS = 500;

const base = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}/ogc`;

interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/** The signed-in principal, if any: OGC routes are public in the policy, so the middleware did not resolve it. */
async function principalOf(identity: Identity, req: Request, res: Response): Promise<Principal | null> {
  return (await resolveRequestPrincipal(identity, req, res)).principal;
}

/** The layer named in the path, after the caller's right to read it is checked (401 anonymous, 403 refused). */
async function readableLayer(identity: Identity, req: Request, res: Response, id: string): Promise<CatalogLayer> {
  return (await readableLayerFor(identity, req, res, id, false)).layer;
}

/**
 * readableLayer, also giving the caller's principal: resolved for non-public layers, and for public ones when
 * `always` (exports name their caller in the audit row).
 */
async function readableLayerFor(
  identity: Identity,
  req: Request,
  res: Response,
  id: string,
  always: boolean,
): Promise<{ layer: CatalogLayer; principal: Principal | null }> {
  const layer = CATALOG_BY_ID.get(id);
  if (!layer) {
    throw new AppError('not_found', `没有数据集 ${JSON.stringify(id.slice(0, 60))}；可用的数据集见 /ogc/collections`, {
      code: 'NotFound',
    });
  }
  const principal = await authorizeLayerRead(identity, req, res, layer, 'ogc.read', always);
  return { layer, principal };
}

/** A grant of the policy (`role` or `role:departmentKind`) in words. */
function roleLabel(identity: Identity, grant: string): string {
  const [role, kind] = grant.split(':');
  return kind ? `${identity.policy.roleName(role ?? '')}（${kind}）` : identity.policy.roleName(role ?? '');
}

/** The collection document: extent from ST_Extent (cached), CRS, attribution and links. */
async function collectionDoc(db: Db, req: Request, layer: CatalogLayer, identity: Identity) {
  const meta = await layerMetadata(db, layer);
  const grants = layer.public ? [] : identity.policy.layerGrants(layer.policyLayer ?? '');
  const self = `${base(req)}/collections/${layer.id}`;
  const links: Link[] = [
    { href: self, rel: 'self', type: JSON_TYPE, title: layer.title },
    { href: `${self}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${layer.title}（要素）` },
    { href: `${self}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: SCHEMA_TYPE },
  ];
  if (layer.licenseUrl) links.push({ href: layer.licenseUrl, rel: 'license', type: 'text/html', title: layer.license });
  return {
    id: layer.id,
    title: layer.title,
    description: layer.description,
    attribution: layer.source,
    license: layer.license,
    itemType: 'feature',
    geometryType: layer.geometryType,
    // Every collection is served in each offered CRS (reprojected by PostGIS); stored in CRS84.
    crs: CRS_URIS,
    storageCrs: CRS84,
    extent: {
      ...(meta.bbox ? { spatial: { bbox: [meta.bbox], crs: CRS84 } } : {}),
      ...(meta.interval
        ? { temporal: { interval: [meta.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } }
        : {}),
    },
    ...(meta.updated ? { updated: meta.updated } : {}),
    // Who may read it (from data/policy.json): everyone, or these roles with a session or an API token.
    access: layer.public
      ? { public: true, description: '公开：无需登录' }
      : {
          public: false,
          roles: grants,
          description: `需登录或 API 令牌；可查看角色：${grants.map((g) => roleLabel(identity, g)).join('、')}`,
        },
    links,
  };
}

/** The CQL2 filter of a request, parsed (checking and compiling happen with the layer's schema). */
function parseFilter(raw: string | undefined, lang: string | undefined): Cql2Node | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') {
    throw new AppError('bad_request', '筛选条件（filter）为空：请填写条件，或去掉 filter 参数', {
      code: 'InvalidParameterValue',
      parameter: 'filter',
    });
  }
  const node = parseCql2(raw);
  return lang === 'cql-text' ? legacyCqlText(node) : node;
}

/** A URL of the same items query with another offset, for next/prev links. */
function pageHref(req: Request, layer: CatalogLayer, params: Map<string, string>, offset: number): string {
  const q = new URLSearchParams([...params].filter(([k]) => k !== 'offset'));
  if (offset > 0) q.set('offset', String(offset));
  const s = q.toString();
  return `${base(req)}/collections/${layer.id}/items${s ? `?${s}` : ''}`;
}

/** A URL of the same items query (every page: no limit or offset) in another format, for alternate links. */
function formatHref(req: Request, layer: CatalogLayer, params: Map<string, string>, f: string): string {
  const q = new URLSearchParams([...params].filter(([k]) => k !== 'offset' && k !== 'limit' && k !== 'f'));
  q.set('f', f);
  return `${base(req)}/collections/${layer.id}/items?${q.toString()}`;
}

/**
 * Client mistakes found while querying become 400s: CQL2 errors (with the offset into the filter), and PostgreSQL
 * data exceptions or geometry-library failures raised by a literal. A query past the 5 s budget is a 503.
 * Database messages are never shown: they stay in the server log.
 */
function clientError(err: unknown, req: Request): unknown {
  if (err instanceof Cql2Error) {
    return new AppError('bad_request', `筛选条件（filter）有误：${err.message}`, {
      code: 'InvalidParameterValue',
      parameter: 'filter',
      ...(err.offset !== undefined ? { offset: err.offset } : {}),
      ...(err.excerpt !== undefined ? { excerpt: err.excerpt } : {}),
    });
  }
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === '57014') {
    return new AppError('unavailable', '查询超过 5 秒已被取消：请用 bbox（范围）、datetime（时间）或 filter（筛选条件）缩小查询');
  }
  if (typeof code === 'string' && (code.startsWith('22') || code === 'XX000')) {
    req.log?.warn({ err }, 'OGC query refused by the database');
    return new AppError(
      'bad_request',
      '这组参数值无法完成查询：请检查 filter、bbox、datetime 中的值（如日期、数字、几何）后重试',
      {
        code: 'InvalidParameterValue',
      },
    );
  }
  return err;
}

/** The landing page, the conformance classes and each collection's queryables: they need no database. */
function landingRoutes(identity: Identity): Router {
  const r = Router();

  r.get('/ogc', (req, res) => {
    parseFormat(queryParams(req, ['f']), false);
    const b = base(req);
    res.type(JSON_TYPE).json({
      title: '哈尔滨城市 GIS 平台 · OGC API – Features',
      description: '哈尔滨市基础地理数据与业务图层的 OGC API – Features 服务（GeoJSON，CQL2 文本过滤）。',
      links: [
        { href: b, rel: 'self', type: JSON_TYPE, title: '本文档' },
        { href: `${b}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'API 定义（OpenAPI 3.0）' },
        { href: `${b}/api?f=html`, rel: 'service-doc', type: 'text/html', title: 'API 说明' },
        { href: `${b}/conformance`, rel: 'conformance', type: JSON_TYPE, title: '符合的标准类' },
        {
          href: `${b}/conformance`,
          rel: 'http://www.opengis.net/def/rel/ogc/1.0/conformance',
          type: JSON_TYPE,
          title: '符合的标准类',
        },
        { href: `${b}/collections`, rel: 'data', type: JSON_TYPE, title: '数据集合' },
        {
          href: `${b}/tiles`,
          rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector',
          type: JSON_TYPE,
          title: '矢量瓦片集（OGC API – Tiles）',
        },
        { href: `${b}/collections`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/data', type: JSON_TYPE, title: '数据集合' },
      ],
    });
  });

  r.get('/ogc/conformance', (req, res) => {
    parseFormat(queryParams(req, ['f']), false);
    res.type(JSON_TYPE).json({ conformsTo: CONFORMANCE });
  });

  r.get('/ogc/collections/:collectionId/queryables', async (req, res) => {
    parseFormat(queryParams(req, ['f']), false);
    const layer = await readableLayer(identity, req, res, req.params.collectionId);
    const properties: Record<string, unknown> = {
      geometry: {
        format: layer.geometryType === 'Geometry' ? 'geometry-any' : `geometry-${layer.geometryType.toLowerCase()}`,
        'x-ogc-role': 'primary-geometry',
      },
    };
    for (const p of layer.properties)
      properties[p.name] =
        p.type === 'geometry' ? { ...(p.title ? { title: p.title } : {}), format: 'geometry-any' } : propertySchema(p);
    res.type(SCHEMA_TYPE).json({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${base(req)}/collections/${layer.id}/queryables`,
      type: 'object',
      title: layer.title,
      properties,
      additionalProperties: false,
    });
  });

  return r;
}

/** The collections and their items, read from the database. */
function collectionRoutes(db: Db, identity: Identity): Router {
  const r = Router();

  r.get('/ogc/api', async (req, res) => {
    const f = queryParams(req, ['f']).get('f');
    if (f !== undefined && f !== 'json' && f !== 'html')
      throw invalidParameter('f', `不提供格式 ${JSON.stringify(f.slice(0, 60))}；可用 json 或 html`);
    const principal = await principalOf(identity, req, res);
    const visible = CATALOG.filter((l) => mayReadLayer(identity, principal, l));
    const doc = openApiDocument(base(req), visible, API_VERSION);
    if (f === 'html') {
      res.type('text/html; charset=utf-8').send(openApiHtml(doc, `${base(req)}/api`));
      return;
    }
    // Exactly the registered media type (JSON is UTF-8 by definition): some clients compare it as a string.
    res.setHeader('Content-Type', OPENAPI_TYPE);
    res.send(Buffer.from(JSON.stringify(doc)));
  });

  r.get('/ogc/collections', async (req, res) => {
    parseFormat(queryParams(req, ['f']), false);
    const principal = await principalOf(identity, req, res);
    const visible = CATALOG.filter((l) => mayReadLayer(identity, principal, l));
    const collections = await Promise.all(visible.map((l) => collectionDoc(db, req, l, identity)));
    res.type(JSON_TYPE).json({
      links: [{ href: `${base(req)}/collections`, rel: 'self', type: JSON_TYPE, title: '数据集合' }],
      crs: CRS_URIS,
      collections,
    });
  });

  r.get('/ogc/collections/:collectionId', async (req, res) => {
    parseFormat(queryParams(req, ['f']), false);
    const layer = await readableLayer(identity, req, res, req.params.collectionId);
    res.type(JSON_TYPE).json(await collectionDoc(db, req, layer, identity));
  });

  r.get('/ogc/collections/:collectionId/items', async (req, res) => {
    // Parameters are checked before the collection's access: a malformed request is a 400 whoever sends it.
    // The layer's queryables are parameters too; an unknown collection is refused below, after its access check.
    const known = CATALOG_BY_ID.get(req.params.collectionId);
    const params = queryParams(req, [
      ...ITEMS_PARAMS,
      ...(known ? queryableParameters(known, ITEMS_PARAMS).map((p) => p.name) : []),
    ]);
    const queryables = [...params.keys()].filter((k) => !(ITEMS_PARAMS as readonly string[]).includes(k));
    const format = parseItemsFormat(params);
    const file = format === 'json' || format === 'geojson' ? null : format;
    const { layer, principal } = await readableLayerFor(identity, req, res, req.params.collectionId, format !== 'json');
    const crs = parseOutputCrs('crs', params.get('crs'));
    const bboxCrs = parseOutputCrs('bbox-crs', params.get('bbox-crs'));
    parseCrs('filter-crs', params.get('filter-crs'));
    parseFilterLang(params.get('filter-lang'));
    let q: ItemsQuery;
    try {
      q = {
        bbox: parseBbox(params.get('bbox'), bboxCrs),
        datetime: parseDatetime(params.get('datetime'), layer),
        properties: parseProperties(params.get('properties'), layer),
        sortby: parseSortby(params.get('sortby'), layer),
        limit: file ? parseExportLimit(params.get('limit')) : parseLimit(params.get('limit')),
        offset: parseOffset(params.get('offset')),
        filter: queryableFilter(params, layer, ITEMS_PARAMS, parseFilter(params.get('filter'), params.get('filter-lang'))),
      };
    } catch (err) {
      throw clientError(err, req);
    }
    // Downloads keep the GIS axis order (east first) and name their CRS in the file; GeoJSON follows the CRS's own order.
    const output: GeometryOutput = file ? { srid: crs.srid, flip: false, decimals: crs.decimals } : geometryOutput(crs);
    const result = await queryItems(db, layer, q, output).catch((err: unknown) => {
      throw clientError(err, req);
    });
    // Every download (and an explicit f=geojson) is audited before a byte is sent: no audit row, no data.
    const auditExport = (outcome: 'ok' | 'failed') =>
      identity.audit.append({
        ...origin(req),
        action: 'data.export',
        outcome,
        actor: principal ? actorOf(principal) : null,
        object: `ogc collection ${layer.id}`,
        detail: {
          collection: layer.id,
          format,
          features: result.features.length,
          numberMatched: result.numberMatched,
          ...(params.has('filter') ? { filter: params.get('filter')!.slice(0, AUDIT_FILTER_CHARS) } : {}),
          ...(queryables.length
            ? { queryables: Object.fromEntries(queryables.map((n) => [n, params.get(n)!.slice(0, 200)])) }
            : {}),
          ...(q.bbox ? { bbox: q.bbox.box, ...(q.bbox.srid !== 4326 ? { bboxSrid: q.bbox.srid } : {}) } : {}),
          ...(crs.uri !== CRS84 ? { crs: crs.uri } : {}),
          ...(params.has('datetime') ? { datetime: params.get('datetime') } : {}),
          limit: q.limit,
          offset: q.offset,
        },
      });
    res.setHeader('OGC-NumberMatched', String(result.numberMatched));
    res.setHeader('OGC-NumberReturned', String(result.features.length));
    if (file) {
      try {
        await sendExport(req, res, {
          layer,
          format: file,
          features: result.features,
          names: q.properties ?? layer.properties.map((p) => p.name),
          now: identity.now(),
          srid: crs.srid,
          beforeSend: async () => {
            await auditExport('ok');
          },
        });
      } catch (err) {
        if (err instanceof ExportUnavailable)
          await auditExport('failed').catch((e: unknown) => req.log?.error({ err: e }, 'could not audit a failed export'));
        throw err;
      }
      return;
    }
    if (format === 'geojson') await auditExport('ok');
    res.setHeader('Content-Crs', contentCrs(crs));
    const links: Link[] = [
      { href: pageHref(req, layer, params, q.offset), rel: 'self', type: GEOJSON_TYPE, title: '本页' },
      { href: `${base(req)}/collections/${layer.id}`, rel: 'collection', type: JSON_TYPE, title: layer.title },
    ];
    if (q.offset + result.features.length < result.numberMatched)
      links.push({ href: pageHref(req, layer, params, q.offset + q.limit), rel: 'next', type: GEOJSON_TYPE, title: '下一页' });
    if (q.offset > 0)
      links.push({
        href: pageHref(req, layer, params, Math.max(0, q.offset - q.limit)),
        rel: 'prev',
        type: GEOJSON_TYPE,
        title: '上一页',
      });
    for (const [f, spec] of Object.entries(FILE_FORMATS))
      links.push({ href: formatHref(req, layer, params, f), rel: 'alternate', type: spec.contentType, title: `下载（${f}）` });
    res.type(GEOJSON_TYPE).json({
      type: 'FeatureCollection',
      features: result.features,
      numberMatched: result.numberMatched,
      numberReturned: result.features.length,
      timeStamp: new Date().toISOString(),
      links,
    });
  });

  r.get('/ogc/collections/:collectionId/items/:featureId', async (req, res) => {
    const params = queryParams(req, ['f', 'crs']);
    parseFormat(params, true);
    const crs = parseOutputCrs('crs', params.get('crs'));
    const layer = await readableLayer(identity, req, res, req.params.collectionId);
    const feature = await queryItem(db, layer, req.params.featureId, geometryOutput(crs));
    if (!feature) {
      throw new AppError('not_found', `数据集 ${layer.id} 中没有要素 ${JSON.stringify(req.params.featureId.slice(0, 60))}`, {
        code: 'NotFound',
      });
    }
    const self = `${base(req)}/collections/${layer.id}/items/${encodeURIComponent(String(feature.id))}`;
    res.setHeader('Content-Crs', contentCrs(crs));
    res.type(GEOJSON_TYPE).json({
      ...feature,
      links: [
        { href: self, rel: 'self', type: GEOJSON_TYPE },
        { href: `${base(req)}/collections/${layer.id}`, rel: 'collection', type: JSON_TYPE, title: layer.title },
      ],
    });
  });

  return r;
}

/**
 * OGC API – Features at `/ogc`: Part 1 core with GeoJSON, Part 3 filtering with CQL2 text, over the layer
 * catalogue (geo/catalog). The policy lists these routes under a public action; each collection then decides:
 * base layers are open, operational ones need a session whose role the policy's `layers` entry allows. The landing
 * page and conformance answer while the platform starts.
 */
export const ogcCapability: Capability = {
  name: 'ogc',
  boot: (deps) => landingRoutes(identityOf(deps)),
  ready: { paths: ['/ogc/collections', '/ogc/api'], routes: ({ db }, deps) => collectionRoutes(db, identityOf(deps)) },
};
