import {
  OpenApiBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponsesObject,
  type SchemaObject,
  type SecurityRequirementObject,
} from 'openapi3-ts/oas30';
import type { CatalogLayer } from '../../geo/catalog/layers';
import type { PropertySchema } from '../../geo/ogc/cql2';
import { CRS_URIS, OUTPUT_CRS } from './crs';
import {
  DEFAULT_LIMIT,
  FILTER_LANGS,
  ITEMS_FORMATS,
  ITEMS_PARAMS,
  MAX_EXPORT_LIMIT,
  MAX_LIMIT,
  MAX_OFFSET,
  queryableParameters,
} from './params';

/** The media type of the API definition (OGC API – Common, /req/oas30/oas-definition-2). */
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';

const JSON_TYPE = 'application/json';
const GEOJSON_TYPE = 'application/geo+json';
const SCHEMA_TYPE = 'application/schema+json';

const ref = (kind: 'parameters' | 'schemas' | 'responses', name: string): ReferenceObject => ({
  $ref: `#/components/${kind}/${name}`,
});

/** The JSON Schema of a catalogue property, as in its queryables document. */
export function propertySchema(p: PropertySchema): SchemaObject {
  const base: SchemaObject =
    p.type === 'timestamp'
      ? { type: 'string', format: 'date-time' }
      : p.type === 'date'
        ? { type: 'string', format: 'date' }
        : p.type === 'geometry'
          ? { type: 'object' }
          : { type: p.type };
  return p.title ? { ...base, title: p.title } : base;
}

