import type { Db, SqlParam } from '../../geo/db/types';
import {
  assertGeometriesValid,
  checkCql2,
  compileCql2,
  Cql2Error,
  geometryValidityQuery,
  parseCql2,
  type FilterSchema,
} from '../../geo/ogc/cql2';
import { openTestDb } from '../support/db';

/** The poi layer as OGC API Features would offer it: plain columns plus longitude/latitude computed from geom. */
const poi: FilterSchema = {
  properties: [
    { name: 'id', column: 'id', type: 'string' },
    { name: 'name', column: 'name', type: 'string' },
    { name: 'category', column: 'category', type: 'string' },
    { name: 'hotline', column: 'hotline', type: 'string' },
    { name: 'lon', expression: 'ST_X(p.geom)', type: 'number' },
    { name: 'lat', expression: 'ST_Y(p.geom)', type: 'number' },
  ],
  geometry: { name: 'geom', column: 'geom' },
};

/** A pentagon around 中央大街 (Central Street, 道里区) and the point of its metro station. */
const CENTRAL_STREET_WKT =
  'POLYGON((126.604 45.758, 126.618 45.758, 126.620 45.770, 126.612 45.779, 126.603 45.772, 126.604 45.758))';
const CENTRAL_STATION = { lon: 126.610683, lat: 45.766945 };

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

/** Ids of the poi rows the CQL2 filter selects, run the way the items endpoint will run it. */
async function select(filter: string, schema: FilterSchema = poi, extra: { where: string; params: SqlParam[] } | null = null) {
  const node = checkCql2(parseCql2(filter), schema);
  await assertGeometriesValid(db, node);
  const first = (extra?.params.length ?? 0) + 1;
  const { sql, params } = compileCql2(node, schema, first, 'p');
  const where = extra ? `${extra.where} AND ${sql}` : sql;
  const rows = await db.query<{ id: string }>(`SELECT p.id FROM poi p WHERE ${where} ORDER BY p.id`, [
    ...(extra?.params ?? []),
    ...(params as SqlParam[]),
  ]);
  return rows.map((r) => r.id);
}

/** Ids of the poi rows a hand-written condition selects. */
async function expected(where: string, params: SqlParam[] = []) {
  const rows = await db.query<{ id: string }>(`SELECT id FROM poi WHERE ${where} ORDER BY id`, params);
  return rows.map((r) => r.id);
}

