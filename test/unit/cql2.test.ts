import fc from 'fast-check';
import {
  assertGeometriesValid,
  checkCql2,
  compileCql2,
  Cql2Error,
  CQL2_LIMITS,
  geometryLiterals,
  geometryValidityQuery,
  parseCql2,
  sourceOffset,
  type CompareOp,
  type Cql2Node,
  type FilterSchema,
  type Geometry,
  type Position,
  type PropertyRef,
  type ScalarOperand,
  type SpatialOperand,
} from '../../geo/ogc/cql2';

// ---------------------------------------------------------------------------------------------------------------
// Builders for expected trees

const P = (name: string): PropertyRef => ({ kind: 'property', name });
const S = (value: string): ScalarOperand => ({ kind: 'string', value });
const N = (value: number): ScalarOperand => ({ kind: 'number', value });
const B = (value: boolean): ScalarOperand => ({ kind: 'boolean', value });
const D = (value: string): ScalarOperand => ({ kind: 'date', value });
const T = (value: string): ScalarOperand => ({ kind: 'timestamp', value });
const G = (value: Geometry): SpatialOperand => ({ kind: 'geometry', value });
const cmp = (left: ScalarOperand, op: CompareOp, right: ScalarOperand): Cql2Node => ({ kind: 'compare', op, left, right });
const eq = (name: string, value: ScalarOperand): Cql2Node => cmp(P(name), '=', value);
const and = (...args: Cql2Node[]): Cql2Node => ({ kind: 'and', args });
const or = (...args: Cql2Node[]): Cql2Node => ({ kind: 'or', args });
const not = (arg: Cql2Node): Cql2Node => ({ kind: 'not', arg });

const a1 = eq('a', N(1));
const b2 = eq('b', N(2));
const c3 = eq('c', N(3));
const d4 = eq('d', N(4));

/** A layer schema with every property type, a computed property and a renamed column. */
const schema: FilterSchema = {
  properties: [
    { name: 'id', column: 'id', type: 'string' },
    { name: 'name', column: 'name', type: 'string' },
    { name: 'category', column: 'category', type: 'string' },
    { name: 'floors', column: 'floors', type: 'integer' },
    { name: 'area', column: 'area_m2', type: 'number' },
    { name: 'open', column: 'is_open', type: 'boolean' },
    { name: 'updated', column: 'updated_at', type: 'timestamp' },
    { name: 'opened', column: 'opened_on', type: 'date' },
    { name: 'lon', expression: 'ST_X(geom)', type: 'number' },
  ],
  geometry: { name: 'geom', column: 'geom' },
};

/** The Cql2Error `fn` throws; fails the test when it throws something else or nothing. */
function errorOf(fn: () => unknown): Cql2Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Cql2Error) return err;
    throw err;
  }
  throw new Error('expected a Cql2Error, but nothing was thrown');
}
const parseError = (text: string) => errorOf(() => parseCql2(text));
const checkError = (text: string) => errorOf(() => checkCql2(parseCql2(text), schema));
const compile = (text: string, first = 1, alias?: string) => compileCql2(parseCql2(text), schema, first, alias);

const ring = (minx: number, miny: number, maxx: number, maxy: number): Position[] => [
  [minx, miny],
  [maxx, miny],
  [maxx, maxy],
  [minx, maxy],
  [minx, miny],
];

// ---------------------------------------------------------------------------------------------------------------

describe('parseCql2: operators and precedence', () => {
  it.each<[string, CompareOp]>([
    ['a = 1', '='],
    ['a <> 1', '<>'],
    ['a < 1', '<'],
    ['a <= 1', '<='],
    ['a > 1', '>'],
    ['a >= 1', '>='],
  ])('%s', (text, op) => {
    expect(parseCql2(text)).toEqual(cmp(P('a'), op, N(1)));
  });

  it('reads operators without surrounding spaces', () => {
    expect(parseCql2('a<=1')).toEqual(cmp(P('a'), '<=', N(1)));
    expect(parseCql2("name<>'x'")).toEqual(cmp(P('name'), '<>', S('x')));
    expect(parseCql2('1>=a')).toEqual(cmp(N(1), '>=', P('a')));
  });

  it('binds AND tighter than OR', () => {
    expect(parseCql2('a = 1 OR b = 2 AND c = 3')).toEqual(or(a1, and(b2, c3)));
    expect(parseCql2('a = 1 AND b = 2 OR c = 3')).toEqual(or(and(a1, b2), c3));
    expect(parseCql2('a = 1 AND b = 2 OR c = 3 AND d = 4')).toEqual(or(and(a1, b2), and(c3, d4)));
  });

  it('binds NOT tighter than AND', () => {
    expect(parseCql2('NOT a = 1 AND b = 2')).toEqual(and(not(a1), b2));
    expect(parseCql2('NOT a = 1 OR NOT b = 2 AND c = 3')).toEqual(or(not(a1), and(not(b2), c3)));
    expect(parseCql2('NOT NOT a = 1')).toEqual(not(not(a1)));
  });

  it('lets parentheses override precedence, keeping each group as its own node', () => {
    expect(parseCql2('(a = 1 OR b = 2) AND c = 3')).toEqual(and(or(a1, b2), c3));
    expect(parseCql2('NOT (a = 1 AND b = 2)')).toEqual(not(and(a1, b2)));
    expect(parseCql2('(a = 1 AND b = 2) AND c = 3')).toEqual(and(and(a1, b2), c3));
    expect(parseCql2('((a = 1))')).toEqual(a1);
  });

  it('keeps a chain of one operator flat', () => {
    expect(parseCql2('a = 1 AND b = 2 AND c = 3 AND d = 4')).toEqual(and(a1, b2, c3, d4));
    expect(parseCql2('a = 1 OR b = 2 OR c = 3')).toEqual(or(a1, b2, c3));
  });

  it('reads keywords in any case and any whitespace, ideographic space included', () => {
    const expected = or(not(a1), and(b2, c3));
    expect(parseCql2('not a = 1 or b = 2 and c = 3')).toEqual(expected);
    expect(parseCql2('Not\ta=1\n\tOr  b=2\r\nAnD c=3')).toEqual(expected);
    expect(parseCql2('\u3000NOT\u3000a = 1\u3000OR b = 2 AND c = 3\u3000')).toEqual(expected);
  });

  it('LIKE and NOT LIKE keep the pattern exactly as written', () => {
    expect(parseCql2("name LIKE '%医院%'")).toEqual({ kind: 'like', value: P('name'), pattern: '%医院%' });
    expect(parseCql2("name not like 'a\\_b%'")).toEqual(not({ kind: 'like', value: P('name'), pattern: 'a\\_b%' }));
  });

  it('BETWEEN and NOT BETWEEN take their own AND', () => {
    const between: Cql2Node = { kind: 'between', value: P('floors'), low: N(1), high: N(5) };
    expect(parseCql2('floors BETWEEN 1 AND 5')).toEqual(between);
    expect(parseCql2('floors NOT BETWEEN 1 AND 5')).toEqual(not(between));
    expect(parseCql2('floors BETWEEN 1 AND 5 AND a = 1')).toEqual(and(between, a1));
    expect(parseCql2('a = 1 OR floors between 1 and 5 and b = 2')).toEqual(or(a1, and(between, b2)));
  });

  it('IN and NOT IN', () => {
    const list: Cql2Node = { kind: 'in', value: P('category'), list: [S('police'), S('fire_station')] };
    expect(parseCql2("category IN ('police', 'fire_station')")).toEqual(list);
    expect(parseCql2("category NOT IN ('police','fire_station')")).toEqual(not(list));
    expect(parseCql2('floors IN (3)')).toEqual({ kind: 'in', value: P('floors'), list: [N(3)] });
  });

  it('IS NULL and IS NOT NULL', () => {
    expect(parseCql2('name IS NULL')).toEqual({ kind: 'isNull', value: P('name') });
    expect(parseCql2('name is not null')).toEqual(not({ kind: 'isNull', value: P('name') }));
  });

  it('a bare TRUE or FALSE is a predicate; as an operand it is a boolean', () => {
    expect(parseCql2('TRUE')).toEqual({ kind: 'const', value: true });
    expect(parseCql2('false OR a = 1')).toEqual(or({ kind: 'const', value: false }, a1));
    expect(parseCql2('open = TRUE')).toEqual(eq('open', B(true)));
    expect(parseCql2('FALSE <> open')).toEqual(cmp(B(false), '<>', P('open')));
  });
});

