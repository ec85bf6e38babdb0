import type { Request } from 'express';

const changes = new WeakMap<Request, Record<string, unknown>>();

/**
 * Attaches what a command changed (a mode from → to, a unit's status from → to, a case's state) to the request, for
 * the audit row the access middleware writes when the command completes (gateway/policy/http.ts). Several calls
 * merge. Secrets and ID-card numbers are stripped when the row is written, as for every detail.
 */
export function auditChange(req: Request, change: Record<string, unknown>): void {
  changes.set(req, { ...changes.get(req), ...change });
}

/** What the handler said it changed, if anything. */
export function changeOf(req: Request): Record<string, unknown> | undefined {
  return changes.get(req);
}

/** The command's input as the authorised row records it: the JSON body, the route parameters left to the path. */
export function commandInput(req: Request): unknown {
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? body : undefined;
}
