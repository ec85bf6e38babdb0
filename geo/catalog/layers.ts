import type { FilterSchema, PropertySchema } from '../ogc/cql2';
import type { TileFacts, TileSourceTable } from '../tiles/sources';

/** The CRS every collection is served in: longitude/latitude on WGS 84 (SRID 4326 in PostGIS). */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** EPSG:4326 as an OGC URI (same datum; axis order latitude/longitude when a client asks for it by this name). */
export const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

/**
 * One layer of the platform, in one entry: its OGC collection (where its rows live and what clients may see and
 * filter on), its vector tiles when it is served as tiles, and who may read it (both ways alike).
 */
interface CatalogEntry {
  /** The collection id in URLs (`/ogc/collections/{id}`). */
  id: string;
  title: string;
  description: string;
  /** Where the data comes from, shown as the collection's attribution. */
  source: string;
  license: string;
  licenseUrl?: string;
  crs: readonly string[];
  /** Table, id column and geometry column: plain identifiers, only ever taken from this file. */
  table: string;
  idColumn: string;
  /** `integer` ids are matched as bigint and written as JSON numbers; `string` ids as text. */
  idType: 'string' | 'integer';
  geometryColumn: string;
  /** The GeoJSON geometry type of every row, for clients that want it before reading items. */
  geometryType: 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon' | 'Geometry';
  /** The column `datetime` filters on; layers without one refuse `datetime`. */
  temporalColumn?: string;
  /** The allow-listed properties: the only ones returned, sorted on and filtered on. */
  properties: readonly PropertySchema[];
  /** Open base layers: readable without a session. */
  public: boolean;
  /** For non-public layers: the `layers` entry of data/policy.json that says which roles may read it. */
  policyLayer?: string;
  /** The `import_run.layer` whose last run dates the data; operational layers (none) are current as of now. */
  importLayer?: string;
}

/** An entry served as vector tiles: its tile facts are checked against its table's allowed columns. */
type TiledEntry = { [T in TileSourceTable]: { table: T; tiles?: TileFacts<T> } }[TileSourceTable];

export type CatalogLayer = CatalogEntry & (TiledEntry | { table: string; tiles?: undefined });

/** The tile facts every OpenStreetMap base layer shares: id, name and kind, ordered by id, to z16, cached an hour. */
type OsmTable = Extract<TileSourceTable, `base_${string}`>;
type OsmTiles = Pick<TileFacts, 'geometryKind' | 'minzoom' | 'maxFeatures' | 'simplifyUnits' | 'buffer'>;

/**
 * One base layer kept in `base_feature` and read through its view (migration 023): OpenStreetMap data with an id,
 * a name and a kind, open to everyone.
 */
const osmFeatureLayer = <T extends string, G extends CatalogLayer['geometryType']>(
  id: T,
  title: string,
  description: string,
  table: OsmTable,
  geometryType: G,
  importLayer: string,
  tiles: OsmTiles,
) =>
  ({
    id,
    title,
    description,
    source: '© OpenStreetMap contributors（哈尔滨中心城区摘录，2024-04-09）',
    license: 'ODbL 1.0',
    licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    crs: [CRS84, EPSG4326],
    table,
    idColumn: 'id',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType,
    properties: [
      { name: 'id', column: 'id', type: 'string', title: '编号' },
      { name: 'name', column: 'name', type: 'string', title: '名称' },
      { name: 'kind', column: 'kind', type: 'string', title: '类型' },
    ],
    public: true,
    importLayer,
    tiles: {
      title,
      properties: ['id', 'name', 'kind'],
      orderBy: 'id',
      maxzoom: 16,
      maxAgeSeconds: 3600,
      ...tiles,
    },
  }) as const satisfies CatalogLayer;

