import { z } from 'zod';
import type { DutyHandover, DutyNowResponse, DutyShift, ShiftInput } from '../../../contracts/duty';
import type {
  ChannelStatus,
  ContactView,
  InboxItem,
  InboxResponse,
  NotificationDetail,
  NotificationSummary,
  SendNotification,
} from '../../../contracts/notify';
import { call } from '../api/http';

/** Duty and notifications as the wall, the duty page and the bell use them. */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = <T>(key: string, what: string) =>
  z.custom<Record<string, T[]>>((v) => record(v) && Array.isArray(v[key]), what).transform((v) => v[key]!);

const dutyNowSchema = z.custom<DutyNowResponse>(
  (v) => record(v) && typeof v.at === 'string' && Array.isArray(v.departments),
  'who is on duty',
);
const shiftSchema = z.custom<DutyShift>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.startsAt === 'string',
  'a shift',
);
const handoverSchema = z.custom<DutyHandover>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.note === 'string',
  'a handover',
);
const inboxSchema = z.custom<InboxResponse>(
  (v) => record(v) && Array.isArray(v.items) && typeof v.unacknowledged === 'number',
  'an inbox',
);
const inboxItemSchema = z.custom<InboxItem>((v) => record(v) && typeof v.recipientId === 'string', 'a notification');
const detailSchema = z.custom<NotificationDetail>(
  (v) => record(v) && typeof v.id === 'string' && Array.isArray(v.recipientList),
  'a notification',
);

export const dutyApi = {
  now: (signal?: AbortSignal) => call('GET', '/api/duty/now', dutyNowSchema, undefined, signal),
  shifts: (q: { from: string; to: string; departmentId?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ from: q.from, to: q.to, ...(q.departmentId ? { departmentId: q.departmentId } : {}) });
    return call('GET', `/api/duty/shifts?${params.toString()}`, listOf<DutyShift>('shifts', 'shifts'), undefined, signal);
  },
  addShift: (input: ShiftInput) => call('POST', '/api/duty/shifts', shiftSchema, input),
  cancelShift: (id: string) => call('DELETE', `/api/duty/shifts/${encodeURIComponent(id)}`, shiftSchema),
  importRoster: (csv: string) =>
    call(
      'POST',
      '/api/duty/shifts/import',
      z.custom<{ imported: number }>((v) => record(v) && typeof v.imported === 'number'),
      { csv },
    ),
  handovers: (departmentId: string | undefined, signal?: AbortSignal) =>
    call(
      'GET',
      `/api/duty/handovers${departmentId ? `?departmentId=${encodeURIComponent(departmentId)}` : ''}`,
      listOf<DutyHandover>('handovers', 'handovers'),
      undefined,
      signal,
    ),
  addHandover: (input: { departmentId: string; note: string; openItems: string[] }) =>
    call('POST', '/api/duty/handovers', handoverSchema, input),
  receiveHandover: (id: string) => call('POST', `/api/duty/handovers/${encodeURIComponent(id)}/receive`, handoverSchema),
};

export const notifyApi = {
  inbox: (signal?: AbortSignal) => call('GET', '/api/notify/inbox', inboxSchema, undefined, signal),
  ack: (recipientId: string) => call('POST', `/api/notify/inbox/${encodeURIComponent(recipientId)}/ack`, inboxItemSchema),
  channels: (signal?: AbortSignal) =>
    call('GET', '/api/notify/channels', listOf<ChannelStatus>('channels', 'channels'), undefined, signal),
  list: (signal?: AbortSignal) =>
    call(
      'GET',
      '/api/notify/notifications?limit=20',
      listOf<NotificationSummary>('notifications', 'notifications'),
      undefined,
      signal,
    ),
  detail: (id: string) => call('GET', `/api/notify/notifications/${encodeURIComponent(id)}`, detailSchema),
  send: (input: SendNotification) => call('POST', '/api/notify/notifications', detailSchema, input),
  contacts: (signal?: AbortSignal) =>
    call('GET', '/api/notify/contacts', listOf<ContactView>('contacts', 'contacts'), undefined, signal),
};
