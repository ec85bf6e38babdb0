import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { OPEN311_DATATYPES, type Open311Attribute, type Open311ServiceDefinition } from '../../contracts/cases';
import { AppError } from '../http/errors';
import { CITYOPS_DIR } from '../cases/tables';

/**
 * GeoReport v2 service definitions: the questions a caller answers for the services that need them (a manhole
 * cover's state, a car's plate), from data/cityops/open311-attributes.json, and the checking of a request's answers.
 */

const attributeSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    label: z.string().min(1).max(40).optional(),
    variable: z.boolean().default(true),
    datatype: z.enum(OPEN311_DATATYPES),
    required: z.boolean(),
    description: z.string().min(1),
    datatype_description: z.string().min(1).optional(),
    values: z
      .array(z.object({ key: z.string().regex(/^[a-z0-9_]{1,40}$/), name: z.string().min(1) }).strict())
      .min(1)
      .optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .refine((a) => a.datatype.endsWith('valuelist') === (a.values !== undefined), 'values are given for list datatypes only')
  .refine((a) => !a.variable || a.label !== undefined, 'an asked attribute has a label')
  .refine((a) => a.variable || !a.required, 'a notice (variable false) is never required');
type AttributeSpec = z.infer<typeof attributeSchema>;

const fileSchema = z
  .object({
    $comment: z.string().optional(),
    definitions: z.array(
      z.object({ services: z.array(z.string()).min(1), attributes: z.array(attributeSchema).min(1) }).strict(),
    ),
  })
  .strict();

/** Longest answer to a `string` attribute, and to a `text` one. */
const STRING_MAX = 40;
const TEXT_MAX = 1000;

export class ServiceDefinitions {
  private constructor(private readonly byService: ReadonlyMap<string, readonly AttributeSpec[]>) {}

  /** Reads the file; a service code that is not a known 小类 is an error at start-up, not a silent omission. */
  static load(
    knownService: (code: string) => boolean,
    file = path.join(CITYOPS_DIR, 'open311-attributes.json'),
  ): ServiceDefinitions {
    const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const byService = new Map<string, AttributeSpec[]>();
    for (const def of parsed.definitions) {
      const codes = new Set(def.attributes.map((a) => a.code));
      if (codes.size !== def.attributes.length) throw new Error(`${file}: attribute codes repeat in ${def.services.join(', ')}`);
      for (const service of def.services) {
        if (!knownService(service)) throw new Error(`${file}: ${service} is not a case category`);
        if (byService.has(service)) throw new Error(`${file}: ${service} is defined twice`);
        byService.set(service, def.attributes);
      }
    }
    return new ServiceDefinitions(byService);
  }

  /** Whether the service has a definition (GeoReport's `metadata`). */
  has(service: string): boolean {
    return this.byService.has(service);
  }

  /** The definition as GeoReport v2 publishes it; a service without attributes has an empty list. */
  definition(service: string): Open311ServiceDefinition {
    const specs = this.byService.get(service) ?? [];
    return {
      service_code: service,
      attributes: specs.map((a, i): Open311Attribute => ({
        variable: a.variable,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: a.datatype_description ?? null,
        order: i + 1,
        description: a.description,
        ...(a.values ? { values: a.values } : {}),
      })),
    };
  }

