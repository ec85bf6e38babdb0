import type { ErrorCode } from './errors';

/**
 * The acknowledgement a client→server socket event is answered with: its data, or an error coded as HTTP answers
 * are. Its own module because every event map (realtime, media, conferences) uses it.
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
export type AckFn<T> = (result: Ack<T>) => void;
