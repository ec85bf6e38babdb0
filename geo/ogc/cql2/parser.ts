/*
 * The CQL2 text grammar accepted here (keywords and function names case-insensitive, any whitespace between
 * tokens; `{x}` repeats zero or more times, `[x]` is optional):
 *
 *   filter      = or EOF
 *   or          = and {"OR" and}
 *   and         = factor {"AND" factor}                  precedence: NOT > AND > OR
 *   factor      = "NOT" factor | primary
 *   primary     = "(" or ")" | spatial | predicate
 *   predicate   = scalar compareOp scalar
 *               | scalar ["NOT"] "LIKE" string             % any run, _ one character, \ escapes
 *               | scalar ["NOT"] "BETWEEN" scalar "AND" scalar
 *               | scalar ["NOT"] "IN" "(" scalar {"," scalar} ")"       at most 1,000 items
 *               | scalar "IS" ["NOT"] "NULL"
 *               | "TRUE" | "FALSE"
 *   compareOp   = "=" | "<>" | "<" | "<=" | ">" | ">="
 *   scalar      = property | string | number | "TRUE" | "FALSE"
 *               | "DATE" "(" string ")"                    'YYYY-MM-DD'
 *               | "TIMESTAMP" "(" string ")"               RFC 3339, e.g. '2026-11-22T10:00:00Z'
 *   property    = identifier | '"' name '"'               identifier = [\p{L}_][\p{L}\p{M}\p{Nd}_]*, not a keyword
 *   string      = "'" {character | "''"} "'"
 *   number      = ["+"|"-"] (digits ["." [digits]] | "." digits) [("E"|"e") ["+"|"-"] digits]
 *   spatial     = ("S_INTERSECTS" | "S_WITHIN") "(" geomArg "," geomArg ")"
 *               | "S_DWITHIN" "(" geomArg "," geomArg "," number ["," "meters"] ")"
 *   geomArg     = property | wkt
 *   wkt         = "POINT" "(" pos ")" | "LINESTRING" line | "POLYGON" poly
 *               | "MULTIPOINT" "(" ("(" pos ")" | pos) {"," ...} ")" | "MULTILINESTRING" "(" line {"," line} ")"
 *               | "MULTIPOLYGON" "(" poly {"," poly} ")" | "GEOMETRYCOLLECTION" "(" wkt {"," wkt} ")"
 *               | ("BBOX" | "ENVELOPE") "(" west "," south "," east "," north ")"
 *   line        = "(" pos {"," pos} ")"       poly = "(" line {"," line} ")"       pos = number number
 *
 * Limits: 20,000 characters, nesting of parentheses/NOT and of AND/OR/NOT nodes at most 50, 500 predicates,
 * 1,000 IN items, 10,000 geometry positions. Negated forms (NOT LIKE, NOT BETWEEN, NOT IN, IS NOT NULL) become
 * a `not` node around the positive predicate.
 */
import type { CompareOp, Cql2Node, GeometryLiteral, PropertyRef, ScalarOperand, SpatialOperand } from './ast';
import { CQL2_LIMITS, measureTree, placed, sourceOffset } from './ast';
import { Cql2Error, errorAt } from './errors';
import { describeToken, tokenize, type Token } from './lexer';
import { charAt, IN_TOO_LONG, OUT_OF_RANGE, TOO_DEEP } from './messages';
import { isIsoDate, isIsoTimestamp } from './temporal';
import { isGeometryTag, readGeometry, type TokenCursor, type VertexBudget } from './wkt';

/** Keywords that are never property names unless double-quoted. */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);

const SPATIAL = { S_INTERSECTS: 'intersects', S_WITHIN: 'within', S_DWITHIN: 'dwithin' } as const;
type SpatialName = keyof typeof SPATIAL;
const isSpatialName = (w: string): w is SpatialName => Object.hasOwn(SPATIAL, w);

/** CQL2 functions and operators this server does not offer, with the conformance class they belong to. */
function unsupported(word: string): string | null {
  if (['S_EQUALS', 'S_DISJOINT', 'S_TOUCHES', 'S_OVERLAPS', 'S_CROSSES', 'S_CONTAINS'].includes(word)) {
    return '空间函数只支持 S_INTERSECTS、S_WITHIN 和 S_DWITHIN';
  }
  if (word.startsWith('T_') || word === 'INTERVAL') return '不提供时间函数；日期和时间戳请用 =、<、>、BETWEEN 比较';
  if (word.startsWith('A_')) return '不提供数组函数';
  if (word === 'CASEI' || word === 'ACCENTI') return '不提供忽略大小写或重音的比较';
  return null;
}

