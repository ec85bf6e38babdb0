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
    ['name = AND x', '第 8 个字符处应为一个值，而不是 "AND"', 7],
    ['name =', '第 7 个字符处应为一个值，但文本已结束', 6],
    ['', '第 1 个字符处应为一个条件，但文本已结束', 0],
    ["name = 'a' AND", '第 15 个字符处应为一个条件，但文本已结束', 14],
    ["name = 'a' 'b'", "第 12 个字符处应为 AND、OR 或文本结尾，而不是 'b'", 11],
    ["(name = 'a'", '第 12 个字符处应为 ")"，但文本已结束', 11],
    ["name = 'a')", '第 11 个字符处应为 AND、OR 或文本结尾，而不是 ")"', 10],
    ["name 'a'", "第 6 个字符处应为比较运算符（=、<>、<、<=、>、>=）或 LIKE、BETWEEN、IN、IS，而不是 'a'", 5],
    ['name', '第 5 个字符处应为比较运算符（=、<>、<、<=、>、>=）或 LIKE、BETWEEN、IN、IS，但文本已结束', 4],
    ["name NOT = 'a'", '第 10 个字符处应为 NOT 之后的 LIKE、BETWEEN 或 IN，而不是 "="', 9],
    ["name IS 'a'", "第 9 个字符处应为 NULL 或 NOT NULL，而不是 'a'", 8],
    ['name IS NOT 1', '第 13 个字符处应为 NULL，而不是 "1"', 12],
    ['name LIKE 5', `第 11 个字符处应为用单引号括起的 LIKE 模式（如 '%医院%'），而不是 "5"`, 10],
    ['name LIKE "pattern"', `第 11 个字符处应为用单引号括起的 LIKE 模式（如 '%医院%'），而不是 "pattern"`, 10],
    ['floors BETWEEN 1 OR 5', '第 18 个字符处应为 AND，而不是 "OR"', 17],
    ['floors IN 1, 2', '第 11 个字符处应为 "(" 及值列表，而不是 "1"', 10],
    ['floors IN (1 2)', '第 14 个字符处应为 "," 或 ")"，而不是 "2"', 13],
    ['floors IN ()', '第 12 个字符处应为一个值，而不是 ")"', 11],
    ['name = NULL', '第 8 个字符处的 NULL 只能用在 "IS NULL" 或 "IS NOT NULL" 中', 7],
    ["name = 'abc", "第 8 个字符处的字符串 'abc 没有结束：字符串须以单引号 ' 结尾（其中的单引号写作 ''）", 7],
    ['"name = 1', '第 1 个字符处带双引号的属性名 "name = 1 没有结束：须以双引号 " 结尾', 0],
    ['"" = 1', '第 1 个字符处的属性名为空（""）：请在双引号内写属性名', 0],
    ['name # 1', '第 6 个字符处有无法识别的字符 "#"', 5],
    ['name != 1', '第 6 个字符处的 "!=" 不是 CQL2 运算符：“不等于”请写作 <>', 5],
    ['a = - 1', '第 5 个字符处有无法识别的字符 "-"', 4],
    ['floors = 12abc', '第 10 个字符处的数字 "12abc" 写法有误：数字写作 12、-1.5 或 1.5E3 这样的形式', 9],
    ['floors = 1.2.3', '第 10 个字符处的数字 "1.2.3" 写法有误：数字写作 12、-1.5 或 1.5E3 这样的形式', 9],
    ['area = 1e999', '第 8 个字符处的数字 "1e999" 超出范围', 7],
    ["CASEI(name) = 'x'", '第 1 个字符处的 CASEI 不受支持：不提供忽略大小写或重音的比较', 0],
    ["name LIKE CASEI('x')", '第 11 个字符处的 CASEI 不受支持：不提供忽略大小写或重音的比较', 10],
    ['FOO(1) = 1', '第 1 个字符处的 "FOO" 不是已知函数', 0],
    ['a = upper(1)', '第 5 个字符处的 "upper" 不是已知函数', 4],
    [
      'S_CONTAINS(geom, POINT(126 45))',
      '第 1 个字符处的 S_CONTAINS 不受支持：空间函数只支持 S_INTERSECTS、S_WITHIN 和 S_DWITHIN',
      0,
    ],
    [
      "T_AFTER(updated, TIMESTAMP('2026-01-01T00:00:00Z'))",
      '第 1 个字符处的 T_AFTER 不受支持：不提供时间函数；日期和时间戳请用 =、<、>、BETWEEN 比较',
      0,
    ],
    ['A_CONTAINS(tags, 1)', '第 1 个字符处的 A_CONTAINS 不受支持：不提供数组函数', 0],
    ['geom = POINT(126 45)', '第 8 个字符处的几何字面量 POINT 只能作为 S_INTERSECTS、S_WITHIN 或 S_DWITHIN 的参数', 7],
    ['a = S_WITHIN(geom, geom)', '第 5 个字符处的 S_WITHIN 是条件，不能当作值使用', 4],
    [
      "opened = DATE('2026-02-30')",
      "第 15 个字符处的 DATE 值 '2026-02-30' 不是有效日期：请写作 YYYY-MM-DD（如 '2026-11-22'）",
      14,
    ],
    ['opened = DATE(20260222)', `第 15 个字符处应为用单引号括起的日期（如 '2026-11-22'），而不是 "20260222"`, 14],
    [
      "updated = TIMESTAMP('2026-11-22 10:00:00')",
      "第 21 个字符处的 TIMESTAMP 值 '2026-11-22 10:00:00' 不是 RFC 3339 时间：请写作 '2026-11-22T10:00:00Z' 这样的形式",
      20,
    ],
    [
      "updated = TIMESTAMP('2026-11-22T24:00:00Z')",
      "第 21 个字符处的 TIMESTAMP 值 '2026-11-22T24:00:00Z' 不是 RFC 3339 时间：请写作 '2026-11-22T10:00:00Z' 这样的形式",
      20,
    ],
  ])('%j → %s', (text, message, offset) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(text).toContain(err.excerpt!.replace(/^…|…$/g, ''));
  });

  it.each([
    ['S_INTERSECTS(geom, POINT Z(126 45 10))', '第 20 个字符处的 "POINT Z" 不受支持：只支持二维坐标（经度 纬度）', 19],
    ['S_INTERSECTS(geom, POINT EMPTY)', '第 20 个字符处的 "POINT EMPTY" 不受支持：不支持空几何', 19],
    ['S_INTERSECTS(geom, POINT(126 45 10))', '第 33 个字符处是第三个坐标：只支持二维坐标（经度 纬度）', 32],
    ['S_INTERSECTS(geom, POINT(126))', '第 29 个字符处应为纬度，而不是 ")"', 28],
    ['S_INTERSECTS(geom, LINESTRING(126 45))', '第 30 个字符处的线至少需要 2 个坐标点，现有 1 个', 29],
    ['S_INTERSECTS(geom, POLYGON((126 45, 127 45, 127 46)))', '第 28 个字符处的多边形环至少需要 4 个坐标点，现有 3 个', 27],
    ['S_INTERSECTS(geom, POLYGON((126 45, 127 45, 127 46, 126 46)))', '第 28 个字符处的环有误：多边形环须首尾相同（闭合环）', 27],
    ['S_INTERSECTS(geom, POLYGON(126 45, 127 45))', '第 28 个字符处应为 "("，而不是 "126"', 27],
    ['S_INTERSECTS(geom, BBOX(126.7, 45.6, 126.5, 45.8))', '第 20 个字符处的 BBOX 须满足 西 < 东 且 南 < 北', 19],
    [
      'S_INTERSECTS(geom, BBOX(126.5, 45.6, 0, 126.7, 45.8, 100))',
      '第 20 个字符处的 BBOX 有 6 个数：只支持二维 BBOX（西, 南, 东, 北）',
      19,
    ],
    ['S_INTERSECTS(geom, BBOX(126.5, 45.6, 126.7))', '第 20 个字符处的 BBOX 需要 4 个数（西, 南, 东, 北），现有 3 个', 19],
    [
      'S_INTERSECTS(geom, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(126 45))))',
      '第 39 个字符处：GEOMETRYCOLLECTION 里不能再套 GEOMETRYCOLLECTION',
      38,
    ],
    [
      'S_INTERSECTS(geom, GEOMETRYCOLLECTION(BBOX(126, 45, 127, 46)))',
      '第 39 个字符处应为 WKT 几何（BBOX 除外），而不是 "BBOX"',
      38,
    ],
    ['S_INTERSECTS(geom)', '第 18 个字符处应为 ","，而不是 ")"', 17],
    ['S_INTERSECTS(geom, name = 1)', '第 25 个字符处应为 ")"，而不是 "="', 24],
    ['S_INTERSECTS(geom, POINT(126 45), 1)', '第 1 个字符处的 S_INTERSECTS 只接受 2 个参数', 32],
    ["S_INTERSECTS(geom, 'POINT(126 45)')", "第 20 个字符处应为几何属性或 WKT 几何，而不是 'POINT(126 45)'", 19],
    ['S_INTERSECTS(geom, DATE(1))', '第 20 个字符处应为几何属性或 WKT 几何，而不是 "DATE"', 19],
    ['S_DWITHIN(geom, POINT(126 45))', '第 30 个字符处应为 "," 及以米为单位的距离，而不是 ")"', 29],
    ['S_DWITHIN(geom, POINT(126 45), meters)', '第 32 个字符处应为以米为单位的距离，而不是 "meters"', 31],
    ['S_DWITHIN(geom, POINT(126 45), -5, meters)', '第 32 个字符处的距离不能为负数', 31],
    ['S_DWITHIN(geom, POINT(126 45), 5, kilometers)', '第 35 个字符处是不支持的距离单位 "kilometers"：只支持 meters', 34],
    ["S_DWITHIN(geom, POINT(126 45), 5, 'meters')", "第 35 个字符处应为距离单位 meters，而不是 'meters'", 34],
  ])('%j → %s', (text, message, offset) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });

  it('gives an excerpt of the text around the problem', () => {
    const err = parseError("category = 'police' AND AND name = 'x'");
    expect(err.message).toBe('第 25 个字符处的 "AND" 之前缺少条件');
    expect(err.excerpt).toBe("…police' AND AND name = 'x'");
  });

  it('is an Error whose name says Cql2Error, with no stack frames in the message', () => {
    const err = parseError('a = ');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('Cql2Error');
    expect(err.message).not.toMatch(/\n|at .*\.ts/);
  });

  it('rejects non-string input', () => {
    expect(errorOf(() => parseCql2(42 as unknown as string)).message).toBe('筛选条件须为文本');
  });
});

