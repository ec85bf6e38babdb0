import { z } from 'zod';
import { INCIDENT_CATEGORIES, UNIT_TYPES } from './incident-codes';

/**
 * Emergency plans (应急预案) as data: one JSON file per plan in data/plans/, checked by `planSchema` when the gateway
 * starts. A plan names its legal basis and owner, the conditions that suggest it (triggers), the four national
 * response levels with who may declare each, the departments' tasks, the resources it moves, who is told and the
 * reporting clock. Browser-safe: the wall and the task boards read the same types.
 */

/** The national response levels (总体应急预案), Ⅰ highest. */
export const RESPONSE_LEVELS = ['I', 'II', 'III', 'IV'] as const;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];
export const RESPONSE_LEVEL_LABELS: Record<ResponseLevel, string> = {
  I: 'Ⅰ级（特别重大）',
  II: 'Ⅱ级（重大）',
  III: 'Ⅲ级（较大）',
  IV: 'Ⅳ级（一般）',
};
export const RESPONSE_LEVEL_NUMERALS: Record<ResponseLevel, string> = { I: 'Ⅰ', II: 'Ⅱ', III: 'Ⅲ', IV: 'Ⅳ' };
/** Higher is more severe: Ⅰ = 4 … Ⅳ = 1. */
export const levelRank = (l: ResponseLevel): number => 4 - RESPONSE_LEVELS.indexOf(l);

/** The four warning levels (突发事件应对法), 红 highest. */
export const WARNING_COLORS = ['red', 'orange', 'yellow', 'blue'] as const;
export type WarningColor = (typeof WARNING_COLORS)[number];
export const WARNING_COLOR_LABELS: Record<WarningColor, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };
/** Higher is more severe: red = 4 … blue = 1. */
export const warningRank = (c: WarningColor): number => 4 - WARNING_COLORS.indexOf(c);

/** Roles that may declare a level (ids of data/policy.json's roles; checked against it at start-up). */
const roleId = z.string().regex(/^[a-z]{2,20}$/, '须为 data/policy.json 中的角色 id，如 "leader"');
const departmentId = z.string().regex(/^[a-z0-9_-]{2,40}$/, '须为部门表中的部门 id，如 "fire-119"');
const stationCode = z.string().regex(/^[0-9A-Z]{8}$/, '须为 data/feeds/gauge-stations.json 中的 8 位站码');
const text = (max: number) => z.string().trim().min(1, '不能为空').max(max);

/**
 * One condition; every field given must hold (AND). A plan's triggers are alternatives (OR): the most severe level
 * whose condition holds is suggested.
 */
