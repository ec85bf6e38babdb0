import {
  bboxParam,
  buildCql2,
  itemsUrl,
  literal,
  locateFilterError,
  quoteProperty,
  quoteString,
  rowToCql2,
  valueTypeOf,
} from '../../web/src/planner/query-builder';

describe('planner query builder', () => {
  it('quotes strings and doubles inner single quotes', () => {
    expect(quoteString("O'Brien's")).toBe("'O''Brien''s'");
    expect(rowToCql2({ property: 'name', op: '=', value: "哈尔滨'站" })).toBe("name = '哈尔滨''站'");
  });

  it('writes LIKE patterns as strings whatever the property type', () => {
    expect(rowToCql2({ property: 'name', op: 'LIKE', value: '%医院%' })).toBe("name LIKE '%医院%'");
    expect(rowToCql2({ property: 'code', op: 'LIKE', value: '12%' }, 'integer')).toBe("code LIKE '12%'");
  });

  it('writes numbers bare and refuses values that are not numbers', () => {
    expect(rowToCql2({ property: 'priority', op: '>', value: ' 3 ' }, 'integer')).toBe('priority > 3');
    expect(rowToCql2({ property: 'area', op: '<>', value: '1.50' }, 'number')).toBe('area <> 1.5');
    expect(() => rowToCql2({ property: 'priority', op: '<', value: 'abc' }, 'integer')).toThrow('不是数字');
    expect(() => literal('2.5', 'integer')).toThrow('不是整数');
  });

  it('writes dates, timestamps and booleans', () => {
    expect(literal('2026-11-22', 'date')).toBe("DATE('2026-11-22')");
    expect(literal('2026-11-22T10:00:00Z', 'date-time')).toBe("TIMESTAMP('2026-11-22T10:00:00Z')");
    expect(literal('true', 'boolean')).toBe('TRUE');
    expect(literal('否', 'boolean')).toBe('FALSE');
  });

  it('builds IN lists from comma-separated values (full-width commas too), typed and quoted', () => {
    expect(rowToCql2({ property: 'category', op: 'IN', value: "hospital, clinic，it's" })).toBe(
      "category IN ('hospital', 'clinic', 'it''s')",
    );
    expect(rowToCql2({ property: 'priority', op: 'IN', value: '1,2, 3' }, 'integer')).toBe('priority IN (1, 2, 3)');
    expect(() => rowToCql2({ property: 'category', op: 'IN', value: ' , ' })).toThrow('列表为空');
  });

  it('quotes property names that are not plain identifiers or are keywords', () => {
    expect(quoteProperty('name')).toBe('name');
    expect(quoteProperty('名称')).toBe('名称');
    expect(quoteProperty('first-reported')).toBe('"first-reported"');
    expect(quoteProperty('in')).toBe('"in"');
    expect(quoteProperty('a"b')).toBe('"a""b"');
  });

  it('joins rows with AND, skips rows without a property and ANDs the raw text in parentheses', () => {
    const rows = [
      { property: 'name', op: 'LIKE' as const, value: '%医院%' },
      { property: '', op: '=' as const, value: 'x' },
      { property: 'priority', op: '>' as const, value: '2' },
    ];
    expect(buildCql2(rows, { priority: 'integer' })).toBe("name LIKE '%医院%' AND priority > 2");
    expect(buildCql2(rows, { priority: 'integer' }, " a = 1 OR b = 'c' ")).toBe(
      "name LIKE '%医院%' AND priority > 2 AND (a = 1 OR b = 'c')",
    );
    expect(buildCql2([], {}, 'a = 1')).toBe('a = 1');
    expect(buildCql2([])).toBe('');
  });

  it('rounds and clamps the bbox and puts it with the filter into the items URL', () => {
    expect(bboxParam([126.123456789, 45.7, 126.8, 95])).toBe('126.123457,45.7,126.8,90');
    const url = itemsUrl('poi', { filter: "name LIKE '%医院%'", bbox: [126.5, 45.6, 126.7, 45.8], limit: 10 }, 'csv');
    const u = new URL(url, 'http://x');
    expect(u.pathname).toBe('/ogc/collections/poi/items');
    expect(u.searchParams.get('f')).toBe('csv');
    expect(u.searchParams.get('limit')).toBe('10');
    expect(u.searchParams.get('bbox')).toBe('126.5,45.6,126.7,45.8');
    expect(u.searchParams.get('filter')).toBe("name LIKE '%医院%'");
    expect(new URL(itemsUrl('poi', { filter: '', bbox: null }, 'kml'), 'http://x').search).toBe('?f=kml');
  });

  it('reads the value type of a queryable and leaves geometry out', () => {
    expect(valueTypeOf({ type: 'integer' })).toBe('integer');
    expect(valueTypeOf({ type: 'string', format: 'date-time' })).toBe('date-time');
    expect(valueTypeOf({ format: 'geometry-point' })).toBeNull();
    expect(valueTypeOf({ type: 'string' })).toBe('string');
  });
});

