import { z } from 'zod';

/** Notifications (通知): channels, delivery states and the wire types of `/api/notify`. */
export const NOTIFY_CHANNELS = ['inapp', 'sms', 'email'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const CHANNEL_LABELS: Record<NotifyChannel, string> = { inapp: '站内', sms: '短信', email: '邮件' };
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  queued: '排队中',
  sending: '发送中',
  sent: '已发送',
  delivered: '已送达',
  failed: '失败',
};
export const RECIPIENT_REASON_LABELS = { direct: '指定', duty: '值班', fallback: '部门', escalation: '升级（备班）' } as const;
export type RecipientReason = keyof typeof RECIPIENT_REASON_LABELS;

/** `GET /api/notify/channels`: which channels are configured and ready. */
export interface ChannelStatus {
  channel: NotifyChannel;
  on: boolean;
  ready: boolean;
  detail: string;
}

/** One notification in a person's inbox (the bell), also pushed live as `notify:new`. */
export interface InboxItem {
  recipientId: string;
  notificationId: string;
  title: string;
  body: string;
  urgent: boolean;
  source: { kind: string; id: string };
  reason: RecipientReason;
  createdAt: string;
  acknowledgedAt: string | null;
}

export interface InboxResponse {
  items: InboxItem[];
  unacknowledged: number;
}

export interface DeliveryView {
  id: string;
  channel: NotifyChannel;
  address: string;
  state: DeliveryState;
  attempts: number;
  uncertain: boolean;
  lastError: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

export interface RecipientView {
  id: string;
  userId: string;
  displayName: string;
  departmentId: string | null;
  reason: RecipientReason;
  acknowledgedAt: string | null;
  escalatedAt: string | null;
  deliveries: DeliveryView[];
}

export interface NotificationSummary {
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  source: { kind: string; id: string };
  createdAt: string;
  recipients: number;
  acknowledged: number;
  /** Deliveries per state, over every recipient and channel. */
  states: Partial<Record<DeliveryState, number>>;
}

export interface NotificationDetail extends NotificationSummary {
  recipientList: RecipientView[];
}

const idText = z.string().trim().min(1, '编号不能为空');

/** `POST /api/notify/notifications`: a notification sent by hand (值班通知). */
export const sendNotificationSchema = z
  .object({
    title: z.string({ error: '请填写标题' }).trim().min(1, '请填写标题').max(200, '标题不超过 200 字'),
    body: z.string().max(4000, '正文不超过 4000 字').default(''),
    departmentIds: z
      .array(z.string().regex(/^[a-z0-9_-]{2,40}$/, '部门编号格式不正确'))
      .max(50, '部门最多 50 个')
      .default([]),
    userIds: z
      .array(z.uuid({ error: '用户编号格式不正确' }))
      .max(200, '用户最多 200 个')
      .default([]),
    urgent: z.boolean({ error: 'urgent 须为 true 或 false' }).default(false),
  })
  .strict()
  .refine((v) => v.departmentIds.length + v.userIds.length > 0, { message: '请至少选择一个部门或用户' });
export type SendNotification = z.infer<typeof sendNotificationSchema>;

/** `PUT /api/notify/contacts/:userId`: where a person is reached by SMS and e-mail. */
export const contactSchema = z
  .object({
    phone: z
      .string()
      .regex(/^\+?[0-9]{5,20}$/, '手机号须为 5–20 位数字')
      .nullable()
      .default(null),
    email: z.email({ error: '邮箱格式不正确' }).max(200, '邮箱不超过 200 字符').nullable().default(null),
  })
  .strict();
export type ContactInput = z.infer<typeof contactSchema>;

export interface ContactView {
  userId: string;
  username: string;
  displayName: string;
  departmentId: string | null;
  phone: string | null;
  email: string | null;
}

export const notificationListQuerySchema = z
  .object({
    limit: z.coerce
      .number({ error: 'limit 须为数字' })
      .int('limit 须为整数')
      .min(1, 'limit 至少为 1')
      .max(200, 'limit 至多 200')
      .default(50),
    sourceKind: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, '来源类型格式不正确')
      .optional(),
    sourceId: idText.max(200, '来源编号过长').optional(),
  })
  .strict();
