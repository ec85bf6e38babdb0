import { CATALOG_BY_ID } from '../../geo/catalog/layers';
import { loadCatalogue, SHARING_FILE } from '../../gateway/sharing/catalogue';
import { areaWithin, ogcScopeProblem, tileBounds, tileScopeProblem, type SharingGrant } from '../../gateway/sharing/rules';

/** The scope rules of a 条件共享 grant, and the catalogue file every layer is classed in. */
const grant: SharingGrant = {
  requestId: 'r1',
  fields: ['id', 'category', 'status'],
  area: [126.6, 45.7, 126.7, 45.8],
  validFrom: new Date(0),
  validUntil: new Date(8.64e15),
  conditions: null,
};
const incidents = CATALOG_BY_ID.get('incidents')!;
const items = '/ogc/collections/incidents/items';
const ok = { properties: 'id,status', bbox: '126.61,45.71,126.69,45.79' };

test('every catalogue layer has a sharing class, and the file names no other layer', () => {
  const catalogue = loadCatalogue(SHARING_FILE);
  expect([...catalogue.keys()].sort()).toEqual([...CATALOG_BY_ID.keys()].sort());
  expect(catalogue.get('units')!.sharingClass).toBe('none');
});

test('tile bounds: z0 is the whole web-mercator world, and a tile lies within its parent', () => {
  const [w, s, e, n] = tileBounds(0, 0, 0);
  expect([w, e]).toEqual([-180, 180]);
  expect(n).toBeCloseTo(85.0511, 3);
  expect(s).toBeCloseTo(-85.0511, 3);
  expect(areaWithin(tileBounds(16, 56000, 23000), tileBounds(15, 28000, 11500))).toBe(true);
  expect(areaWithin(tileBounds(15, 28000, 11500), tileBounds(16, 56000, 23000))).toBe(false);
});

test('items inside the grant pass; descriptions and queryables are open', () => {
  expect(ogcScopeProblem(grant, incidents, items, ok)).toBeNull();
  expect(ogcScopeProblem(grant, incidents, items, { ...ok, filter: "category = 'fire'", sortby: '-status' })).toBeNull();
  expect(ogcScopeProblem(grant, incidents, '/ogc/collections/incidents', {})).toBeNull();
  expect(ogcScopeProblem(grant, incidents, '/ogc/collections/incidents/queryables', {})).toBeNull();
});

test.each([
  ['no properties', { bbox: ok.bbox }, /properties/],
  ['a field not granted', { ...ok, properties: 'id,title' }, /title/],
  ['no bbox', { properties: 'id' }, /bbox/],
  ['a bbox beyond the area', { ...ok, bbox: '126.5,45.71,126.69,45.79' }, /范围/],
  ['a bbox that is not numbers', { ...ok, bbox: 'a,b,c,d' }, /范围/],
  ['another bbox CRS', { ...ok, 'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' }, /CRS84/],
  ['a filter on a hidden field', { ...ok, filter: "title LIKE '%x%'" }, /title/],
  ['a filter that does not parse', { ...ok, filter: 'title ==' }, /CQL2/],
  ['sorting on a hidden field', { ...ok, sortby: '+priority' }, /priority/],
  ['a queryable parameter on a hidden field', { ...ok, priority: '1' }, /priority/],
  ['datetime on a hidden time field', { ...ok, datetime: '2026-01-01T00:00:00Z' }, /first_reported_at/],
  ['a repeated parameter', { ...ok, limit: ['1', '2'] }, /一次/],
])('items with %s are refused', (_label, query, message) => {
  expect(ogcScopeProblem(grant, incidents, items, query)).toMatch(message);
});

test('a single feature and unknown paths are refused', () => {
  expect(ogcScopeProblem(grant, incidents, `${items}/12`, {})).toMatch(/只开放要素查询/);
  expect(ogcScopeProblem(grant, incidents, '/ogc/collections/incidents/tiles/WebMercatorQuad', {})).toMatch(/只开放/);
});

test('tiles: only inside the area and only when every field the tile carries was granted', () => {
  const all = { ...grant, fields: ['id', 'status', 'category', 'priority'] };
  const tileFields = ['id', 'status', 'category', 'priority'];
  expect(tileScopeProblem(all, tileFields, '/tiles/incidents.json')).toBeNull();
  expect(tileScopeProblem(grant, tileFields, '/ogc/collections/incidents/tiles')).toBeNull();
  expect(tileScopeProblem(grant, tileFields, '/ogc/collections/incidents/tiles/WebMercatorQuad')).toBeNull();
  expect(tileScopeProblem(all, tileFields, '/ogc/collections/incidents/tiles/WebMercatorQuad/14/5000/13000')).toMatch(/只开放/);
  // The z14 tile holding a point in the middle of the area.
  const z = 14;
  const x = Math.floor(((126.65 + 180) / 360) * 2 ** z);
  const lat = (45.75 * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * 2 ** z);
  expect(tileScopeProblem(all, tileFields, `/tiles/incidents/${z}/${x}/${y}.mvt`)).toBeNull();
  expect(tileScopeProblem(all, tileFields, `/tiles/incidents/8/${x >> 6}/${y >> 6}.mvt`)).toMatch(/超出/);
  expect(tileScopeProblem(grant, tileFields, `/tiles/incidents/${z}/${x}/${y}.mvt`)).toMatch(/priority/);
  expect(tileScopeProblem(all, tileFields, '/tiles/incidents/14/x/y.mvt')).toMatch(/只开放/);
});