describe('placing a server CQL2 error in what the planner typed', () => {
  const PREFIX = '筛选条件（filter）有误：';
  const police = [{ property: 'category', op: '=' as const, value: 'police' }];
  // buildCql2(police, {}, raw) is "category = 'police' AND (<raw trimmed>)": the typed text starts at 25.

  it('keeps positions of typed text sent alone, and selects the offending token', () => {
    expect(locateFilterError([], {}, 'name = AND x', `${PREFIX}第 8 个字符处应为一个值，而不是 "AND"`, 7)).toEqual({
      where: 'raw',
      message: '第 8 个字符处应为一个值，而不是 "AND"',
      start: 7,
      end: 10,
    });
  });

  it('counts inside the typed text when builder rows come first, leading spaces included', () => {
    const raw = ' flors = 1';
    expect(buildCql2(police, {}, raw)).toBe("category = 'police' AND (flors = 1)");
    expect(locateFilterError(police, {}, raw, `${PREFIX}第 26 个字符处的未知属性 "flors"；可用属性：name、category`, 25)).toEqual(
      { where: 'raw', message: '第 2 个字符处的未知属性 "flors"；可用属性：name、category', start: 1, end: 6 },
    );
  });

  it('turns the closing parenthesis the builder added into the end of the typed text', () => {
    const raw = 'name LIKE';
    expect(buildCql2(police, {}, raw)).toBe("category = 'police' AND (name LIKE)");
    const message = `${PREFIX}第 35 个字符处应为用单引号括起的 LIKE 模式（如 '%医院%'），而不是 ")"`;
    expect(locateFilterError(police, {}, raw, message, 34)).toEqual({
      where: 'raw',
      message: "第 10 个字符处应为用单引号括起的 LIKE 模式（如 '%医院%'），但文本已结束",
      start: 9,
      end: 9,
    });
  });

  it('renumbers every position of the typed text in the message', () => {
    const raw = 'S_INTERSECTS(geom, POINT(126 45), 1)';
    const message = `${PREFIX}第 26 个字符处的 S_INTERSECTS 只接受 2 个参数`;
    expect(locateFilterError(police, {}, raw, message, 25 + 32)).toEqual({
      where: 'raw',
      message: '第 1 个字符处的 S_INTERSECTS 只接受 2 个参数',
      start: 32,
      end: 33,
    });
  });

  it('places an error before the typed text under the builder rows, positions as in the rows’ CQL2', () => {
    const rows = [{ property: 'floors', op: '=' as const, value: 'x' }];
    const message = `${PREFIX}第 10 个字符处的字符串 'x' 不能与整数属性 "floors" 比较（"=" 两侧须为同一类型）`;
    expect(locateFilterError(rows, {}, "name LIKE '%a%'", message, 9)).toEqual({
      where: 'rows',
      message: `第 10 个字符处的字符串 'x' 不能与整数属性 "floors" 比较（"=" 两侧须为同一类型）`,
      start: 9,
      end: 12,
    });
  });

  it('puts an error without a place under the typed text when there is one, else under the rows', () => {
    const message = `${PREFIX}筛选条件长 20001 个字符，最多允许 20000 个；请缩短条件`;
    expect(locateFilterError(police, {}, 'name = 1', message)).toEqual({
      where: 'raw',
      message: '筛选条件长 20001 个字符，最多允许 20000 个；请缩短条件',
    });
    expect(locateFilterError(police, {}, '  ', message).where).toBe('rows');
  });
});