describe('limits', () => {
  const chain = (n: number, op = 'AND') => Array.from({ length: n }, (_, i) => `a = ${i}`).join(` ${op} `);

  it(`accepts ${CQL2_LIMITS.maxLength.toLocaleString('en')} characters and refuses one more`, () => {
    const fill = (n: number) => `name = '${'x'.repeat(n - 9)}'`;
    expect(fill(20_000)).toHaveLength(20_000);
    expect(() => parseCql2(fill(20_000))).not.toThrow();
    const err = parseError(fill(20_001));
    expect(err.message).toBe('筛选条件长 20001 个字符，最多允许 20000 个；请缩短条件');
  });

  it('accepts 50 nested parentheses and refuses 51', () => {
    const nest = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    expect(parseCql2(nest(50))).toEqual(a1);
    const err = parseError(nest(51));
    expect(err.message).toBe('第 51 个字符处：筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数');
    expect(err.offset).toBe(50);
  });

  it('accepts 50 nested NOTs and refuses 51', () => {
    const nots = (n: number) => `${'NOT '.repeat(n)}a = 1`;
    expect(() => parseCql2(nots(50))).not.toThrow();
    expect(parseError(nots(51)).message).toBe('第 201 个字符处：筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数');
  });

  it('counts nested AND/OR nodes too, not just parentheses', () => {
    // Each level is "x OR y AND (…)": one parenthesis, two tree levels.
    let text = 'a = 1';
    for (let i = 0; i < 30; i++) text = `a = 1 OR b = 2 AND (${text})`;
    expect(parseError(text).message).toMatch(/^第 \d+ 个字符处：筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数$/);
    let ok = 'a = 1';
    for (let i = 0; i < 25; i++) ok = `a = 1 OR b = 2 AND (${ok})`;
    expect(() => parseCql2(ok)).not.toThrow();
  });

  it('never overflows the stack on deep input', () => {
    expect(parseError('('.repeat(19_000)).message).toBe('第 51 个字符处：筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数');
    expect(parseError('NOT '.repeat(4_000)).message).toBe('第 201 个字符处：筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数');
  });

  it('accepts 500 predicates and refuses 501', () => {
    expect(() => parseCql2(chain(500))).not.toThrow();
    const text = chain(501);
    const err = parseError(text);
    const at = text.lastIndexOf('a = 500');
    expect(err.message).toBe(`筛选条件超过 500 个（第 ${at + 1} 个字符处是第 501 个）；请合并或拆分查询`);
    expect(() => parseCql2(chain(501, 'OR'))).toThrow(Cql2Error);
  });

  it('accepts an IN list of 1,000 items and refuses 1,001', () => {
    const list = (n: number) => `floors IN (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    expect(() => parseCql2(list(1000))).not.toThrow();
    const text = list(1001);
    const err = parseError(text);
    expect(err.message).toBe('第 8 个字符处的 IN 列表超过 1000 项；请拆分条件');
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
    expect(errorOf(() => checkCql2(line, schema)).message).toBe('几何字面量的坐标点合计超过 10000 个；请简化几何');
    const ok: Cql2Node = { ...line, right: G({ type: 'LineString', coordinates: coords.slice(0, 10_000) }) };
    expect(() => checkCql2(ok, schema)).not.toThrow();
  });

  it('checkCql2 applies the depth and predicate limits to trees built in code', () => {
    let deep: Cql2Node = a1;
    for (let i = 0; i < 100_000; i++) deep = not(deep);
    expect(errorOf(() => checkCql2(deep, schema)).message).toBe('筛选条件嵌套超过 50 层；请减少括号或 NOT 的层数');
    const wide = and(...Array.from({ length: 501 }, () => eq('floors', N(1))));
    expect(errorOf(() => checkCql2(wide, schema)).message).toBe('筛选条件有 501 个，最多允许 500 个；请合并或拆分查询');
    const long: Cql2Node = { kind: 'in', value: P('floors'), list: Array.from({ length: 1001 }, (_, i) => N(i)) };
    expect(errorOf(() => checkCql2(long, schema)).message).toBe('IN 列表超过 1000 项；请拆分条件');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('checkCql2: names and types', () => {
  it('refuses an unknown property, naming it and the allowed ones', () => {
    const err = checkError("nmae = 'x'");
    expect(err.message).toBe(
      '第 1 个字符处的未知属性 "nmae"；可用属性：id、name、category、floors、area、open、updated、opened、lon、geom',
    );
    expect(err.offset).toBe(0);
    expect(checkError("floors = 1 AND Name = 'x'").message).toBe(
      '第 16 个字符处的未知属性 "Name"（是否想写 "name"？）；可用属性：id、name、category、floors、area、open、updated、opened、lon、geom',
    );
    expect(checkError('S_INTERSECTS(shape, POINT(126 45))').message).toMatch(/^第 14 个字符处的未知属性 "shape"；可用属性：/);
  });

  it.each([
    ['name = 5', '第 8 个字符处的数字 5 不能与字符串属性 "name" 比较（"=" 两侧须为同一类型）'],
    ["floors = 'x'", `第 10 个字符处的字符串 'x' 不能与整数属性 "floors" 比较（"=" 两侧须为同一类型）`],
    ['open = 1', '第 8 个字符处的数字 1 不能与布尔属性 "open" 比较（"=" 两侧须为同一类型）'],
    ['name = floors', '第 8 个字符处的整数属性 "floors" 不能与字符串属性 "name" 比较（"=" 两侧须为同一类型）'],
    [
      "opened = TIMESTAMP('2026-01-01T00:00:00Z') AND name = DATE('2026-01-01')",
      `第 55 个字符处的 DATE('2026-01-01') 不能与字符串属性 "name" 比较（"=" 两侧须为同一类型）`,
    ],
    ['open < TRUE', '第 1 个字符处：布尔值只能用 = 或 <> 比较，不能用 "<"'],
    [
      "updated > 'yesterday'",
      `第 11 个字符处的字符串 'yesterday' 不是 ISO 8601 日期（YYYY-MM-DD）或时间戳（YYYY-MM-DDThh:mm:ssZ），不能与时间戳属性 "updated" 比较`,
    ],
    ['geom = 1', '第 1 个字符处的几何属性 "geom" 不能用在 "=" 中：几何只能用在 S_INTERSECTS、S_WITHIN、S_DWITHIN 或 IS NULL 中'],
    ["floors LIKE '1%'", '第 1 个字符处：LIKE 只能用于字符串，不能用于整数属性 "floors"'],
    ["name LIKE 'abc\\'", `第 1 个字符处的 LIKE 模式 'abc\\' 以单独的转义符 "\\" 结尾：反斜杠本身请写作 "\\\\"`],
    ["name BETWEEN 'a' AND 'z'", '第 1 个字符处：BETWEEN 只能用于数字、日期或时间戳，不能用于字符串属性 "name"'],
    ["floors BETWEEN 1 AND 'z'", `第 22 个字符处的字符串 'z' 不能与整数属性 "floors" 比较（BETWEEN 的各值须为同一类型）`],
    ["category IN ('police', 3)", '第 24 个字符处的数字 3 不能与字符串属性 "category" 比较（IN 的各值须为同一类型）'],
    [
      'S_INTERSECTS(name, POINT(126.6 45.7))',
      '第 14 个字符处：S_INTERSECTS 只能用于几何属性 "geom" 或 WKT 几何，不能用于字符串属性 "name"',
    ],
    ['S_DWITHIN(geom, lon, 5)', '第 17 个字符处：S_DWITHIN 只能用于几何属性 "geom" 或 WKT 几何，不能用于数值属性 "lon"'],
    [
      'S_INTERSECTS(geom, POINT(45.76 126.61))',
      '第 20 个字符处的 POINT 有坐标点 45.76 126.61 超出允许范围（经度 125–131，纬度 44–47，EPSG:4326）；WKT 先写经度、后写纬度，是否写反了？',
    ],
    [
      'S_WITHIN(geom, BBOX(116.3, 39.9, 116.5, 40.0))',
      '第 16 个字符处的 POLYGON 有坐标点 116.3 39.9 超出允许范围（经度 125–131，纬度 44–47，EPSG:4326）',
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
    expect((err as Cql2Error).message).toBe('第 57 个字符处的 POLYGON 不是有效几何：自相交 [126.65 45.75]');
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