const ORDER = '比较运算符（=、<>、<、<=、>、>=）或 LIKE、BETWEEN、IN、IS';

/** What the parser expects, in words (`expected(what)` says "此处应为…"). */
const PREDICATE = '一个条件';
const VALUE = '一个值';
const GEOMETRY_ARG = '几何属性或 WKT 几何';

/** "<what> is not supported (<why>)" for a CQL2 function this server does not offer. */
const notSupported = (offset: number, word: string, why: string) => `${charAt(offset)}处的 ${word} 不受支持：${why}`;

class Parser implements TokenCursor {
  private i = 0;
  private depth = 0;
  private predicates = 0;
  private readonly budget: VertexBudget = { used: 0 };

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  expected(what: string): never {
    const t = this.peek();
    const found = describeToken(this.text, t);
    if (what === PREDICATE && (this.is(t, 'AND') || this.is(t, 'OR'))) {
      throw errorAt(this.text, t.start, `${charAt(t.start)}处的 ${found} 之前缺少条件`);
    }
    const tail = t.kind === 'eof' ? '但文本已结束' : `而不是 ${found}`;
    const space = /^[\x21-\x7e]/.test(what) ? ' ' : '';
    throw errorAt(this.text, t.start, `${charAt(t.start)}处应为${space}${what}，${tail}`);
  }

  fail(offset: number, message: string): never {
    throw errorAt(this.text, offset, message);
  }

  private is(t: Token, keyword: string): boolean {
    return t.kind === 'word' && t.value.toUpperCase() === keyword;
  }

  private expect(kind: Token['kind'], what: string): Token {
    if (this.peek().kind !== kind) this.expected(what);
    return this.next();
  }

  private enter(t: Token): void {
    if (++this.depth > CQL2_LIMITS.maxDepth) {
      this.fail(t.start, `${charAt(t.start)}处：${TOO_DEEP(CQL2_LIMITS.maxDepth)}`);
    }
  }

  private countPredicate(at: number): void {
    if (++this.predicates > CQL2_LIMITS.maxPredicates) {
      this.fail(
        at,
        `筛选条件超过 ${CQL2_LIMITS.maxPredicates} 个（${charAt(at)}处是第 ${this.predicates} 个）；请合并或拆分查询`,
      );
    }
  }

  filter(): Cql2Node {
    const node = this.or();
    if (this.peek().kind !== 'eof') this.expected('AND、OR 或文本结尾');
    return node;
  }

  // booleanExpression: or → and {OR and}; and → factor {AND factor}; factor → NOT factor | primary.
  private or(): Cql2Node {
    const start = this.peek().start;
    const args = [this.and()];
    while (this.is(this.peek(), 'OR')) {
      this.next();
      args.push(this.and());
    }
    return args.length === 1 ? args[0]! : placed({ kind: 'or', args }, start);
  }

  private and(): Cql2Node {
    const start = this.peek().start;
    const args = [this.factor()];
    while (this.is(this.peek(), 'AND')) {
      this.next();
      args.push(this.factor());
    }
    return args.length === 1 ? args[0]! : placed({ kind: 'and', args }, start);
  }

  private factor(): Cql2Node {
    const t = this.peek();
    if (!this.is(t, 'NOT')) return this.primary();
    this.next();
    this.enter(t);
    const arg = this.factor();
    this.depth--;
    return placed({ kind: 'not', arg }, t.start);
  }