/** The shared parameters, referenced from every path that takes them. */
function parameters(): Record<string, ParameterObject> {
  const query = (name: string, description: string, schema: SchemaObject, extra: Partial<ParameterObject> = {}) => ({
    name,
    in: 'query' as const,
    required: false,
    description,
    schema,
    ...extra,
  });
  return {
    collectionId: {
      name: 'collectionId',
      in: 'path',
      required: true,
      description: '数据集合（图层）标识，见 /collections',
      schema: { type: 'string' },
    },
    featureId: {
      name: 'featureId',
      in: 'path',
      required: true,
      description: '要素标识（GeoJSON `id`）',
      schema: { type: 'string' },
    },
    f: query('f', '文档格式：仅 JSON', { type: 'string', enum: ['json'], default: 'json' }),
    fApi: query('f', '定义格式：json（OpenAPI 3.0）或 html（供人阅读的说明页）', {
      type: 'string',
      enum: ['json', 'html'],
      default: 'json',
    }),
    fFeature: query('f', '要素格式：GeoJSON', { type: 'string', enum: ['json', 'geojson'], default: 'json' }),
    fItems: query(
      'f',
      '要素集合格式：GeoJSON（json、geojson；geojson 记入导出审计），或下载文件 csv（WKT 几何）、gpkg、kml（整批查询，最多 ' +
        `${MAX_EXPORT_LIMIT} 个要素，记入导出审计）`,
      { type: 'string', enum: [...ITEMS_FORMATS], default: 'json' },
    ),
    bbox: query(
      'bbox',
      '外包框（默认 CRS84：minLon,minLat,maxLon,maxLat；其他参照系见 bbox-crs），返回与其相交的要素',
      { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
      { style: 'form', explode: false },
    ),
    crs: query(
      'crs',
      `返回几何的坐标参照系（按该参照系的轴序，响应头 Content-Crs 注明）：${OUTPUT_CRS.map((c) => `${c.uri}（${c.title}）`).join('；')}`,
      { type: 'string', format: 'uri', enum: [...CRS_URIS], default: CRS_URIS[0] },
    ),
    'bbox-crs': query(
      'bbox-crs',
      'bbox 的坐标参照系，四个数按其轴序：CRS84 为 minLon,minLat,maxLon,maxLat；EPSG:4326、EPSG:4490 纬度在前；EPSG:4551 为 minN,minE,maxN,maxE（米）',
      { type: 'string', format: 'uri', enum: [...CRS_URIS], default: CRS_URIS[0] },
    ),
    datetime: query(
      'datetime',
      '时间或时间段（RFC 3339）：2024-05-01、2024-05-01T08:00:00Z、开始/结束（开放端写 ..）；仅对有时间属性的集合',
      { type: 'string' },
    ),
    limit: query(
      'limit',
      `每页要素数：默认 ${DEFAULT_LIMIT}，最大 ${MAX_LIMIT}；超过最大值时按最大值返回（沿 next 链接翻页）`,
      { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      { style: 'form', explode: false },
    ),
    offset: query('offset', `跳过的要素数（分页；next 链接已带上），最大 ${MAX_OFFSET}`, {
      type: 'integer',
      minimum: 0,
      maximum: MAX_OFFSET,
      default: 0,
    }),
    properties: query(
      'properties',
      '只返回这些属性（逗号分隔；为空则不返回属性）',
      { type: 'array', items: { type: 'string' } },
      { style: 'form', explode: false },
    ),
    sortby: query(
      'sortby',
      '排序属性，逗号分隔；前缀 - 为降序，默认按标识升序',
      { type: 'array', items: { type: 'string', pattern: '^[+-]?[A-Za-z_][A-Za-z0-9_]*$' }, maxItems: 5 },
      { style: 'form', explode: false },
    ),
    filter: query('filter', 'CQL2 文本过滤表达式（属性比较、LIKE、BETWEEN、IN、IS NULL、S_INTERSECTS、S_WITHIN、S_DWITHIN）', {
      type: 'string',
    }),
    'filter-lang': query('filter-lang', 'filter 的语言：cql2-text；cql-text（旧草案名称，GDAL 3.6 等客户端使用）按同一语法解读', {
      type: 'string',
      enum: [...FILTER_LANGS],
      default: 'cql2-text',
    }),
    'filter-crs': query('filter-crs', 'filter 中几何字面量的坐标参照系', {
      type: 'string',
      format: 'uri',
      enum: ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
      default: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
    }),
  };
}

/** Schemas of the documents the API answers (OGC API – Features Part 1 and Part 3), kept to what this server sends. */
function schemas(): Record<string, SchemaObject> {
  const link: SchemaObject = {
    type: 'object',
    required: ['href', 'rel'],
    properties: {
      href: { type: 'string' },
      rel: { type: 'string' },
      type: { type: 'string' },
      title: { type: 'string' },
    },
  };
  const links: SchemaObject = { type: 'array', items: ref('schemas', 'link') };
  return {
    link,
    exception: {
      type: 'object',
      description: 'OGC API 异常：code 为异常代码，description 为说明（另附平台的 error 对象，含请求编号）',
      required: ['code'],
      properties: {
        code: { type: 'string' },
        description: { type: 'string' },
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
        },
      },
    },
    landingPage: {
      type: 'object',
      required: ['links'],
      properties: { title: { type: 'string' }, description: { type: 'string' }, links },
    },
    confClasses: {
      type: 'object',
      required: ['conformsTo'],
      properties: { conformsTo: { type: 'array', items: { type: 'string' } } },
    },
    collection: {
      type: 'object',
      required: ['id', 'links'],
      properties: {
        id: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        attribution: { type: 'string' },
        license: { type: 'string' },
        itemType: { type: 'string', default: 'feature' },
        geometryType: { type: 'string' },
        crs: { type: 'array', items: { type: 'string' } },
        storageCrs: { type: 'string' },
        extent: {
          type: 'object',
          properties: {
            spatial: {
              type: 'object',
              properties: {
                bbox: { type: 'array', items: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
                crs: { type: 'string' },
              },
            },
            temporal: {
              type: 'object',
              properties: {
                interval: {
                  type: 'array',
                  items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', nullable: true } },
                },
                trs: { type: 'string' },
              },
            },
          },
        },
        access: {
          type: 'object',
          description: '谁可读取：public 为真则无需登录，否则为可查看的角色',
          properties: {
            public: { type: 'boolean' },
            roles: { type: 'array', items: { type: 'string' } },
            description: { type: 'string' },
          },
        },
        links,
      },
    },
    collections: {
      type: 'object',
      required: ['links', 'collections'],
      properties: {
        links,
        crs: { type: 'array', items: { type: 'string' } },
        collections: { type: 'array', items: ref('schemas', 'collection') },
      },
    },
    geometryGeoJSON: {
      type: 'object',
      nullable: true,
      required: ['type'],
      properties: {
        type: {
          type: 'string',
          enum: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'],
        },
        coordinates: { type: 'array', items: {} },
      },
    },
    featureGeoJSON: {
      type: 'object',
      required: ['type', 'geometry', 'properties'],
      properties: {
        type: { type: 'string', enum: ['Feature'] },
        id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        geometry: ref('schemas', 'geometryGeoJSON'),
        properties: { type: 'object', nullable: true },
        links,
      },
    },
    featureCollectionGeoJSON: {
      type: 'object',
      required: ['type', 'features'],
      properties: {
        type: { type: 'string', enum: ['FeatureCollection'] },
        features: { type: 'array', items: ref('schemas', 'featureGeoJSON') },
        links,
        timeStamp: { type: 'string', format: 'date-time' },
        numberMatched: { type: 'integer', minimum: 0 },
        numberReturned: { type: 'integer', minimum: 0 },
      },
    },
    queryables: {
      type: 'object',
      description: 'JSON Schema（2020-12）：可过滤的属性及其类型',
      properties: {
        $schema: { type: 'string' },
        $id: { type: 'string' },
        type: { type: 'string' },
        properties: { type: 'object' },
      },
    },
  };
}

/** Error answers every operation can give, in the OGC exception shape. */
function errorResponses(...statuses: number[]): ResponsesObject {
  const text: Record<number, string> = {
    400: '参数错误（说明哪个参数、为什么）',
    401: '未登录：业务图层需会话、Bearer 令牌，或以 API 令牌为密码的 HTTP Basic',
    403: '当前角色无权查看该图层',
    404: '没有该集合或要素',
    503: '服务启动中，或查询超过 5 秒被取消',
  };
  return Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: text[s] ?? '错误', content: { [JSON_TYPE]: { schema: ref('schemas', 'exception') } } },
    ]),
  );
}