  /**
   * The answers of a request, checked against the service's definition: required ones present, lists from their
   * values, numbers in range. `raw` maps attribute codes to what the form sent (a string, or strings for a list).
   */
  answers(service: string, raw: ReadonlyMap<string, string[]>): Answers {
    const specs = this.byService.get(service) ?? [];
    const asked = new Map(specs.filter((a) => a.variable).map((a) => [a.code, a]));
    for (const code of raw.keys()) {
      if (!asked.has(code)) {
        throw new AppError('bad_request', `attribute[${code.slice(0, 40)}] 不是服务 ${service} 的属性；该服务的属性见其服务定义`);
      }
    }
    const values: Record<string, string | number | string[]> = {};
    const lines: string[] = [];
    for (const a of asked.values()) {
      const given = (raw.get(a.code) ?? []).map((v) => v.trim()).filter(Boolean);
      if (!given.length) {
        if (a.required) throw new AppError('bad_request', `服务 ${service} 必须填写 attribute[${a.code}]：${a.description}`);
        continue;
      }
      if (a.datatype !== 'multivaluelist' && given.length > 1) {
        throw new AppError('bad_request', `attribute[${a.code}] 只能填一个值`);
      }
      const one = given[0]!;
      const label = a.label ?? a.code;
      switch (a.datatype) {
        case 'singlevaluelist':
        case 'multivaluelist': {
          const names = given.map((key) => {
            const v = a.values!.find((x) => x.key === key);
            if (!v) {
              throw new AppError(
                'bad_request',
                `attribute[${a.code}] 应为 ${a.values!.map((x) => x.key).join(', ')} 之一（收到的是 "${key.slice(0, 40)}"）`,
              );
            }
            return v.name;
          });
          values[a.code] = a.datatype === 'singlevaluelist' ? one : [...new Set(given)];
          lines.push(`${label}：${[...new Set(names)].join('、')}`);
          break;
        }
        case 'number': {
          const n = Number(one);
          if (!/^-?\d+(\.\d+)?$/.test(one) || !Number.isFinite(n)) {
            throw new AppError('bad_request', `attribute[${a.code}] 应为数字`);
          }
          if ((a.min !== undefined && n < a.min) || (a.max !== undefined && n > a.max)) {
            throw new AppError('bad_request', `attribute[${a.code}] 应在 ${a.min ?? '-∞'} 到 ${a.max ?? '∞'} 之间`);
          }
          values[a.code] = n;
          lines.push(`${label}：${n}`);
          break;
        }
        case 'datetime': {
          if (!z.iso.datetime({ offset: true }).safeParse(one).success) {
            throw new AppError(
              'bad_request',
              `attribute[${a.code}] 应为带时区偏移的 ISO 8601 日期时间，如 2026-03-01T08:30:00+08:00`,
            );
          }
          values[a.code] = one;
          lines.push(`${label}：${one}`);
          break;
        }
        case 'string':
        case 'text': {
          const max = a.datatype === 'string' ? STRING_MAX : TEXT_MAX;
          if (Array.from(one).length > max) throw new AppError('bad_request', `attribute[${a.code}] 最多 ${max} 个字`);
          values[a.code] = one;
          lines.push(`${label}：${one}`);
          break;
        }
      }
    }
    return { values, summary: lines.length ? `【补充信息】${lines.join('；')}` : null };
  }
}

export interface Answers {
  /** By attribute code, as stored. */
  values: Record<string, string | number | string[]>;
  /** The answers in words for the case description the command centre reads, or null when none were given. */
  summary: string | null;
}

const ATTRIBUTE_KEY = /^attribute\[([^\]]{1,60})\](\[\])?$/;

/**
 * The attribute answers of a request body: GeoReport forms send `attribute[code]=value` (repeated, or as
 * `attribute[code][]`, for a list); a JSON body may also send `attribute: { code: value | [values] }`.
 */
export function rawAnswers(body: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (code: string, v: unknown) => {
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw new AppError('bad_request', `attribute[${code.slice(0, 40)}] 应为文字、数字或由它们组成的列表`);
    }
    out.set(code, [...(out.get(code) ?? []), ...list.map(String)]);
  };
  for (const [key, v] of Object.entries(body)) {
    const m = ATTRIBUTE_KEY.exec(key);
    if (m) add(m[1]!, v);
  }
  const nested = body.attribute;
  if (nested !== undefined) {
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) {
      throw new AppError('bad_request', 'attribute 应为以属性代码为键的回答对象');
    }
    for (const [code, v] of Object.entries(nested)) add(code, v);
  }
  return out;
}
