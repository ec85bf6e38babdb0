import { z } from 'zod';

/** Error codes shared by the API and the web client. One place maps each to an HTTP status (gateway/errors.ts). */
export const ERROR_CODES = [
  'bad_request',
  'invalid_coordinates',
  'outside_area',
  'far_from_road',
  'unreachable',
  'invalid_bbox',
  'invalid_tile',
  'unknown_layer',
  'unknown_kind',
  'invalid_geometry',
  'not_found',
  'unauthenticated',
  'forbidden',
  'locked',
  'rate_limited',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error response: a code a program can branch on and a message a person can act on. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; requestId?: string; details?: unknown };
}

/**
 * What a client accepts as an error body: any code string (a newer server may add codes), the message to show.
 * The server's own answers are typed by `ApiErrorBody`.
 */
export const apiErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string().optional(), details: z.unknown().optional() }),
});