describe('CQL2 filters compiled to PostGIS give the same rows as hand-written SQL over poi', () => {
  it('S_INTERSECTS with a polygon around 中央大街', async () => {
    const got = await select(`S_INTERSECTS(geom, ${CENTRAL_STREET_WKT})`);
    const want = await expected('ST_Intersects(geom, ST_GeomFromText($1, 4326))', [CENTRAL_STREET_WKT]);
    expect(got).toEqual(want);
    expect(got.length).toBeGreaterThan(10);
    const [station] = await db.query<{ id: string }>(
      `SELECT id FROM poi WHERE name = '中央大街' AND category = 'transport_rail_station'`,
    );
    expect(got).toContain(station!.id);
  });

  it('S_WITHIN the same polygon, and NOT of it', async () => {
    const within = await select(`S_WITHIN(geom, ${CENTRAL_STREET_WKT})`);
    expect(within).toEqual(await expected('ST_Within(geom, ST_GeomFromText($1, 4326))', [CENTRAL_STREET_WKT]));
    const outside = await select(`NOT S_WITHIN(geom, ${CENTRAL_STREET_WKT})`);
    expect(outside).toEqual(await expected('NOT ST_Within(geom, ST_GeomFromText($1, 4326))', [CENTRAL_STREET_WKT]));
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM poi')) as [{ n: number }];
    expect(within.length + outside.length).toBe(n);
  });

  it.each([500, 2000])('S_DWITHIN %d m of the 中央大街 station (with and without the meters unit)', async (metres) => {
    const point = `POINT(${CENTRAL_STATION.lon} ${CENTRAL_STATION.lat})`;
    const want = await expected('ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)', [
      CENTRAL_STATION.lon,
      CENTRAL_STATION.lat,
      metres,
    ]);
    expect(await select(`S_DWITHIN(geom, ${point}, ${metres}, meters)`)).toEqual(want);
    expect(await select(`S_DWITHIN(${point}, geom, ${metres})`)).toEqual(want);
    expect(want.length).toBeGreaterThan(metres === 500 ? 1 : 20);
  });

  it("LIKE '%医院%' and NOT LIKE", async () => {
    const hospitals = await select("name LIKE '%医院%'");
    expect(hospitals).toEqual(await expected("name LIKE '%医院%'"));
    expect(hospitals.length).toBeGreaterThan(20);
    expect(await select("name NOT LIKE '%医院%'")).toEqual(await expected("name NOT LIKE '%医院%'"));
  });

  it('LIKE wildcards and the backslash escape mean what CQL2 says', async () => {
    // _ is one character: names of exactly four characters ending in 医院.
    expect(await select("name LIKE '__医院'")).toEqual(await expected("char_length(name) = 4 AND right(name, 2) = '医院'"));
    // \% and \_ are a literal percent sign and underscore, not wildcards.
    expect(await select("name LIKE '%\\%%'")).toEqual(await expected("strpos(name, '%') > 0"));
    expect(await select("name LIKE '%\\_%'")).toEqual(await expected("strpos(name, '_') > 0"));
    expect(await select("name LIKE '%(%'")).toEqual(await expected("strpos(name, '(') > 0"));
    expect((await select("name LIKE '%(%'")).length).toBeGreaterThan(0);
  });

  it('IN and NOT IN', async () => {
    const got = await select("category IN ('police', 'fire_station', 'no_such_category')");
    expect(got).toEqual(await expected("category IN ('police', 'fire_station')"));
    expect(got.length).toBeGreaterThan(10);
    expect(await select("category NOT IN ('police', 'fire_station')")).toEqual(
      await expected("category NOT IN ('police', 'fire_station')"),
    );
  });

  it('an IN list of 1,000 items', async () => {
    const ids = (await expected("category = 'police'")).slice(0, 5);
    const list = [...ids, ...Array.from({ length: 995 }, (_, i) => `missing-${i}`)];
    const filter = `id IN (${list.map((s) => `'${s}'`).join(', ')})`;
    expect(await select(filter)).toEqual([...ids].sort());
  });

  it('BETWEEN on a number (the computed longitude), and NOT BETWEEN', async () => {
    const got = await select('lon BETWEEN 126.6 AND 126.65');
    expect(got).toEqual(await expected('ST_X(geom) BETWEEN 126.6 AND 126.65'));
    expect(got.length).toBeGreaterThan(50);
    expect(await select('lon NOT BETWEEN 126.6 AND 126.65 AND lat >= 45.75')).toEqual(
      await expected('ST_X(geom) NOT BETWEEN 126.6 AND 126.65 AND ST_Y(geom) >= 45.75'),
    );
  });

  it('comparisons and precedence: NOT > AND > OR', async () => {
    const filter = "category = 'police' OR category = 'fire_station' AND NOT name LIKE '%消防%' OR lat > 45.8";
    const got = await select(filter);
    expect(got).toEqual(
      await expected("category = 'police' OR (category = 'fire_station' AND NOT (name LIKE '%消防%')) OR ST_Y(geom) > 45.8"),
    );
    const grouped = "(category = 'police' OR category = 'fire_station' AND NOT name LIKE '%消防%') AND (lat > 45.8)";
    expect(await select(grouped)).toEqual(
      await expected("(category = 'police' OR (category = 'fire_station' AND NOT (name LIKE '%消防%'))) AND (ST_Y(geom) > 45.8)"),
    );
    expect(await select("name <> '' AND hotline >= '1'")).toEqual(await expected("name <> '' AND hotline >= '1'"));
  });

  it('IS NULL, IS NOT NULL and a bare TRUE', async () => {
    expect(await select('name IS NULL')).toEqual([]);
    expect(await select('geom IS NOT NULL AND TRUE')).toEqual(await expected('TRUE'));
  });

  it('numbers placeholders after the caller’s own parameters', async () => {
    const extra = { where: 'p.category = $1', params: ['medical_hospital'] as SqlParam[] };
    expect(await select("name LIKE '%医院%'", poi, extra)).toEqual(
      await expected("category = 'medical_hospital' AND name LIKE '%医院%'"),
    );
  });

  it('binds DATE and TIMESTAMP literals so PostgreSQL compares them as dates and instants', async () => {
    const timed: FilterSchema = {
      ...poi,
      properties: [
        ...poi.properties,
        { name: 'stamp', expression: "TIMESTAMPTZ '2026-11-22 10:00:00+00'", type: 'timestamp' },
        { name: 'day', expression: "DATE '2026-11-22'", type: 'date' },
      ],
    };
    const all = await expected('TRUE');
    expect(
      await select(
        "stamp > TIMESTAMP('2026-11-22T09:59:59Z') AND stamp = '2026-11-22T18:00:00+08:00' AND day = DATE('2026-11-22') " +
          "AND day BETWEEN '2026-11-01' AND '2026-11-30' AND stamp < '2026-11-23'",
        timed,
      ),
    ).toEqual(all);
    expect(await select("stamp < TIMESTAMP('2026-11-22T10:00:00Z') OR day <> DATE('2026-11-22')", timed)).toEqual([]);
  });

  it('keeps quotes, semicolons and comments in literals as data', async () => {
    const before = await expected('TRUE');
    const hostile = ["x'; DROP TABLE poi; --", "'' OR 1=1 --", '*/ OR TRUE /*', "\\'; SELECT pg_sleep(5); --"];
    for (const s of hostile) {
      const literal = `'${s.replace(/'/g, "''")}'`;
      expect(await select(`name = ${literal} OR name LIKE ${literal} OR category IN (${literal}, 'x')`)).toEqual([]);
    }
    expect(await expected('TRUE')).toEqual(before);
  });
});