const layers = [
  {
    id: 'district',
    title: '哈尔滨市行政区划（区县）',
    description: '哈尔滨市辖区、县级市与县的行政边界，含六位行政区划代码。',
    source: '阿里云 DataV.GeoAtlas 行政区划边界',
    license: 'DataV.GeoAtlas 数据使用说明（仅供参考，不作为权属争议依据）',
    licenseUrl: 'https://datav.aliyun.com/portal/school/atlas/area_selector',
    crs: [CRS84, EPSG4326],
    table: 'district',
    idColumn: 'adcode',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'MultiPolygon',
    properties: [
      { name: 'adcode', column: 'adcode', type: 'string', title: '行政区划代码' },
      { name: 'name', column: 'name', type: 'string', title: '名称' },
      { name: 'kind', column: 'kind', type: 'string', title: '类型' },
      { name: 'area_km2', column: 'area_km2', type: 'number', title: '面积（km²）' },
    ],
    public: true,
    importLayer: 'district',
    tiles: {
      title: '区县界',
      geometryKind: 'polygon',
      properties: ['adcode', 'name', 'kind'],
      featureId: 'adcode',
      orderBy: 'adcode',
      minzoom: 0,
      maxzoom: 16,
      maxFeatures: 100,
      simplifyUnits: 2,
      buffer: 64,
      maxAgeSeconds: 3600,
    },
  },
  {
    id: 'street',
    title: '街道（乡镇）',
    description: '主城区街道、乡镇边界；代码为国家统计局统计用区划代码（九位）。',
    source: '边界 © OpenStreetMap contributors；代码 国家统计局统计用区划代码',
    license: 'ODbL 1.0（边界）；国家统计局公开数据（代码）',
    licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    crs: [CRS84, EPSG4326],
    table: 'street',
    idColumn: 'code',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'MultiPolygon',
    properties: [
      { name: 'code', column: 'code', type: 'string', title: '编码' },
      { name: 'name', column: 'name', type: 'string', title: '名称' },
      { name: 'district_adcode', column: 'district_adcode', type: 'string', title: '区县代码' },
      { name: 'district_name', column: 'district_name', type: 'string', title: '区县' },
      { name: 'area_km2', column: 'area_km2', type: 'number', title: '面积（km²）' },
    ],
    public: true,
    importLayer: 'street',
    tiles: {
      title: '街道界',
      geometryKind: 'polygon',
      properties: ['code', 'name', 'district_adcode', 'district_name'],
      featureId: 'code',
      orderBy: 'code',
      minzoom: 8,
      maxzoom: 16,
      maxFeatures: 500,
      simplifyUnits: 2,
      buffer: 64,
      maxAgeSeconds: 3600,
    },
  },
  {
    id: 'grid',
    title: '城市管理网格',
    description: '按街道与社区划分的城市管理单元网格（十五位网格编码），含责任单位与面积。',
    source: '平台按街道与社区边界生成',
    license: '平台生成数据，可随平台自由使用',
    crs: [CRS84, EPSG4326],
    table: 'grid_cell',
    idColumn: 'code',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'Polygon',
    properties: [
      { name: 'code', column: 'code', type: 'string', title: '编码' },
      { name: 'street_code', column: 'street_code', type: 'string', title: '街道代码' },
      { name: 'community_code', column: 'community_code', type: 'string', title: '社区代码' },
      { name: 'district_adcode', column: 'district_adcode', type: 'string', title: '区县代码' },
      { name: 'owner', column: 'owner', type: 'string', title: '责任单位' },
      { name: 'area_m2', column: 'area_m2', type: 'number', title: '面积（m²）' },
    ],
    public: true,
    tiles: {
      title: '万米单元网格',
      geometryKind: 'polygon',
      properties: ['code', 'street_code', 'owner'],
      featureId: 'code',
      orderBy: 'code',
      // Below z13 a 100 m cell is under ~8 screen pixels: the grid would be a grey wash, not information.
      minzoom: 13,
      maxzoom: 16,
      maxFeatures: 6000,
      simplifyUnits: 0,
      buffer: 16,
      maxAgeSeconds: 3600,
    },
  },
  {
    id: 'poi',
    title: '兴趣点（公共设施）',
    description: '医院、消防站、派出所、学校、避难场所等公共设施点位。',
    source: '© OpenStreetMap contributors',
    license: 'ODbL 1.0',
    licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    crs: [CRS84, EPSG4326],
    table: 'poi',
    idColumn: 'id',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'Point',
    properties: [
      { name: 'id', column: 'id', type: 'string', title: '编号' },
      { name: 'name', column: 'name', type: 'string', title: '名称' },
      { name: 'category', column: 'category', type: 'string', title: '类别' },
      { name: 'hotline', column: 'hotline', type: 'string', title: '电话' },
    ],
    public: true,
    importLayer: 'poi',
    tiles: {
      title: '重点设施',
      geometryKind: 'point',
      properties: ['id', 'name', 'category', 'hotline'],
      orderBy: 'id',
      minzoom: 9,
      maxzoom: 16,
      maxFeatures: 2000,
      simplifyUnits: 0,
      buffer: 64,
      maxAgeSeconds: 300,
    },
  },
  {
    id: 'roads',
    title: '道路',
    description: '中心城区道路中心线，含道路等级、单行与限速。',
    source: '© OpenStreetMap contributors（哈尔滨中心城区摘录，2024-04-09）',
    license: 'ODbL 1.0',
    licenseUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
    crs: [CRS84, EPSG4326],
    table: 'road',
    idColumn: 'id',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'LineString',
    properties: [
      { name: 'id', column: 'id', type: 'string', title: '编号' },
      { name: 'name', column: 'name', type: 'string', title: '路名' },
      { name: 'highway', column: 'highway', type: 'string', title: '道路等级（OSM highway）' },
      { name: 'class_rank', column: 'class_rank', type: 'integer', title: '等级序号' },
      { name: 'oneway', column: 'oneway', type: 'string', title: '单行' },
      { name: 'maxspeed', column: 'maxspeed', type: 'string', title: '限速' },
    ],
    public: true,
    importLayer: 'road',
    tiles: {
      title: '道路',
      geometryKind: 'line',
      properties: ['id', 'name', 'highway', 'class_rank'],
      orderBy: 'class_rank',
      minzoom: 10,
      maxzoom: 16,
      maxFeatures: 6000,
      simplifyUnits: 1,
      buffer: 64,
      maxAgeSeconds: 3600,
    },
  },
  osmFeatureLayer('railways', '铁路与轨道交通', '铁路、地铁与有轨电车线路。', 'base_railway', 'LineString', 'railway', {
    geometryKind: 'line',
    minzoom: 9,
    maxFeatures: 2000,
    simplifyUnits: 1,
    buffer: 64,
  }),
  osmFeatureLayer('bridges', '桥梁', '桥梁（含松花江上的公路、铁路桥），线要素。', 'base_bridge', 'LineString', 'bridge', {
    geometryKind: 'line',
    minzoom: 12,
    maxFeatures: 2000,
    simplifyUnits: 1,
    buffer: 64,
  }),
  osmFeatureLayer('waterways', '河流水道', '河流、沟渠等线状水系。', 'base_waterway', 'LineString', 'waterway', {
    geometryKind: 'line',
    minzoom: 9,
    maxFeatures: 1000,
    simplifyUnits: 1,
    buffer: 64,
  }),
  osmFeatureLayer('water', '水域', '松花江、湖泊、水库等面状水域。', 'base_water_area', 'MultiPolygon', 'water_area', {
    geometryKind: 'polygon',
    minzoom: 8,
    maxFeatures: 1000,
    simplifyUnits: 2,
    buffer: 64,
  }),
  osmFeatureLayer(
    'flood_features',
    '防洪设施',
    '堤防、闸坝等防洪工程（线、面与点）。',
    'base_flood_feature',
    'Geometry',
    'flood_feature',
    { geometryKind: 'line', minzoom: 10, maxFeatures: 1000, simplifyUnits: 1, buffer: 64 },
  ),
  osmFeatureLayer('buildings', '建筑物', '建筑物轮廓，含类型。', 'base_building', 'MultiPolygon', 'building', {
    geometryKind: 'polygon',
    minzoom: 14,
    maxFeatures: 8000,
    simplifyUnits: 1,
    buffer: 16,
  }),
  osmFeatureLayer('landuse', '土地利用', '居住、商业、工业、绿地等用地范围。', 'base_landuse', 'MultiPolygon', 'landuse', {
    geometryKind: 'polygon',
    minzoom: 11,
    maxFeatures: 4000,
    simplifyUnits: 2,
    buffer: 64,
  }),
  {
    id: 'warnings',
    title: '公开预警',
    description:
      '红、橙、黄、蓝四级突发事件预警的范围（区县、街道或绘制的多边形），含预警类型、级别、状态与生效、解除时间；每条 CAP 消息（发布、调整、解除）一条要素。',
    source: '平台业务数据（领导、指挥员发布的预警；CAP 1.2 见 /api/warnings/cap）',
    license: '公开预警信息，可自由转发',
    crs: [CRS84, EPSG4326],
    table: 'warning_area',
    idColumn: 'id',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'MultiPolygon',
    temporalColumn: 'sent_at',
    properties: [
      { name: 'id', column: 'id', type: 'string', title: '编号' },
      { name: 'identifier', column: 'identifier', type: 'string', title: 'CAP 标识' },
      { name: 'msg_type', column: 'msg_type', type: 'string', title: '消息类型（Alert/Update/Cancel）' },
      { name: 'references_id', column: 'references_id', type: 'string', title: '所替代或解除的消息' },
      { name: 'state', column: 'state', type: 'string', title: '状态（active/superseded/cancelled/expired）' },
      { name: 'drill', column: 'drill', type: 'boolean', title: '演练' },
      { name: 'hazard', column: 'hazard', type: 'string', title: '预警类型' },
      { name: 'level', column: 'level', type: 'string', title: '级别（red/orange/yellow/blue）' },
      { name: 'headline', column: 'headline', type: 'string', title: '标题' },
      { name: 'area_kind', column: 'area_kind', type: 'string', title: '范围方式' },
      { name: 'area_desc', column: 'area_desc', type: 'string', title: '范围' },
      { name: 'certainty', column: 'certainty', type: 'string', title: '确定性' },
      { name: 'sent_at', column: 'sent_at', type: 'timestamp', title: '发布时间' },
      { name: 'effective_at', column: 'effective_at', type: 'timestamp', title: '生效时间' },
      { name: 'onset_at', column: 'onset_at', type: 'timestamp', title: '开始时间' },
      { name: 'expires_at', column: 'expires_at', type: 'timestamp', title: '解除（失效）时间' },
      { name: 'ended_at', column: 'ended_at', type: 'timestamp', title: '结束时间' },
    ],
    public: true,
  },
  {
    id: 'incidents',
    title: '警情',
    description: '各接警平台推送并融合后的警情（业务数据），含状态、类别、优先级与所在区划。',
    source: '平台业务数据（110/119/120/12345 等推送融合）',
    license: '内部业务数据，仅限授权角色使用',
    crs: [CRS84, EPSG4326],
    table: 'incident',
    idColumn: 'id',
    idType: 'integer',
    geometryColumn: 'geom',
    geometryType: 'Point',
    temporalColumn: 'first_reported_at',
    properties: [
      { name: 'id', column: 'id', type: 'integer', title: '编号' },
      { name: 'status', column: 'status', type: 'string', title: '状态' },
      { name: 'category', column: 'category', type: 'string', title: '类别' },
      { name: 'priority', column: 'priority', type: 'integer', title: '优先级' },
      { name: 'title', column: 'title', type: 'string', title: '标题' },
      { name: 'district_code', column: 'district_code', type: 'string', title: '区县代码' },
      { name: 'district_name', column: 'district_name', type: 'string', title: '区县' },
      { name: 'street_name', column: 'street_name', type: 'string', title: '街道' },
      { name: 'grid_code', column: 'grid_code', type: 'string', title: '网格编码' },
      { name: 'first_reported_at', column: 'first_reported_at', type: 'timestamp', title: '首报时间' },
      { name: 'last_reported_at', column: 'last_reported_at', type: 'timestamp', title: '最近报告时间' },
      { name: 'drill', column: 'drill', type: 'boolean', title: '演练' },
    ],
    public: false,
    policyLayer: 'incidents',
    tiles: {
      title: '警情',
      geometryKind: 'point',
      properties: ['id', 'status', 'category', 'priority', 'title', 'district_code', 'drill'],
      featureId: 'id',
      orderBy: 'id',
      orderDescending: true,
      omitWhenSet: 'merged_into',
      minzoom: 8,
      maxzoom: 16,
      maxFeatures: 3000,
      simplifyUnits: 0,
      buffer: 64,
      maxAgeSeconds: 0,
      live: true,
    },
  },
  {
    id: 'cases',
    title: '城市管理案件',
    description: '数字城管案件（部件、事件）的位置、类别、状态、渠道与处置时限结果；不含描述、上报人与联系方式，供统计分析。',
    source: '平台业务数据（监督员上报、12319 热线、Open311 等渠道）',
    license: '内部业务数据，仅限授权角色使用',
    crs: [CRS84, EPSG4326],
    table: 'city_case',
    idColumn: 'id',
    idType: 'integer',
    geometryColumn: 'geom',
    geometryType: 'Point',
    temporalColumn: 'reported_at',
    properties: [
      { name: 'id', column: 'id', type: 'integer', title: '编号' },
      { name: 'code', column: 'code', type: 'string', title: '案件编号' },
      { name: 'state', column: 'state', type: 'string', title: '状态' },
      { name: 'kind', column: 'kind', type: 'string', title: '部件/事件' },
      { name: 'major_code', column: 'major_code', type: 'string', title: '大类代码' },
      { name: 'category_code', column: 'category_code', type: 'string', title: '小类代码' },
      { name: 'channel', column: 'channel', type: 'string', title: '来源渠道' },
      { name: 'district_code', column: 'district_code', type: 'string', title: '区县代码' },
      { name: 'district_name', column: 'district_name', type: 'string', title: '区县' },
      { name: 'street_name', column: 'street_name', type: 'string', title: '街道' },
      { name: 'grid_code', column: 'grid_code', type: 'string', title: '网格编码' },
      { name: 'department_id', column: 'department_id', type: 'string', title: '处置部门' },
      { name: 'urgent', column: 'urgent', type: 'boolean', title: '加急' },
      { name: 'supervision', column: 'supervision', type: 'string', title: '督办' },
      { name: 'on_time', column: 'on_time', type: 'boolean', title: '按期' },
      { name: 'reported_at', column: 'reported_at', type: 'timestamp', title: '上报时间' },
      { name: 'filed_at', column: 'filed_at', type: 'timestamp', title: '立案时间' },
      { name: 'closed_at', column: 'closed_at', type: 'timestamp', title: '结案时间' },
    ],
    public: false,
    // Cases are read row by row under the case scope (an inspector sees their own, through /api/cases); the whole
    // layer — collection, tiles and their live room — is for the roles that see every case and for planners.
    policyLayer: 'case_statistics',
    tiles: {
      title: '城市管理案件',
      geometryKind: 'point',
      properties: ['id', 'code', 'state', 'kind', 'category_code', 'major_code', 'district_code', 'urgent', 'supervision'],
      featureId: 'id',
      orderBy: 'id',
      orderDescending: true,
      minzoom: 8,
      maxzoom: 16,
      maxFeatures: 3000,
      simplifyUnits: 0,
      buffer: 64,
      maxAgeSeconds: 0,
      live: true,
    },
  },
  {
    id: 'units',
    title: '处置力量',
    description: '公安、消防、急救、交警与救援车辆及人员的最新位置与状态（GPS/北斗定位实时更新）。',
    source: '各部门车载与单兵定位终端（经 MQTT 接入）',
    license: '内部业务数据，仅限授权角色使用',
    crs: [CRS84, EPSG4326],
    table: 'unit',
    idColumn: 'id',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'Point',
    temporalColumn: 'position_at',
    properties: [
      { name: 'id', column: 'id', type: 'string', title: '编号' },
      { name: 'callsign', column: 'callsign', type: 'string', title: '呼号' },
      { name: 'type', column: 'type', type: 'string', title: '类型' },
      { name: 'agency', column: 'agency', type: 'string', title: '所属部门' },
      { name: 'status', column: 'status', type: 'string', title: '状态' },
      { name: 'incident_id', column: 'incident_id', type: 'integer', title: '处置警情' },
      { name: 'position_at', column: 'position_at', type: 'timestamp', title: '定位时间' },
      { name: 'stale_at', column: 'stale_at', type: 'timestamp', title: '定位过期时间' },
    ],
    public: false,
    policyLayer: 'units',
    tiles: {
      title: '处置力量',
      geometryKind: 'point',
      properties: ['id', 'callsign', 'type', 'agency', 'status', 'incident_id'],
      orderBy: 'id',
      minzoom: 8,
      maxzoom: 16,
      maxFeatures: 2000,
      simplifyUnits: 0,
      buffer: 64,
      maxAgeSeconds: 0,
      live: true,
    },
  },
  {
    id: 'population',
    title: '人口网格',
    description:
      '每个万米单元网格的夜间（常住）与日间人口：由建筑轮廓、层数与用地估算并按区县人口普查数校准，或以导入的官方数据替换（口径见 geo/population/README.md）。',
    source: '平台估算（© OpenStreetMap contributors 建筑与用地；哈尔滨市第六次全国人口普查公报）或导入的官方人口数据',
    license: '平台估算数据，仅限授权角色使用',
    crs: [CRS84, EPSG4326],
    table: 'grid_population_cell',
    idColumn: 'code',
    idType: 'string',
    geometryColumn: 'geom',
    geometryType: 'Polygon',
    properties: [
      { name: 'code', column: 'code', type: 'string', title: '网格编码' },
      { name: 'street_code', column: 'street_code', type: 'string', title: '街道代码' },
      { name: 'district_adcode', column: 'district_adcode', type: 'string', title: '区县代码' },
      { name: 'night', column: 'night', type: 'integer', title: '夜间人口' },
      { name: 'day', column: 'day', type: 'integer', title: '日间人口' },
      { name: 'source', column: 'source', type: 'string', title: '来源（estimate 估算 / official 官方）' },
    ],
    public: false,
    policyLayer: 'population',
    tiles: {
      title: '人口网格',
      geometryKind: 'polygon',
      properties: ['code', 'night', 'day', 'source'],
      featureId: 'code',
      orderBy: 'code',
      minzoom: 11,
      maxzoom: 16,
      maxFeatures: 8000,
      simplifyUnits: 0,
      buffer: 16,
      maxAgeSeconds: 300,
    },
  },
] as const satisfies readonly CatalogLayer[];

/** Every collection, in the order the catalogue lists them. */
export const CATALOG: readonly CatalogLayer[] = layers;

export const CATALOG_BY_ID: ReadonlyMap<string, CatalogLayer> = new Map(CATALOG.map((l) => [l.id, l]));

/** What CQL2 filters may use on a layer: its allow-listed properties and its geometry under the name `geometry`. */
export function filterSchemaOf(layer: CatalogLayer): FilterSchema {
  return { properties: layer.properties, geometry: { name: 'geometry', column: layer.geometryColumn } };
}
