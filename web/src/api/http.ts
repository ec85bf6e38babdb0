import { z } from 'zod';
import { apiErrorBodySchema } from '../../../contracts/errors';

/**
 * The browser's one HTTP client: JSON (or a raw file) out with the session cookie, every answer parsed with its
 * contract schema, every failure one ApiError whose message is what the server said, for people.
 */

/**
 * A failed API call: the HTTP status (0 when there is none: the gateway was not reached, code `network`, or the call
 * was a socket request), the error code and the message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body's `details` (e.g. an OGC filter error's `parameter`, `offset` and `excerpt`), when given. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * What answers tell the session: signed-in answers carry the new idle deadline (for the expiry warning), and a 401
 * outside the sign-in endpoints means the session ended. The session provider sets these.
 */
export const sessionSignals: {
  idle: ((idleExpiresAt: string) => void) | null;
  unauthenticated: ((message: string) => void) | null;
} = { idle: null, unauthenticated: null };

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Sends a request to the gateway and parses the answer with `schema`, so the rest of the app only sees checked data.
 * `body` is sent as JSON, or as it is when a Blob (an image upload, with the Blob's type).
 */
export async function call<T>(
  method: Method,
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    headers['content-type'] = body.type || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers, body: payload, signal });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const idle = res.headers.get('x-session-idle-expires');
  if (idle) sessionSignals.idle?.(idle);
  const answer: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = apiErrorBodySchema.safeParse(answer);
    const message = err.success ? err.data.error.message : `${path} 返回 HTTP ${res.status}`;
    if (res.status === 401 && !path.startsWith('/api/auth/')) sessionSignals.unauthenticated?.(message);
    throw new ApiError(
      res.status,
      err.success ? err.data.error.code : 'http_error',
      message,
      err.success ? err.data.error.details : undefined,
    );
  }
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `${path} 的响应格式不符：${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** GETs JSON from the gateway, parsed with `schema`. */
export const getJson = <T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> =>
  call('GET', path, schema, undefined, signal);

/** The schema of an answer without a body (204). */
export const noContent = z.undefined();

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** True when a request never reached the gateway (offline, DNS, connection refused): worth retrying later. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError || (err instanceof ApiError && err.code === 'network');
}

/** A message for any failure, for display. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
