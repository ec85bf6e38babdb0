import { z } from 'zod';

/** Duty (值班): shifts of the rosters, who is on duty now, handover notes. */
export const DUTY_ROLES = ['leader', 'officer', 'deputy'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];
export const DUTY_ROLE_LABELS: Record<DutyRole, string> = { leader: '带班领导', officer: '值班员', deputy: '备班' };

export interface DutyShift {
  id: string;
  departmentId: string;
  departmentName: string;
  userId: string;
  userName: string;
  dutyRole: DutyRole;
  startsAt: string;
  endsAt: string;
  note: string;
  cancelledAt: string | null;
}

/** `GET /api/duty/now`: per department with a shift now (the command centre first), who is on duty. */
export interface DutyNowDepartment {
  departmentId: string;
  departmentName: string;
  shifts: DutyShift[];
  /** The next shift change after `at` (the earliest end or start), or null. */
  nextChangeAt: string | null;
}
export interface DutyNowResponse {
  at: string;
  departments: DutyNowDepartment[];
}

export interface DutyHandover {
  id: string;
  departmentId: string;
  authorId: string;
  authorName: string;
  note: string;
  openItems: string[];
  createdAt: string;
  receivedBy: string | null;
  receivedName: string | null;
  receivedAt: string | null;
}

const isoTime = z.iso.datetime({ offset: true, error: '时间须为 ISO 8601 格式（含时区），如 2026-03-02T08:00:00+08:00' });
const departmentId = z.string({ error: '请选择部门' }).regex(/^[a-z0-9_-]{2,40}$/, '部门编号格式不正确');

const shiftFields = {
  departmentId,
  userId: z.uuid({ error: '值班人员编号格式不正确' }),
  dutyRole: z.enum(DUTY_ROLES, { error: '值班角色须为 leader（带班领导）、officer（值班员）或 deputy（备班）' }),
  startsAt: isoTime,
  endsAt: isoTime,
  note: z.string().max(500, '备注不超过 500 字').default(''),
};
const shiftTimes = (v: { startsAt?: string; endsAt?: string }) =>
  v.startsAt === undefined || v.endsAt === undefined || Date.parse(v.endsAt) > Date.parse(v.startsAt);
const shiftLength = (v: { startsAt?: string; endsAt?: string }) =>
  v.startsAt === undefined || v.endsAt === undefined || Date.parse(v.endsAt) - Date.parse(v.startsAt) <= 72 * 3600_000;

const SHIFT_ORDER = '结束时间须晚于开始时间';
const SHIFT_LENGTH = '一个班次不超过 72 小时';

export const shiftInputSchema = z
  .object(shiftFields)
  .strict()
  .refine(shiftTimes, { message: SHIFT_ORDER })
  .refine(shiftLength, { message: SHIFT_LENGTH });

/** A shift's start and end alone, under the same rules: the shift form checks its times with it before sending. */
export const shiftTimesSchema = z
  .object({ startsAt: isoTime, endsAt: isoTime })
  .refine(shiftTimes, { message: SHIFT_ORDER, path: ['endsAt'] })
  .refine(shiftLength, { message: SHIFT_LENGTH, path: ['endsAt'] });
export type ShiftInput = z.infer<typeof shiftInputSchema>;

export const shiftPatchSchema = z
  .object({ dutyRole: shiftFields.dutyRole, startsAt: isoTime, endsAt: isoTime, note: z.string().max(500, '备注不超过 500 字') })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '请至少修改一项' });
export type ShiftPatch = z.infer<typeof shiftPatchSchema>;

/** `POST /api/duty/shifts/import`: a roster as a list of shifts, or as CSV text (部门,用户名,角色,开始,结束,备注). */
export const rosterImportSchema = z.union(
  [
    z.object({ shifts: z.array(z.unknown()).min(1, '排班表为空').max(2000, '一次最多导入 2000 个班次') }).strict(),
    z.object({ csv: z.string().min(1, '排班表为空').max(500_000, 'CSV 不超过 500 KB') }).strict(),
  ],
  { error: '请提交 {"shifts": [...]} 或 {"csv": "..."}' },
);

export const shiftListQuerySchema = z
  .object({ from: isoTime.optional(), to: isoTime.optional(), departmentId: departmentId.optional() })
  .strict();

export const handoverInputSchema = z
  .object({
    departmentId,
    note: z.string({ error: '请填写交接内容' }).trim().min(1, '请填写交接内容').max(4000, '交接内容不超过 4000 字'),
    openItems: z
      .array(z.string().trim().min(1, '未结事项不能为空').max(200, '每项不超过 200 字'))
      .max(30, '未结事项最多 30 项')
      .default([]),
  })
  .strict();
export type HandoverInput = z.infer<typeof handoverInputSchema>;

export const handoverListQuerySchema = z.object({ departmentId: departmentId.optional() }).strict();
