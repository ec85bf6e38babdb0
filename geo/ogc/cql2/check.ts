import type { Cql2Node, GeometryLiteral, LikeNode, PropertyRef, ScalarOperand, SpatialOperand } from './ast';
import { CQL2_LIMITS, measureTree, placed, sourceOffset } from './ast';
import { clip, Cql2Error } from './errors';
import { IN_TOO_LONG, placedSentence, placedText, TOO_DEEP, TOO_MANY_POSITIONS } from './messages';
import { countPositions, HARBIN_EXTENT, positionOutside, structureProblem, wktTag, type Extent, type Geometry } from './geometry';
import { findProperty, propertyNames, type FilterSchema, type PropertyType } from './schema';
import { isIsoDate, isIsoTimestamp } from './temporal';

/** Kinds of values that can be compared with each other. */
type Group = 'string' | 'numeric' | 'boolean' | 'temporal' | 'geometry';

const GROUP: Record<PropertyType, Group> = {
  string: 'string',
  number: 'numeric',
  integer: 'numeric',
  boolean: 'boolean',
  timestamp: 'temporal',
  date: 'temporal',
  geometry: 'geometry',
};

const COMPARE_OPS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function fail(item: object, message: string): never {
  throw new Cql2Error(message, sourceOffset(item));
}

/** "第 N 个字符处的 <subject>" for a parsed item, `subject` alone for one built in code. */
const the = (item: object, subject: string) => placedText(sourceOffset(item), subject);
/** "第 N 个字符处：<sentence>" for a parsed item, `sentence` alone for one built in code. */
const sentenceAt = (item: object, sentence: string) => placedSentence(sourceOffset(item), sentence);

/** Property types in words. */
const TYPE_NAMES: Record<PropertyType, string> = {
  string: '字符串',
  number: '数值',
  integer: '整数',
  boolean: '布尔',
  timestamp: '时间戳',
  date: '日期',
  geometry: '几何',
};

/** How an operand is named in messages. */
function describe(op: ScalarOperand, type?: PropertyType): string {
  switch (op.kind) {
    case 'property':
      return `${type ? TYPE_NAMES[type] : ''}属性 "${clip(op.name, 40)}"`;
    case 'string':
      return `字符串 '${clip(op.value)}'`;
    case 'number':
      return `数字 ${op.value}`;
    case 'boolean':
      return `布尔值 ${op.value ? 'TRUE' : 'FALSE'}`;
    case 'date':
      return `DATE('${op.value}')`;
    case 'timestamp':
      return `TIMESTAMP('${op.value}')`;
  }
}

/** A scalar operand with its type known. */
interface Typed {
  op: ScalarOperand;
  type: PropertyType;
}

class Checker {
  private vertices = 0;
  private readonly extent: Extent;

  constructor(private readonly schema: FilterSchema) {
    this.extent = schema.extent ?? HARBIN_EXTENT;
  }

  private property(ref: PropertyRef): PropertyType {
    if (typeof ref.name !== 'string') fail(ref, '筛选条件结构有误：属性名不是文本');
    const p = findProperty(this.schema, ref.name);
    if (p) return p.type;
    const names = propertyNames(this.schema);
    const near = names.find((n) => n.toLowerCase() === ref.name.toLowerCase());
    fail(
      ref,
      the(ref, `未知属性 "${clip(ref.name, 40)}"`) + (near ? `（是否想写 "${near}"？）` : '') + `；可用属性：${names.join('、')}`,
    );
  }

  /** Validates a scalar operand on its own and gives its type. */
  private scalar(op: ScalarOperand): Typed {
    switch (op?.kind) {
      case 'property':
        return { op, type: this.property(op) };
      case 'string':
        if (typeof op.value !== 'string') fail(op, '筛选条件结构有误：字符串字面量没有文本');
        return { op, type: 'string' };
      case 'number':
        if (typeof op.value !== 'number' || !Number.isFinite(op.value)) fail(op, `${the(op, '数字')}不是有限数`);
        return { op, type: 'number' };
      case 'boolean':
        if (typeof op.value !== 'boolean') fail(op, '筛选条件结构有误：布尔字面量没有布尔值');
        return { op, type: 'boolean' };
      case 'date':
        if (typeof op.value !== 'string' || !isIsoDate(op.value))
          fail(op, `${the(op, 'DATE')} 值不是有效日期：请写作 YYYY-MM-DD`);
        return { op, type: 'date' };
      case 'timestamp':
        if (typeof op.value !== 'string' || !isIsoTimestamp(op.value)) {
          fail(op, `${the(op, 'TIMESTAMP')} 值不是 RFC 3339 时间：请写作 2026-11-22T10:00:00Z 这样的形式`);
        }
        return { op, type: 'timestamp' };
      default:
        return fail(op ?? {}, `筛选条件结构有误：未知的操作数 ${JSON.stringify(String((op as { kind?: unknown })?.kind))}`);
    }
  }