const jsonResponse = (description: string, schema: string, type = JSON_TYPE): ResponsesObject => ({
  '200': { description, content: { [type]: { schema: ref('schemas', schema) } } },
});

/** Who may call an operation on a non-public collection: a session, a bearer API token, or the token as Basic password. */
const PROTECTED: SecurityRequirementObject[] = [{ session: [] }, { bearerToken: [] }, { basicToken: [] }];

/** The items operation of one collection: the shared parameters and its queryables as query parameters. */
function itemsOperation(layer: CatalogLayer): OperationObject {
  const shared = ITEMS_PARAMS.filter((n) => n !== 'datetime' || layer.temporalColumn).map((n) =>
    ref('parameters', n === 'f' ? 'fItems' : n),
  );
  const queryables: ParameterObject[] = queryableParameters(layer, ITEMS_PARAMS).map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    description: `按属性「${p.title ?? p.name}」等值过滤（可与 filter 同用，条件取交集）`,
    schema: propertySchema(p),
  }));
  return {
    tags: ['数据'],
    operationId: `getItems_${layer.id}`,
    summary: `${layer.title}：要素`,
    description: `${layer.description}${layer.temporalColumn ? `（datetime 作用于 ${layer.temporalColumn}）` : ''}`,
    parameters: [...shared, ...queryables],
    responses: {
      '200': {
        description: '一页要素（GeoJSON），或 f=csv/gpkg/kml 的下载文件',
        headers: {
          'Content-Crs': { description: '几何的坐标参照系（<URI>）', schema: { type: 'string' } },
          'OGC-NumberMatched': { description: '匹配的要素总数', schema: { type: 'integer' } },
          'OGC-NumberReturned': { description: '本页的要素数', schema: { type: 'integer' } },
        },
        content: {
          [GEOJSON_TYPE]: { schema: ref('schemas', 'featureCollectionGeoJSON') },
          'text/csv': { schema: { type: 'string' } },
          'application/geopackage+sqlite3': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.google-earth.kml+xml': { schema: { type: 'string' } },
        },
      },
      ...errorResponses(400, 401, 403, 404, 503),
    },
    ...(layer.public ? {} : { security: PROTECTED }),
  };
}

/**
 * The OpenAPI 3.0 definition of the API (OGC API – Features Part 1 /req/oas30), built from the catalogue for the
 * collections the caller may read: the generic paths, and one items path per collection with its queryables, so
 * clients (GDAL, QGIS) find each collection's page-size limits and filter parameters.
 */
