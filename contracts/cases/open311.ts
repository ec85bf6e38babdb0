import { z } from 'zod';
import { CASE_CHANNELS, type CaseChannel } from './code-tables';
import { categoryCode } from './fields';

/** Open311 GeoReport v2 over the cases, and the channel keys that submit to it. */

export const OPEN311_BASE = '/open311/v2';
export const OPEN311_PATHS = {
  services: `${OPEN311_BASE}/services.json`,
  requests: `${OPEN311_BASE}/requests.json`,
  request: `${OPEN311_BASE}/requests/:id.json`,
} as const;

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

export const open311PostInput = z.object({
  api_key: z.string({ error: 'api_key is required' }).min(1, 'api_key is required'),
  service_code: categoryCode,
  lat: z.coerce.number().finite().min(-90).max(90),
  long: z.coerce.number().finite().min(-180).max(180),
  description: z.string().trim().min(2, 'description is at least 2 characters').max(2000),
  address_string: z.string().max(400).optional(),
  email: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  media_url: z.string().max(1000).optional(),
  device_id: z.string().max(64).optional(),
  account_id: z.string().max(64).optional(),
  jurisdiction_id: z.string().max(64).optional(),
  /** Not in GeoReport v2: the channel's own request id; resubmitting it returns the same service request. */
  idempotency_key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotency_key is 8–64 characters of A–Z, a–z, 0–9, "_" or "-"')
    .optional(),
});

export const open311RequestsQuery = z.object({
  /** A channel's key (or the X-Api-Key header): its own requests are answered in full. */
  api_key: z.string().max(200).optional(),
  service_request_id: z.string().max(2000).optional(),
  service_code: z.string().max(200).optional(),
  start_date: z.string().datetime({ offset: true }).optional(),
  end_date: z.string().datetime({ offset: true }).optional(),
  status: z.enum(['open', 'closed']).optional(),
});
