import { z } from 'zod';
import { HARBIN_BOUNDS } from './geo';

/**
 * The information-resource catalogue and its sharing (政务信息资源共享): every catalogue entry is 强制共享 (open to
 * every department), 条件共享 (a department asks, the providing department answers) or 不予共享 (never offered).
 * Wire types shared by the gateway and the web app.
 */

export const SHARING_CLASSES = ['mandatory', 'conditional', 'none'] as const;
export type SharingClass = (typeof SHARING_CLASSES)[number];
export const SHARING_CLASS_LABELS: Record<SharingClass, string> = {
  mandatory: '强制共享',
  conditional: '条件共享',
  none: '不予共享',
};

/**
 * What the caller may do with a resource: `open` (a public base layer, or 强制共享), `policy` (the role reads it
 * anyway), `granted` (an approved 条件共享 request is in force), `requestable` (条件共享, not yet granted),
 * `not_offered` (不予共享), `not_eligible` (the account may not ask for resources).
 */
export type SharingAccess = 'open' | 'policy' | 'granted' | 'requestable' | 'not_offered' | 'not_eligible';

/** `[west, south, east, north]` in WGS-84 longitude/latitude. */
export type SharingArea = [number, number, number, number];

export interface SharingField {
  name: string;
  title: string;
}

export interface SharingGrantSummary {
  requestId: string;
  fields: string[];
  area: SharingArea;
  validFrom: string;
  validUntil: string;
  conditions: string | null;
}

/** One entry of the information-resource catalogue, as the caller sees it. */
export interface SharingResource {
  /** The catalogue layer (`/ogc/collections/{id}`). */
  id: string;
  name: string;
  summary: string;
  sharingClass: SharingClass;
  /** The law, regulation or rule the class rests on. */
  legalBasis: string;
  provider: { id: string; name: string };
  updateCycle: string;
  formats: string[];
  coverage: string;
  contact: string;
  geometryType: string;
  fields: SharingField[];
  /** Served as vector tiles too. */
  tiles: boolean;
  access: SharingAccess;
  /** The grant in force for the caller's department, for `granted`. */
  grant: SharingGrantSummary | null;
}

export const SHARING_REQUEST_STATES = ['pending', 'approved', 'refused'] as const;
export type SharingRequestState = (typeof SHARING_REQUEST_STATES)[number];
export const SHARING_STATE_LABELS: Record<SharingRequestState | 'expired', string> = {
  pending: '待答复',
  approved: '已同意',
  refused: '已拒绝',
  expired: '已到期',
};

export interface SharingRequest {
  id: string;
  resource: string;
  resourceName: string;
  requester: { username: string; displayName: string; department: { id: string; name: string } };
  provider: { id: string; name: string };
  purpose: string;
  fields: string[];
  area: SharingArea;
  validFrom: string;
  validUntil: string;
  state: SharingRequestState;
  /** Approved and past its end. */
  expired: boolean;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  granted: SharingGrantSummary | null;
  refusalReason: string | null;
  /** From the caller's side: asked by the caller's department, asked of it, or seen by an administrator. */
  direction: 'outgoing' | 'incoming' | 'other';
}

/** The longest period a 条件共享 grant may run (one year). */
export const MAX_SHARING_DAYS = 366;

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}至少 ${min} 个字`)
    .max(max, `${label}至多 ${max} 字`);

const fieldName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, '字段名须为小写字母、数字或下划线');
const fields = z
  .array(fieldName, { error: '请选择字段' })
  .min(1, '至少选择一个字段')
  .max(60, '字段至多 60 个')
  .refine((f) => new Set(f).size === f.length, '字段不能重复');

const lon = z
  .number({ error: '经度须为数字' })
  .min(HARBIN_BOUNDS.west, '范围须在哈尔滨市域内')
  .max(HARBIN_BOUNDS.east, '范围须在哈尔滨市域内');
const lat = z
  .number({ error: '纬度须为数字' })
  .min(HARBIN_BOUNDS.south, '范围须在哈尔滨市域内')
  .max(HARBIN_BOUNDS.north, '范围须在哈尔滨市域内');
export const sharingAreaSchema = z
  .tuple([lon, lat, lon, lat], { error: '范围须为 [西, 南, 东, 北] 四个经纬度' })
  .refine(([w, s, e, n]) => w < e && s < n, '范围的西界须小于东界、南界须小于北界');

const instant = z.iso.datetime({ offset: true, error: '时间须为带时区的 ISO 8601 时间' });
const DAY_MS = 86_400_000;

/** The period's own rules, beside its end field: end after start, at most MAX_SHARING_DAYS. */
function checkPeriod(p: { validFrom: string; validUntil: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(p.validUntil) - Date.parse(p.validFrom);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', message: '结束时间须晚于开始时间', path: ['validUntil'] });
  else if (span > MAX_SHARING_DAYS * DAY_MS) {
    ctx.addIssue({ code: 'custom', message: `共享期限至多 ${MAX_SHARING_DAYS} 天`, path: ['validUntil'] });
  }
}

const resourceId = z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/, '资源编号须为小写字母、数字或下划线');
export const sharingRequestIdParam = z.object({ id: z.uuid({ error: '申请编号须为 UUID' }) });

/** A department's request for a 条件共享 resource: what for, which fields, where, for how long. */
export const sharingRequestInput = z
  .object({
    resource: resourceId,
    purpose: text('用途', 4, 500),
    fields,
    area: sharingAreaSchema,
    validFrom: instant,
    validUntil: instant,
  })
  .superRefine(checkPeriod);
export type SharingRequestInput = z.infer<typeof sharingRequestInput>;

/**
 * The providing department's answer: approve with conditions (the fields, area and period granted, each at most
 * what was asked), or refuse with a reason.
 */
export const sharingDecisionInput = z
  .discriminatedUnion(
    'decision',
    [
      z.object({
        decision: z.literal('approve'),
        fields,
        area: sharingAreaSchema,
        validFrom: instant,
        validUntil: instant,
        conditions: text('使用条件', 2, 500),
      }),
      z.object({ decision: z.literal('refuse'), reason: text('拒绝理由', 2, 500) }),
    ],
    { error: '答复须为 approve（同意）或 refuse（拒绝）' },
  )
  .superRefine((d, ctx) => {
    if (d.decision === 'approve') checkPeriod(d, ctx);
  });
export type SharingDecisionInput = z.infer<typeof sharingDecisionInput>;