export function openApiDocument(serverUrl: string, layers: readonly CatalogLayer[], version: string): OpenAPIObject {
  const b = OpenApiBuilder.create()
    .addOpenApiVersion('3.0.3')
    .addInfo({
      title: '哈尔滨城市 GIS 平台 · OGC API – Features',
      version,
      description:
        '哈尔滨市基础地理数据与业务图层的 OGC API – Features 服务（Part 1 核心与 GeoJSON，Part 3 CQL2 文本过滤与可查询属性）。' +
        '基础图层公开；业务图层需登录会话、`Authorization: Bearer <API 令牌>`，或以 API 令牌为密码的 HTTP Basic（供 QGIS 等客户端使用）。',
      contact: { name: '哈尔滨市城市运行管理与应急指挥平台' },
      license: { name: '各集合分别注明（见集合的 license）' },
    })
    .addServer({ url: serverUrl, description: '本服务' })
    .addTag({ name: '服务', description: '入口、定义与符合的标准类' })
    .addTag({ name: '数据', description: '数据集合与要素' })
    .addSecurityScheme('session', { type: 'apiKey', in: 'cookie', name: 'session', description: '平台登录会话' })
    .addSecurityScheme('bearerToken', { type: 'http', scheme: 'bearer', description: '个人 API 令牌（hgt_…）' })
    .addSecurityScheme('basicToken', {
      type: 'http',
      scheme: 'basic',
      description: '用户名任填（建议填本人用户名），密码为个人 API 令牌；不接受登录密码',
    });
  for (const [name, p] of Object.entries(parameters())) b.addParameter(name, p);
  for (const [name, s] of Object.entries(schemas())) b.addSchema(name, s);

  const f = ref('parameters', 'f');
  b.addPath('/', {
    get: {
      tags: ['服务'],
      operationId: 'getLandingPage',
      summary: '入口页',
      parameters: [f],
      responses: { ...jsonResponse('入口页：本服务的链接', 'landingPage'), ...errorResponses(400) },
    },
  });
  b.addPath('/api', {
    get: {
      tags: ['服务'],
      operationId: 'getApi',
      summary: '本 API 的定义（OpenAPI 3.0）',
      parameters: [ref('parameters', 'fApi')],
      responses: {
        '200': {
          description: 'OpenAPI 3.0 定义，或 f=html 时供人阅读的说明页',
          content: { [OPENAPI_TYPE]: { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } },
        },
        ...errorResponses(400),
      },
    },
  });
  b.addPath('/conformance', {
    get: {
      tags: ['服务'],
      operationId: 'getConformance',
      summary: '符合的标准类',
      parameters: [f],
      responses: { ...jsonResponse('符合的标准类', 'confClasses'), ...errorResponses(400) },
    },
  });
  b.addPath('/collections', {
    get: {
      tags: ['数据'],
      operationId: 'getCollections',
      summary: '数据集合（调用者可读的图层）',
      parameters: [f],
      responses: { ...jsonResponse('数据集合', 'collections'), ...errorResponses(400, 401, 503) },
    },
  });
  const collectionId = ref('parameters', 'collectionId');
  const ids = layers.map((l) => l.id);
  b.addPath('/collections/{collectionId}', {
    get: {
      tags: ['数据'],
      operationId: 'describeCollection',
      summary: '一个数据集合的说明',
      description: `集合：${ids.join('、')}`,
      parameters: [collectionId, f],
      responses: { ...jsonResponse('集合说明', 'collection'), ...errorResponses(400, 401, 403, 404, 503) },
    },
  });
  b.addPath('/collections/{collectionId}/queryables', {
    get: {
      tags: ['数据'],
      operationId: 'getQueryables',
      summary: '一个集合的可查询属性（JSON Schema）',
      parameters: [collectionId, f],
      responses: { ...jsonResponse('可查询属性', 'queryables', SCHEMA_TYPE), ...errorResponses(400, 401, 403, 404) },
    },
  });
  b.addPath('/collections/{collectionId}/items', {
    get: {
      tags: ['数据'],
      operationId: 'getItems',
      summary: '一个集合的要素',
      description: '各集合的可查询属性作为查询参数见 /collections/<集合>/items 各自的说明',
      parameters: [collectionId, ...ITEMS_PARAMS.map((n) => ref('parameters', n === 'f' ? 'fItems' : n))],
      responses: {
        ...jsonResponse('一页要素', 'featureCollectionGeoJSON', GEOJSON_TYPE),
        ...errorResponses(400, 401, 403, 404, 503),
      },
    },
  });
  b.addPath('/collections/{collectionId}/items/{featureId}', {
    get: {
      tags: ['数据'],
      operationId: 'getFeature',
      summary: '一个要素',
      parameters: [collectionId, ref('parameters', 'featureId'), ref('parameters', 'fFeature'), ref('parameters', 'crs')],
      responses: { ...jsonResponse('要素', 'featureGeoJSON', GEOJSON_TYPE), ...errorResponses(400, 401, 403, 404, 503) },
    },
  });
  for (const layer of layers) b.addPath(`/collections/${layer.id}/items`, { get: itemsOperation(layer) });
  addTilesPaths(b, collectionId);
  return b.getSpec();
}

/**
 * The OGC API – Tiles documents served beside the features (gateway/geo/ogc-tiles.ts): the tilesets of the
 * vector-tile layers in WebMercatorQuad, whose tiles are `/tiles/{layer}/{z}/{x}/{y}.mvt` outside this API.
 */