  /**
   * Makes operands comparable: all must belong to one group, and string literals next to a date or timestamp
   * become DATE or TIMESTAMP literals when they are ISO 8601 text. Geometry is never comparable.
   */
  private unify(context: string, operands: readonly ScalarOperand[]): { group: Group; typed: Typed[] } {
    const typed = operands.map((op) => this.scalar(op));
    for (const t of typed) {
      if (t.type === 'geometry') {
        fail(
          t.op,
          `${the(t.op, describe(t.op, t.type))} 不能用在 ${context} 中：几何只能用在 S_INTERSECTS、S_WITHIN、S_DWITHIN 或 IS NULL 中`,
        );
      }
    }
    const anchor = typed.find((t) => t.op.kind !== 'string') ?? typed[0]!;
    const group = GROUP[anchor.type];
    const out = typed.map((t): Typed => {
      if (group === 'temporal' && t.op.kind === 'string') {
        const s = t.op.value;
        const kind = isIsoDate(s) ? 'date' : isIsoTimestamp(s) ? 'timestamp' : null;
        if (!kind) {
          fail(
            t.op,
            `${the(t.op, `字符串 '${clip(s)}'`)} 不是 ISO 8601 日期（YYYY-MM-DD）或时间戳（YYYY-MM-DDThh:mm:ssZ），` +
              `不能与${describe(anchor.op, anchor.type)} 比较`,
          );
        }
        return { op: placed({ kind, value: s }, sourceOffset(t.op)), type: kind };
      }
      if (GROUP[t.type] !== group) {
        fail(
          t.op,
          `${the(t.op, describe(t.op, t.type))} 不能与${describe(anchor.op, anchor.type)} 比较` +
            `（${context}${context.startsWith('"') ? ' 两侧' : ' 的各值'}须为同一类型）`,
        );
      }
      return t;
    });
    return { group, typed: out };
  }

  private geometryLiteral(lit: GeometryLiteral): GeometryLiteral {
    const g: unknown = lit.value;
    const problem = structureProblem(g);
    if (problem) fail(lit, `${the(lit, '几何')}有误：${problem}`);
    const tag = wktTag(g as Geometry);
    this.vertices += countPositions(lit.value);
    if (this.vertices > CQL2_LIMITS.maxVertices) fail(lit, sentenceAt(lit, TOO_MANY_POSITIONS(CQL2_LIMITS.maxVertices)));
    const out = positionOutside(lit.value, this.extent);
    if (out) {
      const e = this.extent;
      const swapped = positionOutside({ type: 'Point', coordinates: [out[1], out[0]] }, e) === null;
      fail(
        lit,
        `${the(lit, tag)} 有坐标点 ${out[0]} ${out[1]} 超出允许范围` +
          `（经度 ${e.minLon}–${e.maxLon}，纬度 ${e.minLat}–${e.maxLat}，EPSG:4326）` +
          (swapped ? '；WKT 先写经度、后写纬度，是否写反了？' : ''),
      );
    }
    return lit;
  }

  private spatialArg(op: SpatialOperand, fn: string): SpatialOperand {
    if (op?.kind === 'geometry') return this.geometryLiteral(op);
    if (op?.kind !== 'property') return fail(op ?? {}, `筛选条件结构有误：${fn} 的参数既不是属性也不是几何`);
    const type = this.property(op);
    const p = findProperty(this.schema, op.name)!;
    if (!p.isGeometry) {
      fail(
        op,
        sentenceAt(op, `${fn} 只能用于几何属性 "${this.schema.geometry.name}" 或 WKT 几何，不能用于${describe(op, type)}`),
      );
    }
    return op;
  }

