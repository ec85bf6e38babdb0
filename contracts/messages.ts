import { z } from 'zod';

/**
 * The Chinese wording of every input problem a schema finds without a message of its own (a limit, a type, a format),
 * for the gateway's answers and the web app's forms alike. Installed once on each side (`installInputMessages`);
 * a schema's own message always wins. Field problems also travel as `{ field, code, message }` (`FieldProblem`), so a
 * form can put each one next to its field.
 */

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是或否',
  array: '列表',
  object: '对象',
  date: '日期',
  null: '空值',
  undefined: '空值',
  file: '文件',
};

const FORMATS: Record<string, string> = {
  email: '须为有效的电子邮件地址',
  url: '须为有效的网址',
  datetime: '须为带时区的 ISO 8601 时间',
  date: '须为日期（年-月-日）',
  time: '须为时间（时:分:秒）',
  uuid: '须为 UUID',
  regex: '格式不正确',
  ipv4: '须为 IPv4 地址',
  ipv6: '须为 IPv6 地址',
};

const list = (values: readonly unknown[]) => values.map((v) => String(v)).join('、');

type Issue = z.core.$ZodRawIssue;

function tooBig(iss: Extract<Issue, { code: 'too_big' }>): string {
  const max = String(iss.maximum);
  switch (iss.origin) {
    case 'string':
      return `最多 ${max} 个字符`;
    case 'array':
    case 'set':
      return `最多 ${max} 项`;
    case 'file':
      return `不得超过 ${max} 字节`;
    case 'date':
      return `须不晚于 ${new Date(Number(iss.maximum)).toISOString()}`;
    case 'number':
    case 'int':
    case 'bigint':
    default:
      return iss.inclusive === false ? `须小于 ${max}` : `须不大于 ${max}`;
  }
}

function tooSmall(iss: Extract<Issue, { code: 'too_small' }>): string {
  const min = Number(iss.minimum);
  switch (iss.origin) {
    case 'string':
      return min <= 1 ? '不能为空' : `至少 ${min} 个字符`;
    case 'array':
    case 'set':
      return min <= 1 ? '至少选择一项' : `至少 ${min} 项`;
    case 'file':
      return `不得少于 ${min} 字节`;
    case 'date':
      return `须不早于 ${new Date(min).toISOString()}`;
    case 'number':
    case 'int':
    case 'bigint':
    default:
      return iss.inclusive === false ? `须大于 ${min}` : `须不小于 ${min}`;
  }
}

/** The message for one problem a schema found, in Chinese. */
export function inputMessage(iss: Issue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return '必填';
      if (iss.expected === 'int' && typeof iss.input === 'number') return '须为整数';
      return `须为${TYPE_NAMES[iss.expected] ?? iss.expected}`;
    case 'too_big':
      return tooBig(iss);
    case 'too_small':
      return tooSmall(iss);
    case 'invalid_format':
      return FORMATS[iss.format] ?? '格式不正确';
    case 'not_multiple_of':
      return `须为 ${String(iss.divisor)} 的整数倍`;
    case 'unrecognized_keys':
      return `不允许的字段：${list(iss.keys)}`;
    case 'invalid_value':
      return `须为以下之一：${list(iss.values)}`;
    case 'invalid_union':
      return '不符合任何一种允许的格式';
    case 'invalid_key':
      return '含有无效的键';
    case 'invalid_element':
      return '含有无效的元素';
    case 'custom':
    default:
      return '输入无效';
  }
}

/** Makes every schema without a message of its own answer in Chinese (call once, before parsing anything). */
export function installInputMessages(): void {
  z.config({ customError: inputMessage });
}

/** One field's problem, as an error body's `details.fields` carries it. */
export interface FieldProblem {
  /** The field's path, dot-separated (`""` for the input as a whole). */
  field: string;
  /** The schema's issue code (`too_big`, `invalid_type` …), for a program to branch on. */
  code: string;
  message: string;
}

/** The problems of a failed parse, each with its field. */
export const fieldProblems = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message }));
