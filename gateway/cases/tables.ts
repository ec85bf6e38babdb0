import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  CASE_KINDS,
  timeLimitSchema,
  type CaseKind,
  type CaseMajorCategory,
  type CaseMinorCategory,
  type CategoryTreeResponse,
} from '../../contracts/cases';
import { DEPARTMENT_KINDS } from '../../contracts/identity';
import { calendarFileSchema, WorkingCalendar } from './calendar';

/**
 * The city-management code tables and settings under data/cityops/, zod-validated when the gateway starts:
 * categories (部件/事件 大类 → 小类), the working calendar, automatic dispatch rules and settings.
 */
export const CITYOPS_DIR = path.resolve(__dirname, '../../data/cityops');

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

const minorSchema = z
  .object({
    code: z.string().regex(/^\d+$/),
    name: z.string().min(1),
    departmentKind: z.enum(DEPARTMENT_KINDS),
    departmentName: z.string().min(1),
    filingStandard: z.string().min(1),
    timeLimit: timeLimitSchema,
    urgentTimeLimit: timeLimitSchema.optional(),
    additionalLimits: z.array(z.object({ label: z.string().min(1), limit: timeLimitSchema }).strict()).default([]),
    closingStandard: z.string().min(1),
    local: z.boolean().default(false),
  })
  .strict();
const majorSchema = z
  .object({ code: z.string().regex(/^\d+$/), name: z.string().min(1), minors: z.array(minorSchema).min(1) })
  .strict();
const categoriesFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    standard_ref: z.string().min(1),
    codeWidths: z.object({ major: z.number().int().min(1).max(4), minor: z.number().int().min(2).max(4) }).strict(),
    prefixes: z.object({ component: z.string().regex(/^[A-Z]{0,4}$/), event: z.string().regex(/^[A-Z]{0,4}$/) }).strict(),
    component: z.array(majorSchema).min(1),
    event: z.array(majorSchema).min(1),
  })
  .strict();

/** The category tree with lookup by 小类 code. */
export class CategoryTable {
  private readonly byCode = new Map<string, CaseMinorCategory>();
  private readonly majors = new Map<string, CaseMajorCategory>();

  constructor(readonly tree: CategoryTreeResponse) {
    for (const kind of CASE_KINDS)
      for (const major of tree[kind]) {
        this.majors.set(major.code, major);
        for (const minor of major.minors) this.byCode.set(minor.code, minor);
      }
  }

  minor(code: string): CaseMinorCategory | null {
    return this.byCode.get(code) ?? null;
  }

  major(code: string): CaseMajorCategory | null {
    return this.majors.get(code) ?? null;
  }

  get minors(): CaseMinorCategory[] {
    return [...this.byCode.values()];
  }
}

export function loadCategories(file = path.join(CITYOPS_DIR, 'categories.json')): CategoryTable {
  const f = categoriesFileSchema.parse(readJson(file));
  const { major: mw, minor: nw } = f.codeWidths;
  if (f.prefixes.component === f.prefixes.event) throw new Error(`${file}: the two kinds need different code prefixes`);
  const build = (kind: CaseKind): CaseMajorCategory[] =>
    f[kind].map((major) => {
      if (major.code.length !== mw) throw new Error(`${file}: ${kind} 大类 ${major.code} is not ${mw} digits`);
      const code = `${f.prefixes[kind]}${major.code}`;
      return {
        code,
        kind,
        name: major.name,
        minors: major.minors.map((m): CaseMinorCategory => {
          if (m.code.length !== nw) throw new Error(`${file}: 小类 ${major.code}${m.code} is not ${nw} digits`);
          return {
            code: `${code}${m.code}`,
            standardCode: `${major.code}${m.code}`,
            majorCode: code,
            kind,
            name: m.name,
            departmentKind: m.departmentKind,
            departmentName: m.departmentName,
            filingStandard: m.filingStandard,
            timeLimit: m.timeLimit,
            urgentTimeLimit: m.urgentTimeLimit ?? null,
            additionalLimits: m.additionalLimits,
            closingStandard: m.closingStandard,
            local: m.local,
          };
        }),
      };
    });
  const component = build('component');
  const event = build('event');
  const seen = new Set<string>();
  for (const major of [...component, ...event]) {
    if (seen.has(major.code)) throw new Error(`${file}: 大类 ${major.code} appears twice`);
    seen.add(major.code);
    for (const m of major.minors) {
      if (seen.has(m.code)) throw new Error(`${file}: 小类 ${m.code} appears twice`);
      seen.add(m.code);
    }
  }
  return new CategoryTable({
    version: f.version,
    standardRef: f.standard_ref,
    codeWidths: f.codeWidths,
    prefixes: f.prefixes,
    component,
    event,
  });
}