describe('parseCql2: literals and names', () => {
  it('reads character strings with doubled quotes, empty, Chinese and backslashes verbatim', () => {
    expect(parseCql2("name = 'it''s'")).toEqual(eq('name', S("it's")));
    expect(parseCql2("name = ''")).toEqual(eq('name', S('')));
    expect(parseCql2("name = ''''")).toEqual(eq('name', S("'")));
    expect(parseCql2("name = '中央大街'")).toEqual(eq('name', S('中央大街')));
    expect(parseCql2("name = 'a\\b'")).toEqual(eq('name', S('a\\b')));
    expect(parseCql2("name = 'AND OR ( )'")).toEqual(eq('name', S('AND OR ( )')));
  });

  it.each([
    ['42', 42],
    ['0', 0],
    ['-7', -7],
    ['+7', 7],
    ['3.25', 3.25],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1.5E-3', 0.0015],
    ['-2.5e+2', -250],
  ])('reads the number %s', (text, value) => {
    expect(parseCql2(`area = ${text}`)).toEqual(eq('area', N(value)));
  });

  it('reads DATE and TIMESTAMP literals', () => {
    expect(parseCql2("opened = DATE('2026-11-22')")).toEqual(eq('opened', D('2026-11-22')));
    expect(parseCql2("updated > timestamp('2026-11-22T10:00:00Z')")).toEqual(cmp(P('updated'), '>', T('2026-11-22T10:00:00Z')));
    expect(parseCql2("updated < TIMESTAMP('2026-11-22T10:00:00.125+08:00')")).toEqual(
      cmp(P('updated'), '<', T('2026-11-22T10:00:00.125+08:00')),
    );
    expect(parseCql2("opened = DATE('2024-02-29')")).toEqual(eq('opened', D('2024-02-29')));
  });

  it('reads bare, double-quoted, keyword-like and Chinese property names', () => {
    expect(parseCql2('floor_2 = 1')).toEqual(eq('floor_2', N(1)));
    expect(parseCql2('"name" = 1')).toEqual(eq('name', N(1)));
    expect(parseCql2('"and" = 1')).toEqual(eq('and', N(1)));
    expect(parseCql2('"two words" = 1')).toEqual(eq('two words', N(1)));
    expect(parseCql2('名称 = 1')).toEqual(eq('名称', N(1)));
    // Function names are only functions when followed by "(".
    expect(parseCql2('date = 1 AND point = 2')).toEqual(and(eq('date', N(1)), eq('point', N(2))));
  });

  it('records where each node and operand began', () => {
    const node = parseCql2("a = 1 AND (name LIKE 'x%' OR NOT b = 2)");
    expect(sourceOffset(node)).toBe(0);
    if (node.kind !== 'and') throw new Error('expected and');
    const [first, second] = node.args;
    expect(sourceOffset(first!)).toBe(0);
    expect(sourceOffset(second!)).toBe(11);
    if (second!.kind !== 'or') throw new Error('expected or');
    expect(sourceOffset(second!.args[1]!)).toBe(29);
    if (first!.kind !== 'compare') throw new Error('expected compare');
    expect(sourceOffset(first!.right)).toBe(4);
  });
});

