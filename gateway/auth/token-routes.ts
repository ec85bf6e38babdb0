import { Router } from 'express';
import { z } from 'zod';
import { createApiTokenSchema } from '../../contracts/identity';
import { issueApiToken, listApiTokens, revokeApiToken } from './api-tokens';
import { identityOf } from './identity';
import { actorOf } from './principal';
import { origin, principalOf } from './request';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';

const tokenIdParam = z.object({ id: z.uuid('token id is a UUID') });

/** Self-service API tokens for GIS clients: list, issue (shown once), revoke; issuing and revoking are audited. */
export function apiTokenRoutes(deps: AppDeps): Router {
  const identity = identityOf(deps);
  const r = Router();

  r.get('/auth/tokens', async (req, res) => {
    res.json(await listApiTokens(identity.db(), principalOf(req).userId));
  });

  r.post('/auth/tokens', async (req, res) => {
    const p = principalOf(req);
    const body = parseInput(createApiTokenSchema, req.body);
    const issued = await identity.db().transaction(async (tx) => {
      const token = await issueApiToken(tx, p.userId, body, identity.now());
      await identity.audit.appendIn(tx, {
        ...origin(req),
        action: 'api_token.issue',
        outcome: 'ok',
        actor: actorOf(p),
        object: `api_token ${token.id}`,
        detail: { label: token.label, expiresAt: token.expiresAt },
      });
      return token;
    });
    res.status(201).json(issued);
  });

  r.delete('/auth/tokens/:id', async (req, res) => {
    const p = principalOf(req);
    const { id } = parseInput(tokenIdParam, req.params);
    const revoked = await identity.db().transaction(async (tx) => {
      const token = await revokeApiToken(tx, p.userId, id, identity.now());
      if (!token) return null;
      await identity.audit.appendIn(tx, {
        ...origin(req),
        action: 'api_token.revoke',
        outcome: 'ok',
        actor: actorOf(p),
        object: `api_token ${token.id}`,
        detail: { label: token.label },
      });
      return token;
    });
    if (!revoked) throw new AppError('not_found', `你没有编号为 ${id} 的 API 令牌：请核对编号，或刷新令牌列表`);
    res.json(revoked);
  });

  return r;
}
