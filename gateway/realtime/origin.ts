import type { IncomingMessage } from 'node:http';

/**
 * Whether a browser origin (`http://host:port`) may act on this gateway: its own origin (the origin's host is the
 * Host header the request came in with) or an entry of the ALLOWED_ORIGINS allow-list. The one rule for the
 * WebSocket handshake and for state-changing HTTP requests.
 */
export function originMatches(origin: string, host: string | undefined, allowList: readonly string[]): boolean {
  if (allowList.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin && host !== undefined && u.host === host;
  } catch {
    return false;
  }
}

/**
 * Cross-site WebSocket hijacking guard. Browsers always send Origin on cross-origin requests, so a request
 * with an Origin must pass `originMatches`. Requests without Origin come from non-browser clients (wall
 * controllers, integrations); they carry no ambient cookie of a victim and must authenticate like anyone else.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, allowList: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return originMatches(origin, req.headers.host, allowList);
}