describe('parseCql2: spatial functions and WKT', () => {
  const within = (value: Geometry): Cql2Node => ({ kind: 'spatial', op: 'intersects', left: P('geom'), right: G(value) });

  it.each<[string, Geometry]>([
    ['POINT(126.61 45.77)', { type: 'Point', coordinates: [126.61, 45.77] }],
    [
      'LINESTRING(126.6 45.7, 126.7 45.8, 126.8 45.7)',
      {
        type: 'LineString',
        coordinates: [
          [126.6, 45.7],
          [126.7, 45.8],
          [126.8, 45.7],
        ],
      },
    ],
    [
      'POLYGON((126.6 45.7, 126.7 45.7, 126.7 45.8, 126.6 45.8, 126.6 45.7))',
      { type: 'Polygon', coordinates: [ring(126.6, 45.7, 126.7, 45.8)] },
    ],
    [
      'polygon ((126.6 45.7,126.7 45.7,126.7 45.8,126.6 45.8,126.6 45.7),(126.62 45.72,126.68 45.72,126.68 45.78,126.62 45.78,126.62 45.72))',
      { type: 'Polygon', coordinates: [ring(126.6, 45.7, 126.7, 45.8), ring(126.62, 45.72, 126.68, 45.78)] },
    ],
    [
      'MULTIPOINT((126.6 45.7), (126.7 45.8))',
      {
        type: 'MultiPoint',
        coordinates: [
          [126.6, 45.7],
          [126.7, 45.8],
        ],
      },
    ],
    [
      'MULTIPOINT(126.6 45.7, 126.7 45.8)',
      {
        type: 'MultiPoint',
        coordinates: [
          [126.6, 45.7],
          [126.7, 45.8],
        ],
      },
    ],
    [
      'MULTILINESTRING((126.6 45.7, 126.7 45.8), (126.5 45.6, 126.55 45.65))',
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [126.6, 45.7],
            [126.7, 45.8],
          ],
          [
            [126.5, 45.6],
            [126.55, 45.65],
          ],
        ],
      },
    ],
    [
      'MULTIPOLYGON(((126.6 45.7, 126.7 45.7, 126.7 45.8, 126.6 45.8, 126.6 45.7)), ((127 46, 127.1 46, 127.1 46.1, 127 46.1, 127 46)))',
      { type: 'MultiPolygon', coordinates: [[ring(126.6, 45.7, 126.7, 45.8)], [ring(127, 46, 127.1, 46.1)]] },
    ],
    [
      'GEOMETRYCOLLECTION(POINT(126.6 45.7), LINESTRING(126.6 45.7, 126.7 45.8))',
      {
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [126.6, 45.7] },
          {
            type: 'LineString',
            coordinates: [
              [126.6, 45.7],
              [126.7, 45.8],
            ],
          },
        ],
      },
    ],
    ['BBOX(126.6, 45.7, 126.7, 45.8)', { type: 'Polygon', coordinates: [ring(126.6, 45.7, 126.7, 45.8)] }],
    ['ENVELOPE(126.6, 45.7, 126.7, 45.8)', { type: 'Polygon', coordinates: [ring(126.6, 45.7, 126.7, 45.8)] }],
  ])('S_INTERSECTS(geom, %s)', (wkt, geometry) => {
    expect(parseCql2(`S_INTERSECTS(geom, ${wkt})`)).toEqual(within(geometry));
  });

  it('reads S_WITHIN in either argument order and with a quoted geometry property', () => {
    const pt: Geometry = { type: 'Point', coordinates: [126.6, 45.7] };
    expect(parseCql2('s_within(geom, BBOX(126.5, 45.6, 126.7, 45.8))')).toEqual({
      kind: 'spatial',
      op: 'within',
      left: P('geom'),
      right: G({ type: 'Polygon', coordinates: [ring(126.5, 45.6, 126.7, 45.8)] }),
    });
    expect(parseCql2('S_WITHIN(POINT(126.6 45.7), "geom")')).toEqual({
      kind: 'spatial',
      op: 'within',
      left: G(pt),
      right: P('geom'),
    });
  });

  it('reads S_DWITHIN with and without the meters unit', () => {
    const expected: Cql2Node = {
      kind: 'spatial',
      op: 'dwithin',
      left: P('geom'),
      right: G({ type: 'Point', coordinates: [126.610683, 45.766945] }),
      distance: 500,
    };
    expect(parseCql2('S_DWITHIN(geom, POINT(126.610683 45.766945), 500, meters)')).toEqual(expected);
    expect(parseCql2('S_DWITHIN(geom, POINT(126.610683 45.766945), 500)')).toEqual(expected);
    expect(parseCql2('s_dwithin( geom ,POINT ( 126.610683   45.766945 ) ,5e2 , METERS )')).toEqual(expected);
  });

  it('combines spatial functions with the other predicates', () => {
    expect(parseCql2("NOT S_INTERSECTS(geom, POINT(126.6 45.7)) AND name = 'x'")).toEqual(
      and(
        not({ kind: 'spatial', op: 'intersects', left: P('geom'), right: G({ type: 'Point', coordinates: [126.6, 45.7] }) }),
        eq('name', S('x')),
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parseCql2: errors say what and where', () => {
  it.each([
    ['name = AND x', 'unexpected "AND" at 7: expected a value', 7],
    ['name =', 'unexpected end of input at 6: expected a value', 6],
    ['', 'unexpected end of input at 0: expected a predicate', 0],
    ["name = 'a' AND", 'unexpected end of input at 14: expected a predicate', 14],
    ["name = 'a' 'b'", "unexpected 'b' at 11: expected AND, OR or end of input", 11],
    ["(name = 'a'", 'unexpected end of input at 11: expected ")"', 11],
    ["name = 'a')", 'unexpected ")" at 10: expected AND, OR or end of input', 10],
    ["name 'a'", `unexpected 'a' at 5: expected "=", "<>", "<", "<=", ">", ">=", LIKE, BETWEEN, IN or IS`, 5],
    ['name', 'unexpected end of input at 4: expected "=", "<>", "<", "<=", ">", ">=", LIKE, BETWEEN, IN or IS', 4],
    ["name NOT = 'a'", 'unexpected "=" at 9: expected LIKE, BETWEEN or IN after NOT', 9],
    ["name IS 'a'", "unexpected 'a' at 8: expected NULL or NOT NULL", 8],
    ['name IS NOT 1', 'unexpected "1" at 12: expected NULL', 12],
    ['name LIKE 5', 'unexpected "5" at 10: expected a quoted LIKE pattern', 10],
    ['name LIKE "pattern"', 'unexpected "pattern" at 10: expected a quoted LIKE pattern', 10],
    ['floors BETWEEN 1 OR 5', 'unexpected "OR" at 17: expected AND', 17],
    ['floors IN 1, 2', 'unexpected "1" at 10: expected "(" and a list of values', 10],
    ['floors IN (1 2)', 'unexpected "2" at 13: expected "," or ")"', 13],
    ['floors IN ()', 'unexpected ")" at 11: expected a value', 11],
    ['name = NULL', 'NULL at 7 can only be used in "IS NULL" or "IS NOT NULL"', 7],
    ["name = 'abc", "unterminated string at 7: 'abc", 7],
    ['"name = 1', 'unterminated quoted property name at 0: "name = 1', 0],
    ['"" = 1', 'empty quoted property name at 0', 0],
    ['name # 1', 'unexpected character "#" at 5', 5],
    ['name != 1', 'unexpected "!=" at 5: CQL2 writes "not equal" as <>', 5],
    ['a = - 1', 'unexpected character "-" at 4', 4],
    ['floors = 12abc', 'malformed number at 9: "12abc"', 9],
    ['floors = 1.2.3', 'malformed number at 9: "1.2.3"', 9],
    ['area = 1e999', 'number out of range at 7: "1e999"', 7],
    ["CASEI(name) = 'x'", 'CASEI at 0 is not supported (case- and accent-insensitive comparison is not offered)', 0],
    ["name LIKE CASEI('x')", 'CASEI at 10 is not supported (case- and accent-insensitive comparison is not offered)', 10],
    ['FOO(1) = 1', 'unknown function "FOO" at 0', 0],
    ['a = upper(1)', 'unknown function "upper" at 4', 4],
    [
      'S_CONTAINS(geom, POINT(126 45))',
      'S_CONTAINS at 0 is not supported (spatial function; supported are S_INTERSECTS, S_WITHIN and S_DWITHIN)',
      0,
    ],
    [
      "T_AFTER(updated, TIMESTAMP('2026-01-01T00:00:00Z'))",
      'T_AFTER at 0 is not supported (temporal function; compare dates and timestamps with =, <, >, BETWEEN)',
      0,
    ],
    ['A_CONTAINS(tags, 1)', 'A_CONTAINS at 0 is not supported (array function)', 0],
    ['geom = POINT(126 45)', 'geometry literal POINT at 7 can only be an argument of S_INTERSECTS, S_WITHIN or S_DWITHIN', 7],
    ['a = S_WITHIN(geom, geom)', 'S_WITHIN at 4 is a predicate, not a value', 4],
    ["opened = DATE('2026-02-30')", "invalid DATE at 14: '2026-02-30' is not a calendar date written YYYY-MM-DD", 14],
    ['opened = DATE(20260222)', `unexpected "20260222" at 14: expected a quoted date like '2026-11-22'`, 14],
    [
      "updated = TIMESTAMP('2026-11-22 10:00:00')",
      "invalid TIMESTAMP at 20: '2026-11-22 10:00:00' is not an RFC 3339 instant like '2026-11-22T10:00:00Z'",
      20,
    ],
    [
      "updated = TIMESTAMP('2026-11-22T24:00:00Z')",
      "invalid TIMESTAMP at 20: '2026-11-22T24:00:00Z' is not an RFC 3339 instant like '2026-11-22T10:00:00Z'",
      20,
    ],
  ])('%j → %s', (text, message, offset) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(text).toContain(err.excerpt!.replace(/^…|…$/g, ''));
  });

  it.each([
    ['S_INTERSECTS(geom, POINT Z(126 45 10))', 'only 2-D coordinates are supported: "POINT Z" at 19', 19],
    ['S_INTERSECTS(geom, POINT EMPTY)', 'empty geometries are not supported: "POINT EMPTY" at 19', 19],
    [
      'S_INTERSECTS(geom, POINT(126 45 10))',
      'only 2-D coordinates (longitude latitude) are supported; third coordinate at 32',
      32,
    ],
    ['S_INTERSECTS(geom, POINT(126))', 'unexpected ")" at 28: expected a latitude', 28],
    ['S_INTERSECTS(geom, LINESTRING(126 45))', 'a line string at 29 needs at least 2 positions, has 1', 29],
    ['S_INTERSECTS(geom, POLYGON((126 45, 127 45, 127 46)))', 'a polygon ring at 27 needs at least 4 positions, has 3', 27],
    [
      'S_INTERSECTS(geom, POLYGON((126 45, 127 45, 127 46, 126 46)))',
      'a polygon ring must end where it starts (closed ring); ring at 27',
      27,
    ],
    ['S_INTERSECTS(geom, POLYGON(126 45, 127 45))', 'unexpected "126" at 27: expected "("', 27],
    ['S_INTERSECTS(geom, BBOX(126.7, 45.6, 126.5, 45.8))', 'BBOX at 19 must have west < east and south < north', 19],
    [
      'S_INTERSECTS(geom, BBOX(126.5, 45.6, 0, 126.7, 45.8, 100))',
      'only 2-D BBOX (west, south, east, north) is supported; BBOX at 19 has 6 numbers',
      19,
    ],
    ['S_INTERSECTS(geom, BBOX(126.5, 45.6, 126.7))', 'BBOX at 19 needs 4 numbers (west, south, east, north), has 3', 19],
    [
      'S_INTERSECTS(geom, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(126 45))))',
      'a GEOMETRYCOLLECTION cannot contain another one (at 38)',
      38,
    ],
    ['S_INTERSECTS(geom, GEOMETRYCOLLECTION(BBOX(126, 45, 127, 46)))', 'unexpected "BBOX" at 38: expected a WKT geometry', 38],
    ['S_INTERSECTS(geom)', 'unexpected ")" at 17: expected ","', 17],
    ['S_INTERSECTS(geom, name = 1)', 'unexpected "=" at 24: expected ")"', 24],
    ['S_INTERSECTS(geom, POINT(126 45), 1)', 'S_INTERSECTS at 0 takes 2 arguments', 32],
    [
      "S_INTERSECTS(geom, 'POINT(126 45)')",
      `unexpected 'POINT(126 45)' at 19: expected a geometry property or a WKT geometry`,
      19,
    ],
    ['S_INTERSECTS(geom, DATE(1))', 'unexpected "DATE" at 19: expected a geometry property or a WKT geometry', 19],
    ['S_DWITHIN(geom, POINT(126 45))', 'unexpected ")" at 29: expected "," and a distance in meters', 29],
    ['S_DWITHIN(geom, POINT(126 45), meters)', 'unexpected "meters" at 31: expected a distance in meters', 31],
    ['S_DWITHIN(geom, POINT(126 45), -5, meters)', 'distance at 31 must not be negative', 31],
    [
      'S_DWITHIN(geom, POINT(126 45), 5, kilometers)',
      'unsupported distance unit "kilometers" at 34: only meters is supported',
      34,
    ],
    ["S_DWITHIN(geom, POINT(126 45), 5, 'meters')", "unexpected 'meters' at 34: expected the distance unit meters", 34],
  ])('%j → %s', (text, message, offset) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });

  it('gives an excerpt of the text around the problem', () => {
    const err = parseError("category = 'police' AND AND name = 'x'");
    expect(err.message).toBe('unexpected "AND" at 24: expected a predicate');
    expect(err.excerpt).toBe("…police' AND AND name = 'x'");
  });

  it('is an Error whose name says Cql2Error, with no stack frames in the message', () => {
    const err = parseError('a = ');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('Cql2Error');
    expect(err.message).not.toMatch(/\n|at .*\.ts/);
  });

  it('rejects non-string input', () => {
    expect(errorOf(() => parseCql2(42 as unknown as string)).message).toBe('filter must be a string');
  });
});

