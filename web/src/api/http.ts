import { z } from 'zod';

/** A failed API call: the HTTP status, the server's error code and its message (written for people). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** GETs JSON from the gateway and parses it with `schema`, so the rest of the app only sees checked data. */
export async function getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = errorBody.safeParse(body);
    if (err.success) throw new ApiError(res.status, err.data.error.code, err.data.error.message);
    throw new ApiError(res.status, 'http_error', `${path} answered HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(res.status, 'bad_response', `unexpected response from ${path}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