describe('geometry literals PostGIS finds invalid are refused before the query runs', () => {
  const bowTie = 'POLYGON((126.60 45.76, 126.62 45.78, 126.62 45.76, 126.60 45.78, 126.60 45.76))';

  it('reports a self-intersecting polygon with its place and PostGIS’s reason', async () => {
    const filter = `name LIKE '%医院%' AND S_INTERSECTS(geom, ${bowTie})`;
    const node = checkCql2(parseCql2(filter), poi);
    const err = await assertGeometriesValid(db, node).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Cql2Error);
    expect((err as Cql2Error).message).toBe('第 41 个字符处的 POLYGON 不是有效几何：自相交 [126.61 45.77]');
    expect((err as Cql2Error).offset).toBe(40);
  });

  it('lets valid literals through, and the query lists only the invalid ones', async () => {
    const node = parseCql2(
      `S_INTERSECTS(geom, ${CENTRAL_STREET_WKT}) OR S_INTERSECTS(geom, ${bowTie}) OR S_DWITHIN(geom, POINT(126.6 45.7), 10)`,
    );
    const q = geometryValidityQuery(node)!;
    const rows = await db.query<{ n: number; reason: string }>(q.sql, q.params);
    expect(rows).toEqual([{ n: 2, reason: 'Self-intersection[126.61 45.77]' }]);
    await expect(assertGeometriesValid(db, parseCql2(`S_INTERSECTS(geom, ${CENTRAL_STREET_WKT})`))).resolves.toBeUndefined();
  });
});