describe('limits', () => {
  const chain = (n: number, op = 'AND') => Array.from({ length: n }, (_, i) => `a = ${i}`).join(` ${op} `);

  it(`accepts ${CQL2_LIMITS.maxLength.toLocaleString('en')} characters and refuses one more`, () => {
    const fill = (n: number) => `name = '${'x'.repeat(n - 9)}'`;
    expect(fill(20_000)).toHaveLength(20_000);
    expect(() => parseCql2(fill(20_000))).not.toThrow();
    const err = parseError(fill(20_001));
    expect(err.message).toBe('filter is 20,001 characters long; at most 20,000 are allowed');
  });

  it('accepts 50 nested parentheses and refuses 51', () => {
    const nest = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    expect(parseCql2(nest(50))).toEqual(a1);
    const err = parseError(nest(51));
    expect(err.message).toBe('filter nested deeper than 50 levels at 50');
    expect(err.offset).toBe(50);
  });

  it('accepts 50 nested NOTs and refuses 51', () => {
    const nots = (n: number) => `${'NOT '.repeat(n)}a = 1`;
    expect(() => parseCql2(nots(50))).not.toThrow();
    expect(parseError(nots(51)).message).toBe('filter nested deeper than 50 levels at 200');
  });

  it('counts nested AND/OR nodes too, not just parentheses', () => {
    // Each level is "x OR y AND (…)": one parenthesis, two tree levels.
    let text = 'a = 1';
    for (let i = 0; i < 30; i++) text = `a = 1 OR b = 2 AND (${text})`;
    expect(parseError(text).message).toMatch(/^filter nested deeper than 50 levels at \d+$/);
    let ok = 'a = 1';
    for (let i = 0; i < 25; i++) ok = `a = 1 OR b = 2 AND (${ok})`;
    expect(() => parseCql2(ok)).not.toThrow();
  });

  it('never overflows the stack on deep input', () => {
    expect(parseError('('.repeat(19_000)).message).toBe('filter nested deeper than 50 levels at 50');
    expect(parseError('NOT '.repeat(4_000)).message).toBe('filter nested deeper than 50 levels at 200');
  });

  it('accepts 500 predicates and refuses 501', () => {
    expect(() => parseCql2(chain(500))).not.toThrow();
    const text = chain(501);
    const err = parseError(text);
    const at = text.lastIndexOf('a = 500');
    expect(err.message).toBe(`filter has more than 500 predicates (one more at ${at})`);
    expect(() => parseCql2(chain(501, 'OR'))).toThrow(Cql2Error);
  });

  it('accepts an IN list of 1,000 items and refuses 1,001', () => {
    const list = (n: number) => `floors IN (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    expect(() => parseCql2(list(1000))).not.toThrow();
    const text = list(1001);
    const err = parseError(text);
    expect(err.message).toBe('IN list at 7 has more than 1,000 items');
    expect(err.offset).toBe(text.lastIndexOf(',1000') + 1);
  });

  it('limits the positions of geometry literals to 10,000 (trees built in code)', () => {
    const coords: Position[] = Array.from({ length: 10_001 }, (_, i) => [126 + i * 1e-5, 45.5]);
    const line: Cql2Node = {
      kind: 'spatial',
      op: 'intersects',
      left: P('geom'),
      right: G({ type: 'LineString', coordinates: coords }),
    };
    expect(errorOf(() => checkCql2(line, schema)).message).toBe('geometry literals have more than 10,000 positions in all');
    const ok: Cql2Node = { ...line, right: G({ type: 'LineString', coordinates: coords.slice(0, 10_000) }) };
    expect(() => checkCql2(ok, schema)).not.toThrow();
  });

  it('checkCql2 applies the depth and predicate limits to trees built in code', () => {
    let deep: Cql2Node = a1;
    for (let i = 0; i < 100_000; i++) deep = not(deep);
    expect(errorOf(() => checkCql2(deep, schema)).message).toBe('filter nested deeper than 50 levels');
    const wide = and(...Array.from({ length: 501 }, () => eq('floors', N(1))));
    expect(errorOf(() => checkCql2(wide, schema)).message).toBe('filter has 501 predicates; at most 500 are allowed');
    const long: Cql2Node = { kind: 'in', value: P('floors'), list: Array.from({ length: 1001 }, (_, i) => N(i)) };
    expect(errorOf(() => checkCql2(long, schema)).message).toBe('IN list has more than 1,000 items');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('checkCql2: names and types', () => {
  it('refuses an unknown property, naming it and the allowed ones', () => {
    const err = checkError("nmae = 'x'");
    expect(err.message).toBe(
      'unknown property "nmae" at 0; allowed: id, name, category, floors, area, open, updated, opened, lon, geom',
    );
    expect(err.offset).toBe(0);
    expect(checkError("floors = 1 AND Name = 'x'").message).toBe(
      'unknown property "Name" at 15 (did you mean "name"?); allowed: id, name, category, floors, area, open, updated, opened, lon, geom',
    );
    expect(checkError('S_INTERSECTS(shape, POINT(126 45))').message).toMatch(/^unknown property "shape" at 13; allowed: /);
  });

  it.each([
    ['name = 5', 'cannot compare string property "name" with number 5 at 7 in "="'],
    ["floors = 'x'", `cannot compare integer property "floors" with string 'x' at 9 in "="`],
    ['open = 1', 'cannot compare boolean property "open" with number 1 at 7 in "="'],
    ['name = floors', 'cannot compare string property "name" with integer property "floors" at 7 in "="'],
    [
      "opened = TIMESTAMP('2026-01-01T00:00:00Z') AND name = DATE('2026-01-01')",
      `cannot compare string property "name" with DATE('2026-01-01') at 54 in "="`,
    ],
    ['open < TRUE', 'booleans can only be compared with = or <>, not "<" at 0'],
    [
      "updated > 'yesterday'",
      `string 'yesterday' at 10 is not an ISO 8601 date (YYYY-MM-DD) or timestamp (YYYY-MM-DDThh:mm:ssZ), so it cannot be compared with timestamp property "updated"`,
    ],
    [
      'geom = 1',
      'geometry property "geom" at 0 is the geometry; use it in S_INTERSECTS, S_WITHIN, S_DWITHIN or IS NULL, not in "="',
    ],
    ["floors LIKE '1%'", 'LIKE needs a string, not integer property "floors" at 0'],
    ["name LIKE 'abc\\'", `LIKE pattern 'abc\\' at 0 ends with a lone escape character "\\"; write "\\\\" for a backslash`],
    ["name BETWEEN 'a' AND 'z'", `BETWEEN needs numbers, dates or timestamps, not string property "name" at 0`],
    ["floors BETWEEN 1 AND 'z'", `cannot compare integer property "floors" with string 'z' at 21 in BETWEEN`],
    ["category IN ('police', 3)", `cannot compare string property "category" with number 3 at 23 in IN`],
    [
      'S_INTERSECTS(name, POINT(126.6 45.7))',
      'S_INTERSECTS works on the geometry property "geom" or a WKT geometry, not on string property "name" at 13',
    ],
    [
      'S_DWITHIN(geom, lon, 5)',
      'S_DWITHIN works on the geometry property "geom" or a WKT geometry, not on number property "lon" at 16',
    ],
    [
      'S_INTERSECTS(geom, POINT(45.76 126.61))',
      'POINT at 19 has position 45.76 126.61 outside the allowed area (longitude 125–131, latitude 44–47, EPSG:4326); WKT puts longitude first: did you swap them?',
    ],
    [
      'S_WITHIN(geom, BBOX(116.3, 39.9, 116.5, 40.0))',
      'POLYGON at 15 has position 116.3 39.9 outside the allowed area (longitude 125–131, latitude 44–47, EPSG:4326)',
    ],
  ])('%j → %s', (text, message) => {
    expect(checkError(text).message).toBe(message);
  });

  it('turns ISO strings compared with dates and timestamps into DATE/TIMESTAMP literals', () => {
    expect(checkCql2(parseCql2("updated >= '2026-11-22T10:00:00Z' AND opened < '2026-01-01'"), schema)).toEqual(
      and(cmp(P('updated'), '>=', T('2026-11-22T10:00:00Z')), cmp(P('opened'), '<', D('2026-01-01'))),
    );
    expect(checkCql2(parseCql2("updated BETWEEN '2026-01-01' AND TIMESTAMP('2026-02-01T00:00:00Z')"), schema)).toEqual({
      kind: 'between',
      value: P('updated'),
      low: D('2026-01-01'),
      high: T('2026-02-01T00:00:00Z'),
    });
    expect(checkCql2(parseCql2("opened IN ('2026-01-01', DATE('2026-01-02'))"), schema)).toEqual({
      kind: 'in',
      value: P('opened'),
      list: [D('2026-01-01'), D('2026-01-02')],
    });
  });

  it('allows integer with decimal numbers, dates with timestamps, IS NULL on any property', () => {
    for (const text of [
      'floors = 2.5',
      'area BETWEEN 1 AND 1e6',
      "updated > DATE('2026-01-01')",
      "opened < TIMESTAMP('2026-01-01T00:00:00Z')",
      'geom IS NULL',
      'open IS NOT NULL AND open = FALSE',
      "'a' < 'b'",
      'lon BETWEEN 126.5 AND 126.7',
      'TRUE',
    ]) {
      expect(() => checkCql2(parseCql2(text), schema)).not.toThrow();
    }
  });

  it('keeps source offsets on the checked tree', () => {
    const checked = checkCql2(parseCql2("floors = 1 OR updated > '2026-01-01'"), schema);
    if (checked.kind !== 'or' || checked.args[1]!.kind !== 'compare') throw new Error('unexpected shape');
    expect(sourceOffset(checked.args[1]!)).toBe(14);
    expect(sourceOffset(checked.args[1]!.right)).toBe(24);
  });

  it('refuses malformed trees built in code with a Cql2Error', () => {
    const bad = [
      { kind: 'xor', args: [] },
      { kind: 'and', args: [] },
      { kind: 'compare', op: '==', left: P('floors'), right: N(1) },
      { kind: 'compare', op: '=', left: P('floors'), right: { kind: 'number', value: Infinity } },
      { kind: 'compare', op: '=', left: P('floors'), right: { kind: 'regex', value: 'x' } },
      { kind: 'spatial', op: 'touches', left: P('geom'), right: P('geom') },
      { kind: 'spatial', op: 'dwithin', left: P('geom'), right: P('geom'), distance: -1 },
      { kind: 'spatial', op: 'intersects', left: P('geom'), right: G({ type: 'Polygon', coordinates: [[[126, 45]]] }) },
      { kind: 'spatial', op: 'intersects', left: P('geom'), right: { kind: 'geometry', value: { type: 'Circle' } } },
      null,
    ];
    for (const node of bad) expect(() => checkCql2(node as unknown as Cql2Node, schema)).toThrow(Cql2Error);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('compileCql2: parameterised SQL', () => {
  it.each<[string, string, unknown[]]>([
    ["name = 'x'", '("name" = $1::text)', ['x']],
    ['floors <> 3', '("floors" <> $1::bigint)', [3]],
    ['floors < 2.5', '("floors" < $1::double precision)', [2.5]],
    ['area >= -1.5e3', '("area_m2" >= $1::double precision)', [-1500]],
    ['3 <= floors', '($1::bigint <= "floors")', [3]],
    ['open = TRUE', '("is_open" = $1::boolean)', [true]],
    ["opened > DATE('2026-11-22')", '("opened_on" > $1::date)', ['2026-11-22']],
    ["updated < '2026-11-22T10:00:00Z'", '("updated_at" < $1::timestamptz)', ['2026-11-22T10:00:00Z']],
    ['name = category', '("name" = "category")', []],
    ["name LIKE '%医院%'", `("name" LIKE $1::text ESCAPE E'\\\\')`, ['%医院%']],
    ["name NOT LIKE 'a\\%b_'", `(NOT ("name" LIKE $1::text ESCAPE E'\\\\'))`, ['a\\%b_']],
    ['lon BETWEEN 126.6 AND 126.7', '((ST_X(geom)) BETWEEN $1::double precision AND $2::double precision)', [126.6, 126.7]],
    ['floors NOT BETWEEN 1 AND 3', '(NOT ("floors" BETWEEN $1::bigint AND $2::bigint))', [1, 3]],
    ["category IN ('police', 'fire_station')", '("category" IN ($1::text, $2::text))', ['police', 'fire_station']],
    ['floors NOT IN (1, 2)', '(NOT ("floors" IN ($1::bigint, $2::bigint)))', [1, 2]],
    ['name IS NULL', '("name" IS NULL)', []],
    ['geom IS NOT NULL', '(NOT ("geom" IS NULL))', []],
    ['TRUE', '$1::boolean', [true]],
    [
      'floors = 1 OR floors = 2 AND NOT floors = 3',
      '(("floors" = $1::bigint) OR (("floors" = $2::bigint) AND (NOT ("floors" = $3::bigint))))',
      [1, 2, 3],
    ],
    [
      'S_INTERSECTS(geom, POINT(126.61 45.77))',
      'ST_Intersects("geom", ST_GeomFromGeoJSON($1::text))',
      ['{"type":"Point","coordinates":[126.61,45.77]}'],
    ],
    [
      'S_WITHIN(geom, BBOX(126.6, 45.7, 126.7, 45.8))',
      'ST_Within("geom", ST_GeomFromGeoJSON($1::text))',
      ['{"type":"Polygon","coordinates":[[[126.6,45.7],[126.7,45.7],[126.7,45.8],[126.6,45.8],[126.6,45.7]]]}'],
    ],
    [
      'S_DWITHIN(geom, POINT(126.61 45.77), 500, meters)',
      'ST_DWithin("geom"::geography, ST_GeomFromGeoJSON($1::text)::geography, $2::double precision)',
      ['{"type":"Point","coordinates":[126.61,45.77]}', 500],
    ],
  ])('%s', (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params });
  });

  it('numbers placeholders from firstParam and qualifies columns with the alias', () => {
    expect(compile("name = 'x' AND S_INTERSECTS(geom, POINT(126.6 45.7)) AND lon > 126", 4, 'p')).toEqual({
      sql: '(("p"."name" = $4::text) AND ST_Intersects("p"."geom", ST_GeomFromGeoJSON($5::text)) AND ((ST_X(geom)) > $6::double precision))',
      params: ['x', '{"type":"Point","coordinates":[126.6,45.7]}', 126],
    });
  });

  it('binds unsafe or fractional numbers against integers as double precision', () => {
    expect(compile('floors = 1e21').sql).toBe('("floors" = $1::double precision)');
    expect(compile('floors IN (1, 1.5)').sql).toBe('("floors" IN ($1::bigint, $2::double precision))');
  });

  it('checks before compiling', () => {
    expect(() => compile('nope = 1')).toThrow(Cql2Error);
    expect(() => compile('name = 1')).toThrow(Cql2Error);
  });

  it('refuses schema mistakes and bad arguments as programming errors, not Cql2Errors', () => {
    const node = parseCql2("name = 'x'");
    const withColumn = (column: string): FilterSchema => ({ ...schema, properties: [{ name: 'name', column, type: 'string' }] });
    for (const column of ['Name', 'name; DROP TABLE poi', 'na"me', '1name', '']) {
      const err = errorOf2(() => compileCql2(node, withColumn(column)));
      expect(err).not.toBeInstanceOf(Cql2Error);
      expect(err.message).toMatch(/is not a plain identifier/);
    }
    expect(() => compileCql2(node, { ...schema, geometry: { name: 'geom', column: 'Geom' } })).toThrow(/geometry column/);
    expect(() => compileCql2(node, schema, 1, 'p x')).toThrow(/alias "p x" is not a plain identifier/);
    expect(() => compileCql2(node, schema, 0)).toThrow(/firstParam/);
    expect(() => compileCql2(node, { ...schema, properties: [...schema.properties, schema.properties[0]!] })).toThrow(
      /listed twice/,
    );
  });
});

function errorOf2(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('geometry validity check', () => {
  const node = parseCql2(
    'S_INTERSECTS(geom, POINT(126.6 45.7)) OR S_WITHIN(geom, POLYGON((126.6 45.7, 126.7 45.8, 126.7 45.7, 126.6 45.8, 126.6 45.7)))',
  );

  it('lists the geometry literals in order and builds one query for all of them', () => {
    expect(geometryLiterals(node).map((g) => g.value.type)).toEqual(['Point', 'Polygon']);
    const q = geometryValidityQuery(node)!;
    expect(q.sql).toMatch(/ST_IsValidReason\(ST_GeomFromGeoJSON\(u\.j\)\)/);
    expect(q.sql).toMatch(/WHERE NOT ST_IsValid\(ST_GeomFromGeoJSON\(u\.j\)\)/);
    expect(q.params[0]).toHaveLength(2);
    expect(JSON.parse(q.params[0][1]!)).toEqual(geometryLiterals(node)[1]!.value);
    expect(geometryValidityQuery(parseCql2('floors = 1'))).toBeNull();
  });

  it('assertGeometriesValid turns the first invalid literal into a Cql2Error placed in the text', async () => {
    const db = { query: async <R>() => [{ n: 2, reason: 'Self-intersection[126.65 45.75]' }] as R[] };
    const err = await assertGeometriesValid(db, node).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Cql2Error);
    expect((err as Cql2Error).message).toBe('POLYGON at 56 is not a valid geometry: Self-intersection[126.65 45.75]');
    const ok = { query: async <R>() => [] as R[] };
    await expect(assertGeometriesValid(ok, node)).resolves.toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property-based tests. The printer below is deliberately independent of the module: it writes CQL2 text from
// a tree the way a client would.

const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const BARE = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u;

interface PrintStyle {
  quoteAll: boolean;
  lowerKeywords: boolean;
  meters: boolean;
  parenthesisedMultiPoint: boolean;
}

function printTree(node: Cql2Node, style: PrintStyle): string {
  const kw = (k: string) => (style.lowerKeywords ? k.toLowerCase() : k);
  const name = (n: string) => (!style.quoteAll && BARE.test(n) && !RESERVED.has(n.toUpperCase()) ? n : `"${n}"`);
  const scalar = (op: ScalarOperand): string => {
    switch (op.kind) {
      case 'property':
        return name(op.name);
      case 'string':
        return `'${op.value.replace(/'/g, "''")}'`;
      case 'number':
        return String(op.value);
      case 'boolean':
        return kw(op.value ? 'TRUE' : 'FALSE');
      case 'date':
        return `${kw('DATE')}('${op.value}')`;
      case 'timestamp':
        return `${kw('TIMESTAMP')}('${op.value}')`;
    }
  };
  const pos = (p: Position) => `${p[0]} ${p[1]}`;
  const line = (l: Position[]) => `(${l.map(pos).join(', ')})`;
  const poly = (rings: Position[][]) => `(${rings.map(line).join(', ')})`;
  const wkt = (g: Geometry): string => {
    switch (g.type) {
      case 'Point':
        return `${kw('POINT')}(${pos(g.coordinates)})`;
      case 'LineString':
        return `${kw('LINESTRING')}${line(g.coordinates)}`;
      case 'Polygon':
        return `${kw('POLYGON')}${poly(g.coordinates)}`;
      case 'MultiPoint':
        return `${kw('MULTIPOINT')}(${g.coordinates.map((p) => (style.parenthesisedMultiPoint ? `(${pos(p)})` : pos(p))).join(', ')})`;
      case 'MultiLineString':
        return `${kw('MULTILINESTRING')}(${g.coordinates.map(line).join(', ')})`;
      case 'MultiPolygon':
        return `${kw('MULTIPOLYGON')}(${g.coordinates.map(poly).join(', ')})`;
      case 'GeometryCollection':
        return `${kw('GEOMETRYCOLLECTION')}(${g.geometries.map(wkt).join(', ')})`;
    }
  };
  const spatialArg = (op: SpatialOperand) => (op.kind === 'property' ? name(op.name) : wkt(op.value));
  const group = (n: Cql2Node) => (n.kind === 'and' || n.kind === 'or' ? `(${print(n)})` : print(n));
  const print = (n: Cql2Node): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return n.args.map(group).join(` ${kw(n.kind.toUpperCase())} `);
      case 'not':
        return `${kw('NOT')} ${group(n.arg)}`;
      case 'const':
        return kw(n.value ? 'TRUE' : 'FALSE');
      case 'compare':
        return `${scalar(n.left)} ${n.op} ${scalar(n.right)}`;
      case 'like':
        return `${scalar(n.value)} ${kw('LIKE')} '${n.pattern.replace(/'/g, "''")}'`;
      case 'between':
        return `${scalar(n.value)} ${kw('BETWEEN')} ${scalar(n.low)} ${kw('AND')} ${scalar(n.high)}`;
      case 'in':
        return `${scalar(n.value)} ${kw('IN')} (${n.list.map(scalar).join(', ')})`;
      case 'isNull':
        return `${scalar(n.value)} ${kw('IS NULL')}`;
      case 'spatial': {
        const fn = kw({ intersects: 'S_INTERSECTS', within: 'S_WITHIN', dwithin: 'S_DWITHIN' }[n.op]);
        const args = `${spatialArg(n.left)}, ${spatialArg(n.right)}`;
        if (n.op !== 'dwithin') return `${fn}(${args})`;
        return `${fn}(${args}, ${n.distance}${style.meters ? `, ${kw('meters')}` : ''})`;
      }
    }
  };
  return print(node);
}

