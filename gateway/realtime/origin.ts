import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking guard. Browsers always send Origin on cross-origin requests, so a request
 * with an Origin must come from the gateway's own origin (Origin host = Host header) or from the
 * ALLOWED_ORIGINS allow-list. Requests without Origin come from non-browser clients (wall controllers,
 * integrations); they carry no ambient cookie of a victim and must authenticate like anyone else.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, allowList: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowList.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === req.headers.host;
  } catch {
    return false;
  }
}