  private primary(): Cql2Node {
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      this.enter(t);
      const inner = this.or();
      this.expect(')', '")"');
      this.depth--;
      return inner;
    }
    if (t.kind === 'word' && this.peek(1).kind === '(') {
      const word = t.value.toUpperCase();
      if (isSpatialName(word)) return this.spatial(word);
      const why = unsupported(word);
      if (why) this.fail(t.start, notSupported(t.start, word, why));
    }
    return this.predicate();
  }

  private predicate(): Cql2Node {
    const start = this.peek().start;
    this.countPredicate(start);
    const left = this.scalar(PREDICATE);
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      const right = this.scalar(VALUE);
      return placed({ kind: 'compare', op: t.value as CompareOp, left, right }, start);
    }
    let negated = false;
    if (this.is(t, 'NOT')) {
      const after = this.peek(1);
      if (!['LIKE', 'BETWEEN', 'IN'].some((k) => this.is(after, k))) {
        this.next();
        this.expected('NOT 之后的 LIKE、BETWEEN 或 IN');
      }
      this.next();
      negated = true;
    }
    const keyword = this.peek();
    let node: Cql2Node;
    if (this.is(keyword, 'LIKE')) {
      this.next();
      const pattern = this.peek();
      if (pattern.kind === 'word' && this.peek(1).kind === '(') {
        const why = unsupported(pattern.value.toUpperCase());
        if (why) this.fail(pattern.start, notSupported(pattern.start, pattern.value.toUpperCase(), why));
      }
      this.expect('string', "用单引号括起的 LIKE 模式（如 '%医院%'）");
      node = placed({ kind: 'like', value: left, pattern: pattern.value }, start);
    } else if (this.is(keyword, 'BETWEEN')) {
      this.next();
      const low = this.scalar(VALUE);
      if (!this.is(this.peek(), 'AND')) this.expected('AND');
      this.next();
      const high = this.scalar(VALUE);
      node = placed({ kind: 'between', value: left, low, high }, start);
    } else if (this.is(keyword, 'IN')) {
      this.next();
      this.expect('(', '"(" 及值列表');
      const list = [this.scalar(VALUE)];
      while (this.peek().kind === ',') {
        this.next();
        const item = this.peek();
        if (list.length >= CQL2_LIMITS.maxInList) {
          this.fail(item.start, `${charAt(keyword.start)}处的 ${IN_TOO_LONG(CQL2_LIMITS.maxInList)}`);
        }
        list.push(this.scalar(VALUE));
      }
      this.expect(')', '"," 或 ")"');
      node = placed({ kind: 'in', value: left, list }, start);
    } else if (this.is(keyword, 'IS')) {
      this.next();
      const not = this.is(this.peek(), 'NOT');
      if (not) this.next();
      if (!this.is(this.peek(), 'NULL')) this.expected(not ? 'NULL' : 'NULL 或 NOT NULL');
      this.next();
      node = placed({ kind: 'isNull', value: left }, start);
      if (not) node = placed({ kind: 'not', arg: node }, start);
    } else if (left.kind === 'boolean') {
      return placed({ kind: 'const', value: left.value }, start);
    } else {
      return this.expected(ORDER);
    }
    return negated ? placed({ kind: 'not', arg: node }, start) : node;
  }

  /** A property name or a character, numeric, boolean, DATE or TIMESTAMP literal. */
  private scalar(what: string): ScalarOperand {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return placed({ kind: 'string', value: t.value }, t.start);
      case 'number': {
        this.next();
        const value = Number(t.value);
        if (!Number.isFinite(value)) this.fail(t.start, `${charAt(t.start)}处的${OUT_OF_RANGE(t.value)}`);
        return placed({ kind: 'number', value }, t.start);
      }
      case 'quoted':
        this.next();
        return placed({ kind: 'property', name: t.value }, t.start);
      case 'word': {
        const word = t.value.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') {
          this.next();
          return placed({ kind: 'boolean', value: word === 'TRUE' }, t.start);
        }
        if (this.peek(1).kind === '(') return this.call(t);
        if (word === 'NULL') this.fail(t.start, `${charAt(t.start)}处的 NULL 只能用在 "IS NULL" 或 "IS NOT NULL" 中`);
        if (RESERVED.has(word)) this.expected(what);
        this.next();
        return placed({ kind: 'property', name: t.value }, t.start);
      }
      case 'op':
      case '(':
      case ')':
      case ',':
      case 'eof':
        return this.expected(what);
    }
  }

  /** `DATE('…')` or `TIMESTAMP('…')`; any other function in a value position is an error. */
  private call(t: Token): ScalarOperand {
    const word = t.value.toUpperCase();
    if (word === 'DATE' || word === 'TIMESTAMP') {
      this.next();
      this.next();
      const example = word === 'DATE' ? "'2026-11-22'" : "'2026-11-22T10:00:00Z'";
      const s = this.expect('string', `用单引号括起的${word === 'DATE' ? '日期' : '时间戳'}（如 ${example}）`);
      this.expect(')', '")"');
      if (word === 'DATE' && !isIsoDate(s.value)) {
        this.fail(
          s.start,
          `${charAt(s.start)}处的 DATE 值 '${s.value.slice(0, 40)}' 不是有效日期：请写作 YYYY-MM-DD（如 ${example}）`,
        );
      }
      if (word === 'TIMESTAMP' && !isIsoTimestamp(s.value)) {
        this.fail(
          s.start,
          `${charAt(s.start)}处的 TIMESTAMP 值 '${s.value.slice(0, 40)}' 不是 RFC 3339 时间：请写作 ${example} 这样的形式`,
        );
      }
      return placed({ kind: word === 'DATE' ? 'date' : 'timestamp', value: s.value }, t.start);
    }
    if (isGeometryTag(word)) {
      this.fail(t.start, `${charAt(t.start)}处的几何字面量 ${word} 只能作为 S_INTERSECTS、S_WITHIN 或 S_DWITHIN 的参数`);
    }
    if (isSpatialName(word)) this.fail(t.start, `${charAt(t.start)}处的 ${word} 是条件，不能当作值使用`);
    const why = unsupported(word);
    if (why) this.fail(t.start, notSupported(t.start, word, why));
    return this.fail(t.start, `${charAt(t.start)}处的 "${t.value.slice(0, 40)}" 不是已知函数`);
  }

  private spatial(word: SpatialName): Cql2Node {
    const name = this.next();
    this.countPredicate(name.start);
    const op = SPATIAL[word];
    this.expect('(', '"("');
    const left = this.spatialArg();
    this.expect(',', '","');
    const right = this.spatialArg();
    if (op !== 'dwithin') {
      if (this.peek().kind === ',') this.fail(this.peek().start, `${charAt(name.start)}处的 ${word} 只接受 2 个参数`);
      this.expect(')', '")"');
      return placed({ kind: 'spatial', op, left, right }, name.start);
    }
    this.expect(',', '"," 及以米为单位的距离');
    const d = this.expect('number', '以米为单位的距离');
    const distance = Number(d.value);
    if (!Number.isFinite(distance)) this.fail(d.start, `${charAt(d.start)}处的${OUT_OF_RANGE(d.value)}`);
    if (distance < 0) this.fail(d.start, `${charAt(d.start)}处的距离不能为负数`);
    if (this.peek().kind === ',') {
      this.next();
      const unit = this.expect('word', '距离单位 meters');
      if (unit.value.toUpperCase() !== 'METERS') {
        this.fail(unit.start, `${charAt(unit.start)}处是不支持的距离单位 "${unit.value.slice(0, 40)}"：只支持 meters`);
      }
    }
    this.expect(')', '")"');
    return placed({ kind: 'spatial', op, left, right, distance }, name.start);
  }

  /** The geometry property (by name) or a WKT/BBOX literal. */
  private spatialArg(): SpatialOperand {
    const what = GEOMETRY_ARG;
    const t = this.peek();
    if (t.kind === 'quoted') {
      this.next();
      return placed<PropertyRef>({ kind: 'property', name: t.value }, t.start);
    }
    if (t.kind !== 'word') return this.expected(what);
    const word = t.value.toUpperCase();
    const after = this.peek(1).kind;
    if (isGeometryTag(word) && (after === '(' || after === 'word')) {
      return placed<GeometryLiteral>({ kind: 'geometry', value: readGeometry(this, this.budget) }, t.start);
    }
    if (RESERVED.has(word) || after === '(') return this.expected(what);
    this.next();
    return placed<PropertyRef>({ kind: 'property', name: t.value }, t.start);
  }
}

/**
 * Parses CQL2 text (filter-lang=cql2-text) into a tree; syntax only, see `checkCql2` for names and types.
 * Every failure is a Cql2Error naming the offending text and its 0-based offset.
 */
export function parseCql2(text: string): Cql2Node {
  if (typeof text !== 'string') throw new Cql2Error('筛选条件须为文本');
  if (text.length > CQL2_LIMITS.maxLength) {
    throw new Cql2Error(`筛选条件长 ${text.length} 个字符，最多允许 ${CQL2_LIMITS.maxLength} 个；请缩短条件`);
  }
  const parser = new Parser(text, tokenize(text));
  const node = parser.filter();
  const { tooDeep } = measureTree(node);
  if (tooDeep) {
    const at = sourceOffset(tooDeep) ?? 0;
    throw errorAt(text, at, `${charAt(at)}处：${TOO_DEEP(CQL2_LIMITS.maxDepth)}`);
  }
  return node;
}