const styleArb: fc.Arbitrary<PrintStyle> = fc.record({
  quoteAll: fc.boolean(),
  lowerKeywords: fc.boolean(),
  meters: fc.boolean(),
  parenthesisedMultiPoint: fc.boolean(),
});

const nameArb = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
  fc.constantFrom('and', 'Not', 'null', 'TRUE', 'like', 'date', 'point', 'S_INTERSECTS', 'bbox', '名称', '类别_2'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('"')),
);
const numberArb = fc
  .oneof(
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0.5, 1e21, 5e-324, -1.5e-7, Number.MAX_VALUE),
  )
  .filter((n) => !Object.is(n, -0));
const dateArb = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const textArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom("it's", "''", '中央大街'),
);
const scalarArb: fc.Arbitrary<ScalarOperand> = fc.oneof(
  nameArb.map(P),
  textArb.map(S),
  numberArb.map(N),
  fc.boolean().map(B),
  dateArb.map((s) => D(s.slice(0, 10))),
  dateArb.map(T),
);

const coordArb = (min: number, max: number) => fc.double({ min, max, noNaN: true }).filter((n) => !Object.is(n, -0));
const posArb: fc.Arbitrary<Position> = fc.tuple(coordArb(125, 131), coordArb(44, 47));
const lineArb = fc.array(posArb, { minLength: 2, maxLength: 5 });
const ringArb = fc.array(posArb, { minLength: 3, maxLength: 5 }).map((ps) => [...ps, ps[0]!]);
const polyArb = fc.array(ringArb, { minLength: 1, maxLength: 2 });
const simpleGeometryArb = fc.oneof(
  posArb.map((coordinates): Geometry => ({ type: 'Point', coordinates })),
  lineArb.map((coordinates): Geometry => ({ type: 'LineString', coordinates })),
  polyArb.map((coordinates): Geometry => ({ type: 'Polygon', coordinates })),
  fc.array(posArb, { minLength: 1, maxLength: 3 }).map((coordinates): Geometry => ({ type: 'MultiPoint', coordinates })),
  fc.array(lineArb, { minLength: 1, maxLength: 2 }).map((coordinates): Geometry => ({ type: 'MultiLineString', coordinates })),
  fc.array(polyArb, { minLength: 1, maxLength: 2 }).map((coordinates): Geometry => ({ type: 'MultiPolygon', coordinates })),
);
const geometryArb: fc.Arbitrary<Geometry> = fc.oneof(
  { weight: 5, arbitrary: simpleGeometryArb },
  {
    weight: 1,
    arbitrary: fc
      .array(simpleGeometryArb, { minLength: 1, maxLength: 2 })
      .map((geometries) => ({ type: 'GeometryCollection', geometries }) as Geometry),
  },
);
const spatialArgArb: fc.Arbitrary<SpatialOperand> = fc.oneof(nameArb.map(P), geometryArb.map(G));

