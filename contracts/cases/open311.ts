import { z } from 'zod';
import { CASE_CHANNELS, type CaseChannel } from './code-tables';
import { categoryCode } from './fields';

/** Open311 GeoReport v2 over the cases, and the channel keys that submit to it. */

export const OPEN311_BASE = '/open311/v2';
/** GeoReport v2 names the answer's format by the path's extension: every path is served as `.json` and `.xml`. */
export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];
export const OPEN311_PATHS = {
  discovery: (f: Open311Format) => `${OPEN311_BASE}/discovery.${f}`,
  services: (f: Open311Format) => `${OPEN311_BASE}/services.${f}`,
  /** `/services/{service_code}.{format}`: one path segment, matched as `:file`. */
  service: `${OPEN311_BASE}/services/:file`,
  requests: (f: Open311Format) => `${OPEN311_BASE}/requests.${f}`,
  /** `/requests/{service_request_id}.{format}`. */
  request: `${OPEN311_BASE}/requests/:file`,
} as const;
/** Where GeoReport clients post their forms (one path per answer format). */
export const OPEN311_POST_PATHS: readonly string[] = OPEN311_FORMATS.map((f) => OPEN311_PATHS.requests(f));
/** The jurisdiction this endpoint serves; GeoReport's `jurisdiction_id` must name it when it is sent. */
export const OPEN311_JURISDICTION = 'harbin';

/** The system administrator's list of channels and the revocation of one key. */
export const OPEN311_ADMIN_PATHS = {
  channels: '/api/open311/channels',
  revoke: '/api/open311/channels/:id/revoke',
} as const;

/** Why a channel's key is revoked: kept in the audit log. */
export const channelRevokeInput = z
  .object({
    reason: z.string({ error: '请说明撤销原因' }).trim().min(2, '请说明撤销原因（至少 2 个字）').max(200, '撤销原因至多 200 字'),
  })
  .strict();

export const channelKeyInput = z
  .object({
    channel: z.enum(CASE_CHANNELS),
    name: z.string().trim().min(2).max(100),
  })
  .strict();

export interface ChannelKeyResponse {
  id: number;
  channel: CaseChannel;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

// Open311 GeoReport v2 (wire names as the specification spells them)

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/**
 * One service request. The public form carries what a public case page shows (category, status, dates, the unit-grid
 * cell's position and its street as the place); the description, the reported address and point are given only to
 * the channel that submitted the request, by its api_key.
 */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

/** GeoReport's ISO 8601 date and time (an offset is required: a bare local time would be read in another zone). */
const isoDateTime = z.iso.datetime({ offset: true, error: '须为带时区偏移的 ISO 8601 日期时间，例如 2026-12-07T20:00:00+08:00' });

/** Form clients send a field they leave empty as `name=`: read as not given. */
const blankIsMissing = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema);

/** What a channel may send; its location is a lat/long pair, an `address_string` (geocoded) or an `address_id`. */
export const open311PostInput = z
  .object({
    api_key: z.string({ error: 'api_key 必填' }).min(1, 'api_key 必填'),
    jurisdiction_id: z.string().max(64).optional(),
    service_code: categoryCode,
    lat: blankIsMissing(z.coerce.number({ error: 'lat 须为数字' }).finite().min(-90).max(90).optional()),
    long: blankIsMissing(z.coerce.number({ error: 'long 须为数字' }).finite().min(-180).max(180).optional()),
    address_string: z.string().trim().max(400).optional(),
    /** The unit-grid cell (单元网格, GB/T 30428.1) the problem lies in: its 15-digit code. */
    address_id: blankIsMissing(
      z
        .string()
        .regex(/^\d{15}$/, 'address_id 须为 15 位单元网格编码')
        .optional(),
    ),
    description: z.string().trim().min(2, 'description 至少 2 个字').max(2000),
    email: z.string().max(200).optional(),
    phone: z.string().max(40).optional(),
    first_name: z.string().max(100).optional(),
    last_name: z.string().max(100).optional(),
    media_url: blankIsMissing(
      z
        .url({ protocol: /^https?$/, error: 'media_url 须为 http(s) 网址' })
        .max(1000, 'media_url 不能超过 1000 个字符')
        .optional(),
    ),
    device_id: z.string().max(64).optional(),
    account_id: z.string().max(64).optional(),
    /** Not in GeoReport v2: the channel's own request id; resubmitting it returns the same service request. */
    idempotency_key: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotency_key 须为 8–64 个字符，只含 A–Z、a–z、0–9、"_" 或 "-"')
      .optional(),
  })
  .refine((v) => (v.lat === undefined) === (v.long === undefined), {
    message: 'lat 和 long 须同时给出',
  })
  .refine((v) => v.lat !== undefined || !!v.address_string || v.address_id !== undefined, {
    message: '须给出位置：lat 和 long、address_string 或 address_id',
  });
export type Open311PostInput = z.infer<typeof open311PostInput>;

export const open311RequestsQuery = z.object({
  /** A channel's key (or the X-Api-Key header): its own requests are answered in full. */
  api_key: z.string().max(200).optional(),
  service_request_id: z.string().max(2000).optional(),
  service_code: z.string().max(200).optional(),
  start_date: isoDateTime.optional(),
  end_date: isoDateTime.optional(),
  status: z.enum(['open', 'closed']).optional(),
  jurisdiction_id: z.string().max(64).optional(),
});

/** The query every other GeoReport path reads: only the jurisdiction. */
export const open311PlainQuery = z.object({ jurisdiction_id: z.string().max(64).optional() });

/** GeoReport v2 attribute datatypes. */
export const OPEN311_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;

/** One attribute of a service definition (`GET /services/{code}.{format}`), as GeoReport v2 names its fields. */
export interface Open311Attribute {
  /** False for a notice shown to the caller and not asked. */
  variable: boolean;
  code: string;
  datatype: (typeof OPEN311_DATATYPES)[number];
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  /** For the list datatypes only. */
  values?: { key: string; name: string }[];
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

/** The answer to a POST: the new (or, for a repeated idempotency_key, the earlier) request. */
export interface Open311PostResponse {
  service_request_id: string;
  service_notice: string | null;
  account_id: string | null;
}

/** `discovery.{format}`: where the endpoint is and what it speaks. */
export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: 'production' | 'test'; formats: string[] }[];
}

/** A channel as the system administrator sees it: never its key, which only the channel holds. */
export interface Open311ChannelSummary {
  id: number;
  channel: CaseChannel;
  name: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  /** Service requests it has submitted, and when it last did. */
  requests: number;
  lastRequestAt: string | null;
}
