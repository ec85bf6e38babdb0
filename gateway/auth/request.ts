import type { Request } from 'express';
import { AppError } from '../http/errors';
import type { Principal } from './principal';

/** The principal the access middleware attached; routes behind a non-public action always have one. */
export function principalOf(req: Request): Principal {
  const p = req.auth?.principal;
  if (!p) throw new AppError('unauthenticated', '请先登录');
  return p;
}

/** Where a request came from, for audit rows. */
export function origin(req: Request): { sourceIp: string | null; requestId: string | null } {
  return { sourceIp: req.ip ?? null, requestId: req.id === undefined ? null : String(req.id) };
}