const leafArb: fc.Arbitrary<Cql2Node> = fc.oneof(
  fc
    .tuple(scalarArb, fc.constantFrom<CompareOp>('=', '<>', '<', '<=', '>', '>='), scalarArb)
    .map(([left, op, right]) => cmp(left, op, right)),
  fc.tuple(scalarArb, textArb).map(([value, pattern]): Cql2Node => ({ kind: 'like', value, pattern })),
  fc.tuple(scalarArb, scalarArb, scalarArb).map(([value, low, high]): Cql2Node => ({ kind: 'between', value, low, high })),
  fc
    .tuple(scalarArb, fc.array(scalarArb, { minLength: 1, maxLength: 4 }))
    .map(([value, list]): Cql2Node => ({ kind: 'in', value, list })),
  scalarArb.map((value): Cql2Node => ({ kind: 'isNull', value })),
  fc.boolean().map((value): Cql2Node => ({ kind: 'const', value })),
  fc
    .tuple(fc.constantFrom('intersects' as const, 'within' as const), spatialArgArb, spatialArgArb)
    .map(([op, left, right]): Cql2Node => ({ kind: 'spatial', op, left, right })),
  fc
    .tuple(spatialArgArb, spatialArgArb, fc.oneof(fc.nat(100_000), fc.double({ min: 0, max: 1e6, noNaN: true })))
    .map(([left, right, distance]): Cql2Node => ({ kind: 'spatial', op: 'dwithin', left, right, distance: distance + 0 })),
);

