import type { Request, Response } from 'express';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin } from '../auth/request';
import { AppError } from '../http/errors';
import { resolveRequestPrincipal } from './http';

/** What the policy needs to know of a layer, whichever way it is served (OGC collection, vector tiles). */
export interface GuardedLayer {
  id: string;
  title: string;
  /** Open base layers: readable without a session or token. */
  public: boolean;
  /** The `layers` entry of data/policy.json for the others. */
  policyLayer?: string;
}

/** May this principal read the layer? Public layers: anyone; the others: roles of the policy's `layers` entry. */
export function mayReadLayer(identity: Identity, principal: Principal | null, layer: GuardedLayer): boolean {
  if (layer.public) return true;
  if (!principal || !layer.policyLayer) return false;
  return identity.policy.layer(principal, layer.policyLayer).allowed;
}

/**
 * The caller's right to read a layer, checked for routes the policy lists under a public action (OGC, tiles): a
 * public layer passes (the principal is resolved only when `resolveAlways`, e.g. to name an exporter); any other
 * needs a session or API token (401) whose role the policy's `layers` entry allows (403, audited like every refusal).
 */
export async function authorizeLayerRead(
  identity: Identity,
  req: Request,
  res: Response,
  layer: GuardedLayer,
  via: string,
  resolveAlways = false,
): Promise<Principal | null> {
  if (layer.public) return resolveAlways ? (await resolveRequestPrincipal(identity, req, res)).principal : null;
  const { principal } = await resolveRequestPrincipal(identity, req, res);
  if (!principal) throw new AppError('unauthenticated', `请先登录或使用 API 令牌：图层「${layer.title}」不公开`);
  await requireLayer(identity, req, principal, layer, via);
  return principal;
}

/**
 * The layer rule for a known principal: passes, or refuses with the policy's reason (403) after writing the refusal
 * to the audit log with the action it was asked under (`via`).
 */
export async function requireLayer(
  identity: Identity,
  req: Request,
  principal: Principal,
  layer: GuardedLayer,
  via: string,
): Promise<void> {
  if (layer.public) return;
  const decision = identity.policy.layer(principal, layer.policyLayer ?? '');
  if (decision.allowed) return;
  await identity.audit
    .append({
      ...origin(req),
      object: `${req.method} ${req.path}`,
      action: 'access.denied',
      outcome: 'denied',
      actor: actorOf(principal),
      detail: { action: via, layer: layer.id, reason: decision.reason },
    })
    .catch((err: unknown) => req.log?.error({ err }, 'could not audit an access denial'));
  throw new AppError(decision.code, decision.reason, { layer: layer.id });
}