export function loadCalendar(file = path.join(CITYOPS_DIR, 'calendar.json')): WorkingCalendar {
  return new WorkingCalendar(calendarFileSchema.parse(readJson(file)));
}

const indicator = z.object({ id: z.string().min(1), label: z.string().min(1), weight: z.number().min(0).max(1) }).strict();
export const settingsFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    duplicateRadiusM: z.number().positive().max(500),
    photo: z
      .object({
        maxBytes: z.number().int().positive(),
        maxPixels: z.number().int().positive(),
        viewMaxEdge: z.number().int().min(64).max(8192),
        thumbMaxEdge: z.number().int().min(32).max(1024),
        formats: z.array(z.enum(['jpeg', 'png', 'webp', 'heif'])).min(1),
      })
      .strict(),
    modes: z
      .object({
        auto_extend: z.object({ factor: z.number().min(1).max(10), note: z.string().min(1) }).strict(),
        frozen: z.object({ note: z.string().min(1) }).strict(),
      })
      .strict(),
    evaluation: z
      .object({
        inspector: z.array(indicator).min(1),
        dispatcher: z.array(indicator).min(1),
        onTimeVerifyWorkingHours: z.number().positive(),
        onTimeCheckWorkingHours: z.number().positive(),
        onTimeDispatchWorkingHours: z.number().positive(),
        grades: z
          .array(z.object({ grade: z.enum(['A', 'B', 'C', 'D', 'E']), min: z.number().min(0).max(100) }).strict())
          .length(5),
      })
      .strict(),
  })
  .strict();
export type CaseSettings = z.infer<typeof settingsFileSchema>;

export function loadSettings(file = path.join(CITYOPS_DIR, 'settings.json')): CaseSettings {
  const s = settingsFileSchema.parse(readJson(file));
  for (const role of ['inspector', 'dispatcher'] as const) {
    const sum = s.evaluation[role].reduce((n, i) => n + i.weight, 0);
    if (Math.abs(sum - 1) > 1e-9) throw new Error(`${file}: the ${role} weights add up to ${sum}, not 1`);
  }
  return s;
}

const dispatchFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    rules: z.array(
      z
        .object({
          categoryPrefix: z
            .string()
            .regex(/^[A-Z0-9]+$/)
            .optional(),
          gridPrefix: z.string().regex(/^\d+$/).optional(),
          departmentId: z.string().regex(/^[a-z0-9_-]{2,40}$/),
        })
        .strict(),
    ),
  })
  .strict();
export type DispatchRule = z.infer<typeof dispatchFileSchema>['rules'][number];

export function loadDispatchRules(file = path.join(CITYOPS_DIR, 'dispatch.json')): DispatchRule[] {
  return dispatchFileSchema.parse(readJson(file)).rules;
}

/** Everything of data/cityops, loaded once at start-up. */
export interface CaseTables {
  categories: CategoryTable;
  calendar: WorkingCalendar;
  settings: CaseSettings;
  dispatchRules: DispatchRule[];
}

export function loadCaseTables(dir = CITYOPS_DIR): CaseTables {
  return {
    categories: loadCategories(path.join(dir, 'categories.json')),
    calendar: loadCalendar(path.join(dir, 'calendar.json')),
    settings: loadSettings(path.join(dir, 'settings.json')),
    dispatchRules: loadDispatchRules(path.join(dir, 'dispatch.json')),
  };
}