export const triggerConditionSchema = z
  .object({
    /** The incident's category is one of these. */
    categories: z.array(z.enum(INCIDENT_CATEGORIES)).min(1).optional(),
    /** The incident's common 0–10 priority is at least this. */
    minPriority: z.number().int().min(0).max(10).optional(),
    /** At least this many agencies reported the (fused) incident. */
    minAgencies: z.number().int().min(1).max(6).optional(),
    /** At least this many people hurt or trapped, by the incident's records. */
    minCasualties: z.number().int().min(1).optional(),
    /** A gauge reading at or above a station's 警戒水位 (`warning`) or 保证水位 (`guarantee`), plus `aboveM` metres. */
    gauge: z
      .object({
        stations: z.array(stationCode).min(1),
        reach: z.enum(['warning', 'guarantee']),
        aboveM: z.number().min(0).max(10).default(0),
      })
      .strict()
      .optional(),
    /** A gauge's period rainfall (时段降水量) of at least this many millimetres, at any of `stations` (or any). */
    rainfall: z
      .object({ minMm: z.number().positive().max(1000), stations: z.array(stationCode).min(1).optional() })
      .strict()
      .optional(),
    /** A public warning (预警) of one of these hazard types at this colour or above. */
    warning: z
      .object({ hazards: z.array(text(40)).min(1), minColor: z.enum(WARNING_COLORS) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: '条件至少要给出一个字段' })
  .refine((c) => !(c.gauge || c.rainfall || c.warning) || !(c.categories || c.minPriority || c.minAgencies || c.minCasualties), {
    message: '一个条件只能针对事件、水位站或预警之一，不能混用',
  })
  .refine((c) => [c.gauge, c.rainfall, c.warning].filter(Boolean).length <= 1, {
    message: '一个条件只能针对 gauge、rainfall、warning 之一',
  });
export type TriggerCondition = z.infer<typeof triggerConditionSchema>;

export const planTriggerSchema = z
  .object({
    level: z.enum(RESPONSE_LEVELS),
    when: triggerConditionSchema,
    /** The condition in words, as the plan states it; shown after "符合《…》Ⅲ级启动条件：". */
    text: text(200),
  })
  .strict();
export type PlanTrigger = z.infer<typeof planTriggerSchema>;

export const planLevelSchema = z
  .object({
    /** Who leads at this level (市应急指挥部, the lead department…). */
    lead: text(80),
    /** Roles that may declare, raise to or lower to this level, and end a response at it. */
    declaredBy: z.array(roleId).min(1),
    /** What the level means for this plan (scale, losses). */
    criteria: text(400),
  })
  .strict();
export type PlanLevel = z.infer<typeof planLevelSchema>;

export const planTaskSchema = z
  .object({
    /** Stable within the plan (a task keeps its key across versions). */
    key: z.string().regex(/^[a-z0-9-]{2,40}$/, '任务 key 只能含 a–z、0–9 和 "-"'),
    departmentId,
    role: z.enum(['lead', 'support']),
    title: text(120),
    /** Levels at which the task is issued. */
    levels: z.array(z.enum(RESPONSE_LEVELS)).min(1),
    /** Deadline in minutes after activation (or after the level that brought the task in). */
    dueMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    checklist: z.array(text(120)).min(1).max(20),
  })
  .strict();
export type PlanTask = z.infer<typeof planTaskSchema>;

export const planResourceSchema = z
  .object({
    /** A unit type of the platform, or `other` for what it does not track (sandbags, pumps…). */
    unitType: z.enum([...UNIT_TYPES, 'other']),
    label: text(60),
    /** How many at each level; levels left out need none. */
    count: z.partialRecord(z.enum(RESPONSE_LEVELS), z.number().int().min(0).max(100000)),
  })
  .strict();
export type PlanResource = z.infer<typeof planResourceSchema>;

export const planNoticeSchema = z
  .object({
    departmentIds: z.array(departmentId).min(1),
    levels: z.array(z.enum(RESPONSE_LEVELS)).min(1),
    /** Who else is told, in words (上级, 驻哈部队…): not addressed by the platform. */
    also: z.array(text(80)).default([]),
  })
  .strict();

export const planSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,60}$/, '预案 id 只能含 a–z、0–9 和 "-"，且须与文件名相同'),
    /** Raised whenever the content changes; a response records the version it was declared under. */
    version: z.number().int().min(1),
    title: text(60),
    hazard: text(40),
    legalBasis: z.array(text(120)).min(1),
    owner: z.object({ departmentId, name: text(80) }).strict(),
    effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '须为日期（YYYY-MM-DD）'),
    triggers: z.array(planTriggerSchema).min(1),
    levels: z.object({ I: planLevelSchema, II: planLevelSchema, III: planLevelSchema, IV: planLevelSchema }).strict(),
    tasks: z.array(planTaskSchema).min(1),
    resources: z.array(planResourceSchema).min(1),
    notify: z.array(planNoticeSchema).min(1),
    /** 信息报送: 首报 within `firstMinutes` of activation, 续报 every `followUpMinutes`, 终报 within `finalHours` of the end. */
    reporting: z
      .object({
        firstMinutes: z.number().int().min(5).max(240),
        firstWrittenMinutes: z.number().int().min(5).max(480),
        followUpMinutes: z
          .number()
          .int()
          .min(10)
          .max(24 * 60),
        finalHours: z
          .number()
          .int()
          .min(1)
          .max(30 * 24),
      })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const keys = new Set<string>();
    p.tasks.forEach((t, i) => {
      if (keys.has(t.key)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'key'], message: `任务 key "${t.key}" 重复` });
      keys.add(t.key);
    });
    for (const level of RESPONSE_LEVELS) {
      if (!p.tasks.some((t) => t.levels.includes(level) && t.role === 'lead')) {
        ctx.addIssue({ code: 'custom', path: ['tasks'], message: `${level} 级响应没有牵头（lead）任务` });
      }
    }
  });
export type Plan = z.infer<typeof planSchema>;

/** `GET /api/plans`: every plan in force. */
export type PlanListResponse = Plan[];