  private like(node: LikeNode): Cql2Node {
    const value = this.scalar(node.value);
    if (value.type !== 'string')
      fail(node.value, sentenceAt(node.value, `LIKE 只能用于字符串，不能用于${describe(value.op, value.type)}`));
    if (typeof node.pattern !== 'string') fail(node, '筛选条件结构有误：LIKE 模式不是文本');
    const trailing = /\\+$/.exec(node.pattern)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      fail(node, `${the(node, `LIKE 模式 '${clip(node.pattern)}'`)} 以单独的转义符 "\\" 结尾：反斜杠本身请写作 "\\\\"`);
    }
    return placed({ kind: 'like', value: value.op, pattern: node.pattern }, sourceOffset(node));
  }

  node(node: Cql2Node): Cql2Node {
    const at = sourceOffset(node);
    switch (node?.kind) {
      case 'and':
      case 'or':
        if (!Array.isArray(node.args) || node.args.length === 0)
          fail(node, `筛选条件结构有误：${node.kind.toUpperCase()} 没有操作数`);
        return placed({ kind: node.kind, args: node.args.map((a) => this.node(a)) }, at);
      case 'not':
        return placed({ kind: 'not', arg: this.node(node.arg) }, at);
      case 'const':
        if (typeof node.value !== 'boolean') fail(node, '筛选条件结构有误：TRUE/FALSE 没有布尔值');
        return node;
      case 'compare': {
        if (!COMPARE_OPS.has(node.op)) fail(node, `筛选条件结构有误：未知的比较运算符 ${JSON.stringify(String(node.op))}`);
        const { group, typed } = this.unify(`"${node.op}"`, [node.left, node.right]);
        if (group === 'boolean' && node.op !== '=' && node.op !== '<>') {
          fail(node, sentenceAt(node, `布尔值只能用 = 或 <> 比较，不能用 "${node.op}"`));
        }
        return placed({ kind: 'compare', op: node.op, left: typed[0]!.op, right: typed[1]!.op }, at);
      }
      case 'like':
        return this.like(node);
      case 'between': {
        const { group, typed } = this.unify('BETWEEN', [node.value, node.low, node.high]);
        if (group !== 'numeric' && group !== 'temporal') {
          const t = typed[0]!;
          fail(node, sentenceAt(node, `BETWEEN 只能用于数字、日期或时间戳，不能用于${describe(t.op, t.type)}`));
        }
        return placed({ kind: 'between', value: typed[0]!.op, low: typed[1]!.op, high: typed[2]!.op }, at);
      }
      case 'in': {
        if (!Array.isArray(node.list) || node.list.length === 0) fail(node, `${the(node, 'IN 列表')}为空`);
        if (node.list.length > CQL2_LIMITS.maxInList) fail(node, the(node, IN_TOO_LONG(CQL2_LIMITS.maxInList)));
        const { typed } = this.unify('IN', [node.value, ...node.list]);
        return placed({ kind: 'in', value: typed[0]!.op, list: typed.slice(1).map((t) => t.op) }, at);
      }
      case 'isNull':
        return placed({ kind: 'isNull', value: this.scalar(node.value).op }, at);
      case 'spatial': {
        const fn = { intersects: 'S_INTERSECTS', within: 'S_WITHIN', dwithin: 'S_DWITHIN' }[node.op];
        if (!fn) fail(node, `筛选条件结构有误：未知的空间函数 ${JSON.stringify(String(node.op))}`);
        const left = this.spatialArg(node.left, fn);
        const right = this.spatialArg(node.right, fn);
        if (node.op !== 'dwithin') return placed({ kind: 'spatial', op: node.op, left, right }, at);
        if (typeof node.distance !== 'number' || !Number.isFinite(node.distance) || node.distance < 0) {
          fail(node, `${the(node, 'S_DWITHIN')} 需要有限且非负的距离（米）`);
        }
        return placed({ kind: 'spatial', op: 'dwithin', left, right, distance: node.distance }, at);
      }
      default:
        return fail(node ?? {}, `筛选条件结构有误：未知的节点 ${JSON.stringify(String((node as { kind?: unknown })?.kind))}`);
    }
  }
}

/**
 * Checks a parsed (or hand-built) filter against a layer's schema: every property is one the layer offers,
 * operand types fit their operators, geometry literals are well formed and inside the layer's extent, and the
 * size limits hold. Returns the tree with ISO strings compared to dates/timestamps turned into DATE/TIMESTAMP
 * literals. Throws Cql2Error.
 */
export function checkCql2(node: Cql2Node, schema: FilterSchema): Cql2Node {
  if (node === null || typeof node !== 'object') throw new Cql2Error('筛选条件结构有误：不是筛选条件树');
  const { predicates, tooDeep } = measureTree(node);
  if (tooDeep) fail(tooDeep, sentenceAt(tooDeep, TOO_DEEP(CQL2_LIMITS.maxDepth)));
  if (predicates > CQL2_LIMITS.maxPredicates) {
    throw new Cql2Error(`筛选条件有 ${predicates} 个，最多允许 ${CQL2_LIMITS.maxPredicates} 个；请合并或拆分查询`);
  }
  return new Checker(schema).node(node);
}