function addTilesPaths(b: OpenApiBuilder, collectionId: ReferenceObject): void {
  const tileMatrixSetId: ParameterObject = {
    name: 'tileMatrixSetId',
    in: 'path',
    required: true,
    description: '瓦片矩阵集：仅 WebMercatorQuad',
    schema: { type: 'string', enum: ['WebMercatorQuad'] },
  };
  const doc = (description: string): ResponsesObject => ({
    '200': { description, content: { [JSON_TYPE]: { schema: { type: 'object' } } } },
  });
  const op = (operationId: string, summary: string, parameters: (ParameterObject | ReferenceObject)[], codes: number[]) => ({
    get: {
      tags: ['瓦片'],
      operationId,
      summary,
      parameters,
      responses: { ...doc(summary), ...errorResponses(...codes) },
    },
  });
  b.addTag({ name: '瓦片', description: 'OGC API – Tiles：矢量瓦片图层的瓦片集（MVT，WebMercatorQuad）' });
  b.addPath('/tiles', op('getTileSetsList', '全部矢量瓦片集', [], []));
  b.addPath('/tileMatrixSets', op('getTileMatrixSetsList', '瓦片矩阵集列表', [], []));
  b.addPath('/tileMatrixSets/{tileMatrixSetId}', op('getTileMatrixSet', '瓦片矩阵集定义', [tileMatrixSetId], [404]));
  b.addPath(
    '/collections/{collectionId}/tiles',
    op('getCollectionTileSetsList', '一个集合的瓦片集', [collectionId], [401, 403, 404]),
  );
  b.addPath(
    '/collections/{collectionId}/tiles/{tileMatrixSetId}',
    op(
      'getCollectionTileSet',
      '一个集合在该矩阵集中的瓦片集（含瓦片 URL 模板）',
      [collectionId, tileMatrixSetId],
      [401, 403, 404],
    ),
  );
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A schema in a few words: type, format, enum, bounds and default. */
function schemaText(s: SchemaObject | ReferenceObject | undefined): string {
  if (!s || '$ref' in s) return '';
  const parts = [s.type === 'array' ? `${schemaText(s.items)}[]` : String(s.type ?? '')];
  if (s.format) parts.push(`(${s.format})`);
  if (s.enum) parts.push(`∈ {${s.enum.map(String).join(', ')}}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`[${s.minimum ?? ''} … ${s.maximum ?? ''}]`);
  if (s.default !== undefined) parts.push(`默认 ${String(s.default)}`);
  return parts.filter(Boolean).join(' ');
}

/** The service-doc: the same definition as a page for people (no scripts, nothing fetched from elsewhere). */
export function openApiHtml(doc: OpenAPIObject, jsonHref: string): string {
  const params = doc.components?.parameters ?? {};
  const resolve = (p: ParameterObject | ReferenceObject): ParameterObject | undefined =>
    '$ref' in p ? (params[p.$ref.split('/').pop()!] as ParameterObject | undefined) : p;
  const sections = Object.entries(doc.paths ?? {}).map(([path, item]) => {
    const op = (item as { get?: OperationObject }).get;
    if (!op) return '';
    const rows = (op.parameters ?? [])
      .map(resolve)
      .filter((p): p is ParameterObject => p !== undefined)
      .map(
        (p) =>
          `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}${p.required ? '，必填' : ''}</td>` +
          `<td>${escapeHtml(schemaText(p.schema))}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`,
      )
      .join('');
    const codes = Object.entries(op.responses as ResponsesObject)
      .map(([code, r]) => `<li><b>${code}</b> ${escapeHtml((r as { description?: string }).description ?? '')}</li>`)
      .join('');
    return (
      `<section><h2><code>GET ${escapeHtml(path)}</code></h2><p>${escapeHtml(op.summary ?? '')}</p>` +
      (op.description ? `<p>${escapeHtml(op.description)}</p>` : '') +
      (op.security ? '<p>需要认证：登录会话、Bearer API 令牌，或以 API 令牌为密码的 HTTP Basic。</p>' : '') +
      (rows ? `<table><tr><th>参数</th><th>位置</th><th>类型</th><th>说明</th></tr>${rows}</table>` : '') +
      `<ul>${codes}</ul></section>`
    );
  });
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} · API 说明</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
code{background:#f4f4f4;padding:0 .2rem}section{margin-bottom:2rem}</style></head>
<body><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
<p>服务地址：<code>${escapeHtml(doc.servers?.[0]?.url ?? '')}</code> · 机器可读定义：<a href="${escapeHtml(jsonHref)}">OpenAPI 3.0（JSON）</a></p>
${sections.join('\n')}
</body></html>`;
}
