import { z } from 'zod';
import type {
  CancelWarningResponse,
  PublicWarning,
  PublishWarningInput,
  UpdateWarningResponse,
  WarningAreasResponse,
  WarningListResponse,
} from '../../../contracts/warnings';
import { call, getJson } from '../api/http';

/**
 * The public warnings API (预警). Answers are checked at the level the pages rely on (ids, states, geometry); the
 * records themselves are the contract's types, written by the same gateway.
 */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const warningSchema = z.custom<PublicWarning>(
  (v) =>
    record(v) &&
    typeof v.id === 'string' &&
    typeof v.level === 'string' &&
    typeof v.state === 'string' &&
    typeof v.expiresAt === 'string' &&
    record(v.geometry),
  'a warning',
);
const listSchema: z.ZodType<WarningListResponse> = z.object({ warnings: z.array(warningSchema), seq: z.number() });
const areasSchema = z.custom<WarningAreasResponse>(
  (v) => record(v) && Array.isArray(v.districts) && Array.isArray(v.streets),
  'area choices',
);
const updateSchema: z.ZodType<UpdateWarningResponse> = z.object({ warning: warningSchema, replaced: warningSchema });
const cancelSchema: z.ZodType<CancelWarningResponse> = z.object({ notice: warningSchema, cancelled: warningSchema });

const path = (id: string, rest: string) => `/api/warnings/${encodeURIComponent(id)}/${rest}`;

export const warningsApi = {
  active: (signal?: AbortSignal) => getJson('/api/warnings', listSchema, signal),
  areas: (signal?: AbortSignal) => getJson('/api/warnings/areas', areasSchema, signal),
  publish: (input: PublishWarningInput) => call('POST', '/api/warnings', warningSchema, input),
  update: (id: string, input: PublishWarningInput) => call('POST', path(id, 'update'), updateSchema, input),
  cancel: (id: string, reason: string) => call('POST', path(id, 'cancel'), cancelSchema, { reason }),
};

/** Where a warning's CAP 1.2 document is served (public). */
export const capUrl = (w: Pick<PublicWarning, 'id'>) => `/api/warnings/${encodeURIComponent(w.id)}.cap`;