const treeArb: fc.Arbitrary<Cql2Node> = fc.letrec<{ node: Cql2Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((args): Cql2Node => ({ kind: 'and', args })),
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((args): Cql2Node => ({ kind: 'or', args })),
    tie('node').map((arg): Cql2Node => ({ kind: 'not', arg })),
  ),
})).node;

describe('property: printing a tree as CQL2 text and parsing it back gives the same tree', () => {
  it('holds for random trees and print styles', () => {
    fc.assert(
      fc.property(treeArb, styleArb, (tree, style) => {
        const text = printTree(tree, style);
        expect(parseCql2(text)).toEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Valid filters whose mutations the fuzzer tries. */
const CORPUS = [
  "name = 'x' AND floors > 3 OR NOT open = TRUE",
  "name LIKE '%医院%' AND category IN ('police', 'fire_station')",
  'floors NOT BETWEEN 1 AND 5 AND area IS NOT NULL',
  "updated > TIMESTAMP('2026-11-22T10:00:00Z') AND opened <= DATE('2026-11-22')",
  "S_INTERSECTS(geom, POLYGON((126.6 45.7, 126.7 45.7, 126.7 45.8, 126.6 45.8, 126.6 45.7))) AND name <> ''",
  'S_DWITHIN(geom, POINT(126.61 45.77), 500, meters) OR S_WITHIN(geom, BBOX(126.5, 45.6, 126.7, 45.8))',
  'S_INTERSECTS(geom, MULTIPOLYGON(((126.6 45.7, 126.7 45.7, 126.7 45.8, 126.6 45.7)), ((127 46, 127.1 46, 127.1 46.1, 127 46))))',
  'S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(126.6 45.7), LINESTRING(126.6 45.7, 126.7 45.8)))',
  '(("name" = \'a\' OR lon BETWEEN 126.6 AND 126.7) AND NOT (floors IN (1, 2, 3)))',
];
const TOKENS = [
  ' ',
  '(',
  ')',
  ',',
  "'",
  '"',
  '=',
  '<>',
  '<',
  '>=',
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'BETWEEN',
  'IN',
  'IS',
  'NULL',
  'TRUE',
  'name',
  'floors',
  'geom',
  'updated',
  '1',
  '-2.5e3',
  '1e999',
  "'x'",
  "'2026-01-01'",
  'DATE',
  'TIMESTAMP',
  'POINT',
  'POLYGON',
  'BBOX',
  'S_INTERSECTS',
  'S_DWITHIN',
  'meters',
  'EMPTY',
  'Z',
  '\\',
  '%',
  '中',
  '\u3000',
  '\ud800',
  '#',
  '!=',
];

/** Runs the whole pipeline; true when it succeeds or fails with a Cql2Error, false on any other throw. */
function onlyCql2Errors(text: string): boolean {
  try {
    compileCql2(parseCql2(text), schema, 1, 'p');
    return true;
  } catch (err) {
    if (err instanceof Cql2Error) return true;
    throw err;
  }
}

describe('property: arbitrary input fails only with Cql2Error', () => {
  it('random strings', () => {
    const anyString = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...'()\',"=<>-+.0123456789eE _aNDORTSIZ%\\\u3000'), maxLength: 200 }),
    );
    fc.assert(fc.property(anyString, onlyCql2Errors), { numRuns: 2000 });
  });

  it('token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.constantFrom(' ', ''), (tokens, sep) =>
        onlyCql2Errors(tokens.join(sep)),
      ),
      { numRuns: 2000 },
    );
  });

  it('mutations of valid filters', () => {
    for (const text of CORPUS) expect(() => compileCql2(parseCql2(text), schema)).not.toThrow();
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        piece: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })),
      }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
    );
    const mutated = fc.tuple(fc.constantFrom(...CORPUS), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
      let s = text;
      for (const e of edits) {
        const at = e.at % (s.length + 1);
        if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.length);
        else if (e.kind === 'insert') s = s.slice(0, at) + e.piece + s.slice(at);
        else s = s.slice(0, at) + s.slice(at, at + e.length) + s.slice(at);
      }
      return s;
    });
    fc.assert(fc.property(mutated, onlyCql2Errors), { numRuns: 2000 });
  });

  it('deep and long inputs', () => {
    for (const text of [
      '('.repeat(20_000),
      'NOT '.repeat(5_000),
      "'".repeat(20_000),
      `a IN (${'1,'.repeat(9_000)}1)`,
      'a = 1 AND '.repeat(2_000),
    ]) {
      expect(onlyCql2Errors(text)).toBe(true);
    }
  });
});

