import type { Request, Router } from 'express';
import { z } from 'zod';
import { listApiTokens, revokeApiToken } from './api-tokens';
import type { Identity } from './identity';
import { actorOf } from './principal';
import { origin, principalOf } from './request';
import type { UserRecord } from './users';
import type { Queryable } from '../../geo/db/types';
import { AppError, parseInput } from '../http/errors';

const userParam = z.object({ id: z.string().min(1) });
const tokenParam = z.object({ id: z.string().min(1), tokenId: z.uuid('令牌编号应为 UUID') });

/**
 * The system administrator's view of another person's API tokens: list them (without their secret) and revoke one.
 * Both are audited; privileged accounts are refused by `target`, as everywhere in user administration.
 */
export function userTokenRoutes(r: Router, identity: Identity, target: (id: string, q: Queryable) => Promise<UserRecord>): void {
  const by = (req: Request) => ({ ...origin(req), actor: actorOf(principalOf(req)) });

  r.get('/admin/users/:id/tokens', async (req, res) => {
    const { id } = parseInput(userParam, req.params);
    const tokens = await identity.db().transaction(async (tx) => {
      const user = await target(id, tx);
      const list = await listApiTokens(tx, user.id);
      await identity.audit.appendIn(tx, {
        ...by(req),
        action: 'api_token.admin_read',
        outcome: 'ok',
        object: `user ${user.username}`,
        detail: { count: list.length },
      });
      return list;
    });
    res.json({ tokens });
  });

  r.delete('/admin/users/:id/tokens/:tokenId', async (req, res) => {
    const { id, tokenId } = parseInput(tokenParam, req.params);
    const token = await identity.db().transaction(async (tx) => {
      const user = await target(id, tx);
      const revoked = await revokeApiToken(tx, user.id, tokenId, identity.now());
      if (!revoked) throw new AppError('not_found', `用户 ${user.username} 没有编号为 ${tokenId} 的 API 令牌`);
      await identity.audit.appendIn(tx, {
        ...by(req),
        action: 'api_token.admin_revoke',
        outcome: 'ok',
        object: `api_token ${revoked.id}`,
        detail: { owner: user.username, label: revoked.label },
      });
      return revoked;
    });
    res.json({ token });
  });
}
