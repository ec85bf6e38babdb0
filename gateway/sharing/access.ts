import type { Request } from 'express';
import type { SharingGrantSummary } from '../../contracts/sharing';
import type { Queryable } from '../../geo/db/types';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin } from '../auth/request';
import type { Denial, Policy } from '../policy/policy';
import { sharingCatalogue } from './catalogue';
import { ogcScopeProblem, tileScopeProblem, type SharingGrant } from './rules';
import { activeGrants } from './store';

/** The policy action of asking for a resource: who holds it speaks for their department in sharing. */
export const SHARING_REQUEST_ACTION = 'sharing.request';

/** May the principal take part in sharing for a department (强制共享 reads, asking for 条件共享)? */
export function sharingEligible(policy: Policy, principal: Principal): principal is Principal & { department: { id: string } } {
  return (
    principal.department !== null &&
    principal.kind === 'person' &&
    !principal.mustChangePassword &&
    policy.authorize(principal, SHARING_REQUEST_ACTION).allowed
  );
}

/** The fields a layer's vector tiles carry (its properties and the column its feature ids come from). */
function tileFieldsOf(layerId: string): string[] {
  const tiles = sharingCatalogue().get(layerId)?.layer.tiles as { properties: readonly string[]; featureId?: string } | undefined;
  return tiles ? [...tiles.properties, ...(tiles.featureId ? [tiles.featureId] : [])] : [];
}

const QUERY_AUDIT_CHARS = 500;

/**
 * Sharing's answer for a read of a non-public layer that the policy's `layers` entry refused: allowed for 强制共享
 * layers (any department's eligible account) and for OGC and tile reads that stay inside a 条件共享 grant in force
 * for the reader's department; a refusal naming the grant's limits for one that goes beyond them; null when sharing
 * has nothing to say (不予共享, no grant, not eligible), so the policy's own refusal stands. Every read it allows is
 * written to the audit log (`sharing.use`) before any data is sent.
 */
export async function sharedLayerRead(
  identity: Identity,
  req: Request,
  principal: Principal,
  layerId: string,
  via: string,
): Promise<{ allowed: true } | Denial | null> {
  const resource = sharingCatalogue().get(layerId);
  if (!resource || resource.sharingClass === 'none' || !sharingEligible(identity.policy, principal)) return null;
  const pathname = new URL(req.originalUrl, 'http://local').pathname;
  const use = async (grant: SharingGrant | null) => {
    await identity.audit.append({
      ...origin(req),
      action: 'sharing.use',
      outcome: 'ok',
      actor: actorOf(principal),
      object: `${req.method} ${pathname}`,
      detail: {
        resource: layerId,
        sharingClass: resource.sharingClass,
        via,
        ...(grant ? { request: grant.requestId, validUntil: grant.validUntil.toISOString() } : {}),
        query: new URL(req.originalUrl, 'http://local').search.slice(0, QUERY_AUDIT_CHARS),
      },
    });
    return { allowed: true } as const;
  };
  if (resource.sharingClass === 'mandatory') return use(null);
  if (via !== 'ogc.read' && via !== 'tiles.read') return null;
  const grants = await activeGrants(identity.db(), principal.department.id, layerId, identity.now());
  if (grants.length === 0) return null;
  const query = req.query as Record<string, unknown>;
  let problem: string | null = null;
  for (const grant of grants) {
    const p =
      via === 'ogc.read'
        ? ogcScopeProblem(grant, resource.layer, pathname, query)
        : tileScopeProblem(grant, tileFieldsOf(layerId), pathname);
    if (p === null) return use(grant);
    problem ??= p;
  }
  return { allowed: false, code: 'forbidden', reason: `超出共享授权：${problem ?? ''}` };
}

/** The grant in force for a department's reads of a resource (the latest ending), as the catalogue shows it. */
export async function grantSummaryOf(
  db: Queryable,
  department: string,
  resource: string,
  now: Date,
): Promise<SharingGrantSummary | null> {
  const [grant] = await activeGrants(db, department, resource, now);
  if (!grant) return null;
  return {
    requestId: grant.requestId,
    fields: [...grant.fields],
    area: grant.area,
    validFrom: grant.validFrom.toISOString(),
    validUntil: grant.validUntil.toISOString(),
    conditions: grant.conditions,
  };
}

/**
 * Is the layer 强制共享 and the principal one of a department's accounts that take part in sharing? Such reads need no
 * grant, so the synchronous decisions (the collections list, a live tile room) follow them as the HTTP reads do.
 */
export function sharedWithEveryDepartment(policy: Policy, principal: Principal | null, layerId: string): boolean {
  return (
    principal !== null && sharingCatalogue().get(layerId)?.sharingClass === 'mandatory' && sharingEligible(policy, principal)
  );
}