describe('property: string literals never reach the SQL text', () => {
  const nasty = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "'",
          "''",
          ';',
          '--',
          '/*',
          '*/',
          '\\',
          '\\\\',
          '"',
          '$1',
          '%',
          '_',
          "E'",
          'DROP TABLE poi',
          '医院',
          ' ',
          '\n',
          '\0',
        ),
        fc.string({ maxLength: 4 }),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join(''))
    // Each literal has a character the SQL alphabet below lacks, so finding it in the SQL would be a leak.
    .filter((s) => /[^A-Za-z0-9_ ()$:,."=<>]/.test(s));

  const stringFilter = fc.oneof(
    fc.tuple(fc.constantFrom('name', 'category', 'id'), fc.constantFrom('=', '<>', '<', '>='), nasty).map(([p, op, s]) => ({
      node: cmp(P(p), op as CompareOp, S(s)),
      literals: [s],
    })),
    nasty
      .filter((s) => !/\\$/.test(s.replace(/\\\\/g, '')))
      .map((s) => ({ node: { kind: 'like', value: P('name'), pattern: s } as Cql2Node, literals: [s] })),
    fc
      .array(nasty, { minLength: 1, maxLength: 4 })
      .map((list) => ({ node: { kind: 'in', value: P('category'), list: list.map(S) } as Cql2Node, literals: list })),
    nasty.map((s) => ({ node: cmp(S(s), '=', S(s)), literals: [s] })),
  );
  const filterWithLiterals = fc
    .array(stringFilter, { minLength: 1, maxLength: 5 })
    .chain((parts) => fc.constantFrom('and' as const, 'or' as const).map((kind) => ({ parts, kind })));

  /** What compiled SQL may consist of: quoted identifiers, placeholders, casts, operators and keywords. */
  const SQL_ALPHABET = /^[A-Za-z0-9_ ()$:,."=<>]*$/;
  const ESCAPE_CLAUSE = " ESCAPE E'\\\\'";

  it('literals are only in params, and the SQL is built from a fixed alphabet', () => {
    fc.assert(
      fc.property(filterWithLiterals, styleArb, ({ parts, kind }, style) => {
        const tree: Cql2Node = parts.length === 1 ? parts[0]!.node : { kind, args: parts.map((p) => p.node) };
        const text = printTree(tree, style);
        const { sql, params } = compileCql2(parseCql2(text), schema, 1, 'p');
        // The one quoted constant of the compiler's own, LIKE's escape clause, is set aside first.
        const bare = sql.split(ESCAPE_CLAUSE).join('');
        expect(bare).toMatch(SQL_ALPHABET);
        for (const { literals } of parts) {
          for (const literal of literals) {
            expect(params).toContain(literal);
            expect(bare.includes(literal)).toBe(false);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
