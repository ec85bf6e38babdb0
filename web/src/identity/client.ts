import { z } from 'zod';
import { ApiError } from '../api/http';

/**
 * Calls to the gateway's identity, administration and audit API. Every response is parsed with a schema;
 * errors become ApiError with the server's message (written for people). Responses to signed-in requests
 * carry the new idle deadline, which the session keeps for its expiry warning.
 */
export const clientEvents: {
  idle: ((idleExpiresAt: string) => void) | null;
  unauthenticated: ((message: string) => void) | null;
} = { idle: null, unauthenticated: null };

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const idle = res.headers.get('x-session-idle-expires');
  if (idle) clientEvents.idle?.(idle);
  const payload: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = errorBody.safeParse(payload);
    const message = err.success ? err.data.error.message : `${path} 返回 HTTP ${res.status}`;
    if (res.status === 401 && !path.startsWith('/api/auth/')) clientEvents.unauthenticated?.(message);
    throw new ApiError(res.status, err.success ? err.data.error.code : 'http_error', message);
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `${path} 的响应格式不符：${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const noContent = z.undefined();

/** A message for any failure, for display. */
export function messageOf(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}
