import type { Request, Response } from 'express';
import type { Change, ChangeLayer } from '../../contracts/incidents';
import { TILE_LAYERS_BY_ID } from '../../geo/tiles';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin } from '../auth/request';
import { AppError } from '../http/errors';
import { sharedLayerRead, sharedWithEveryDepartment } from '../sharing/access';
import { resolveRequestPrincipal } from './http';
import type { Denial, Policy } from './policy';
import { caseInScope } from './scope';

type Access = Denial | { allowed: true };

/**
 * What the policy needs to know of a layer, whichever way it is served: a catalogue entry (OGC collection) and its
 * tile layer carry the same facts (geo/catalog/layers.ts), so both are guarded by the same `layers` entry.
 */
export interface GuardedLayer {
  id: string;
  title: string;
  /** Open base layers: readable without a session or token. */
  public: boolean;
  /** The `layers` entry of data/policy.json for the others. */
  policyLayer?: string;
}

/** Does the principal's role alone grant the layer (its `layers` entry), before any sharing? */
export function roleGrantsLayer(policy: Policy, principal: Principal, layer: GuardedLayer): boolean {
  return !!layer.policyLayer && policy.layer(principal, layer.policyLayer).allowed;
}

/**
 * May this principal read the layer? Public layers: anyone; the others: roles of the policy's `layers` entry, and
 * every department's accounts for 强制共享 layers.
 */
export function mayReadLayer(identity: Identity, principal: Principal | null, layer: GuardedLayer): boolean {
  if (layer.public) return true;
  if (!principal || !layer.policyLayer) return false;
  return roleGrantsLayer(identity.policy, principal, layer) || sharedWithEveryDepartment(identity.policy, principal, layer.id);
}

/**
 * May the principal join a layer's live room (`layer:subscribe`, then `tiles:invalidate` for its changed tiles)?
 * A tile layer: exactly when it may read the layer's tiles over HTTP (`/tiles/{layer}/…`); any other name: the
 * policy's `layers` entry of that name.
 */
export function liveLayerAccess(policy: Policy, principal: Principal, layerId: string): Access {
  const guard: GuardedLayer = TILE_LAYERS_BY_ID.get(layerId) ?? {
    id: layerId,
    title: layerId,
    public: false,
    policyLayer: layerId,
  };
  if (guard.public) return { allowed: true };
  const decision = policy.layer(principal, guard.policyLayer ?? layerId);
  if (!decision.allowed && sharedWithEveryDepartment(policy, principal, guard.id)) return { allowed: true };
  if (decision.allowed || guard.policyLayer === layerId || principal.mustChangePassword) return decision;
  // Refused under another entry's name (the cases tiles are guarded by `case_statistics`): name the layer asked for.
  return { ...decision, reason: `无权限：${policy.describe(principal)}不能查看图层「${layerId}」的全部要素` };
}

/**
 * The HTTP read that serves each change layer's snapshot. Its live changes and their replay carry the same records,
 * so they are decided by that read's policy action: who may not `GET /api/incidents` gets no incident change.
 */
export const CHANGE_LAYER_READS: Record<ChangeLayer, string> = {
  incidents: '/api/incidents',
  units: '/api/units',
  gauges: '/api/gauges',
  cases: '/api/cases',
  sirens: '/api/airdefense/sirens',
  shelters: '/api/shelters',
  warnings: '/api/warnings',
  responses: '/api/responses',
  response_tasks: '/api/responses/tasks',
  duty: '/api/duty/now',
};

/** May the principal receive a change layer (`changes:subscribe`, replay, live batches)? As for its HTTP read. */
export function changeLayerAccess(policy: Policy, principal: Principal, layer: ChangeLayer): Access {
  const read = policy.httpAction('GET', CHANGE_LAYER_READS[layer]);
  if (!read) return { allowed: false, code: 'forbidden', reason: `实时图层 ${layer} 没有对应的读取权限` };
  const decision = policy.authorize(principal, read.actionId);
  if (decision.allowed) return { allowed: true };
  return { allowed: false, code: decision.code, reason: `${decision.reason}，因此不能订阅图层「${layer}」的实时变更` };
}

/** One change for one principal: its layer's read, and for a case the principal's case scope too. */
export function mayReceiveChange(policy: Policy, principal: Principal, layer: ChangeLayer, change: Change): boolean {
  if (!changeLayerAccess(policy, principal, layer).allowed) return false;
  return !change.case || caseInScope(policy, principal, change.case);
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
  // What the role alone may not read, 强制共享 and a 条件共享 grant in force may open (gateway/sharing/access.ts).
  const shared = await sharedLayerRead(identity, req, principal, layer.id, via);
  if (shared?.allowed) return;
  const refusal = shared ?? decision;
  await identity.audit
    .append({
      ...origin(req),
      object: `${req.method} ${req.path}`,
      action: 'access.denied',
      outcome: 'denied',
      actor: actorOf(principal),
      detail: { action: via, layer: layer.id, reason: refusal.reason },
    })
    .catch((err: unknown) => req.log?.error({ err }, 'could not audit an access denial'));
  throw new AppError(refusal.code, refusal.reason, { layer: layer.id });
}
