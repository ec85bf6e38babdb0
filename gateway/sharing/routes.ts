import { Router, type Request } from 'express';
import {
  SHARING_CLASS_LABELS,
  sharingDecisionInput,
  sharingRequestIdParam,
  sharingRequestInput,
  type SharingAccess,
  type SharingGrantSummary,
  type SharingResource,
} from '../../contracts/sharing';
import type { Db } from '../../geo/db/types';
import { identityOf, type Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { roleGrantsLayer } from '../policy/layer-access';
import { grantSummaryOf, sharingEligible } from './access';
import { sharingCatalogue, type CatalogueResource } from './catalogue';
import { areaWithin } from './rules';
import { approveRequest, insertRequest, listRequests, lockRequest, refuseRequest } from './store';

/** Roles that read the whole register of requests (system and audit administrators). */
const REGISTER_READERS = new Set(['sysadmin', 'auditadmin']);

const departmentNames = async (db: Db) =>
  new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM department')).map((d) => [d.id, d.name]));

function resourceOr404(id: string): CatalogueResource {
  const resource = sharingCatalogue().get(id);
  if (!resource) throw new AppError('not_found', `信息资源目录中没有「${id.slice(0, 40)}」`);
  return resource;
}

/** What the caller may do with a resource, and the grant in force for their department. */
async function accessOf(
  identity: Identity,
  db: Db,
  principal: Principal,
  resource: CatalogueResource,
): Promise<{ access: SharingAccess; grant: SharingGrantSummary | null }> {
  const layer = resource.layer;
  if (layer.public) return { access: 'open', grant: null };
  if (roleGrantsLayer(identity.policy, principal, layer)) return { access: 'policy', grant: null };
  if (resource.sharingClass === 'none') return { access: 'not_offered', grant: null };
  if (!sharingEligible(identity.policy, principal)) return { access: 'not_eligible', grant: null };
  if (resource.sharingClass === 'mandatory') return { access: 'open', grant: null };
  const grant = await grantSummaryOf(db, principal.department.id, resource.id, identity.now());
  return grant ? { access: 'granted', grant } : { access: 'requestable', grant: null };
}

const audit = (req: Request, principal: Principal) => ({
  ...origin(req),
  outcome: 'ok' as const,
  actor: actorOf(principal),
});

/**
 * The information-resource catalogue and 条件共享 ("需求导向、供方响应、协调确认"): the catalogue with each resource's
 * class, legal basis and metadata and what the caller may do with it; a department's request (purpose, fields,
 * area, period); the providing department's answer (approve with conditions, or refuse with a reason). Each step is
 * audited in the transaction that takes it; the reads a grant opens are decided and audited where every layer read
 * is (gateway/policy/layer-access.ts).
 */
function sharingRoutes(db: Db, identity: Identity): Router {
  const r = Router();

  /** A refusal of a sharing step, written to the audit log like every refused access before it is answered (403). */
  const refuse = async (req: Request, principal: Principal, reason: string, detail: Record<string, unknown>) => {
    await identity.audit
      .append({
        ...origin(req),
        action: 'access.denied',
        outcome: 'denied',
        actor: actorOf(principal),
        object: `${req.method} ${req.originalUrl.split('?')[0] ?? ''}`,
        detail: { action: req.auth?.actionId, reason, ...detail },
      })
      .catch((err: unknown) => req.log?.error({ err }, 'could not audit a sharing refusal'));
    return new AppError('forbidden', reason);
  };

  r.get('/sharing/resources', async (req, res) => {
    const principal = principalOf(req);
    const names = await departmentNames(db);
    const resources: SharingResource[] = [];
    for (const resource of sharingCatalogue().values()) {
      const { access, grant } = await accessOf(identity, db, principal, resource);
      resources.push({
        id: resource.id,
        name: resource.layer.title,
        summary: resource.summary,
        sharingClass: resource.sharingClass,
        legalBasis: resource.legalBasis,
        provider: { id: resource.provider, name: names.get(resource.provider) ?? resource.provider },
        updateCycle: resource.updateCycle,
        formats: resource.formats,
        coverage: resource.coverage,
        contact: resource.contact,
        geometryType: resource.layer.geometryType,
        fields: resource.layer.properties.map((p) => ({ name: p.name, title: p.title ?? p.name })),
        tiles: resource.layer.tiles !== undefined,
        access,
        grant,
      });
    }
    res.json({ resources });
  });

  r.get('/sharing/requests', async (req, res) => {
    const principal = principalOf(req);
    const requests = await listRequests(db, {
      department: principal.department?.id ?? null,
      all: REGISTER_READERS.has(principal.role),
      now: identity.now(),
    });
    res.json({ requests });
  });

  r.post('/sharing/requests', async (req, res) => {
    const principal = principalOf(req);
    const input = parseInput(sharingRequestInput, req.body ?? {});
    const resource = resourceOr404(input.resource);
    const label = `「${resource.layer.title}」`;
    if (resource.sharingClass === 'none') {
      const reason = `${label}为${SHARING_CLASS_LABELS.none}资源，不能申请（依据：${resource.legalBasis}）`;
      throw await refuse(req, principal, reason, { resource: resource.id });
    }
    if (!sharingEligible(identity.policy, principal)) {
      throw await refuse(req, principal, '只有所属部门的处置人员或领导可以申请共享', { resource: resource.id });
    }
    const { access } = await accessOf(identity, db, principal, resource);
    if (access === 'open' || access === 'policy') throw new AppError('bad_request', `${label}已可直接查看，无需申请`);
    if (principal.department.id === resource.provider) throw new AppError('bad_request', `${label}由本部门提供，无需申请`);
    const known = new Set(resource.layer.properties.map((p) => p.name));
    const unknown = input.fields.filter((f) => !known.has(f));
    if (unknown.length) throw new AppError('bad_request', `fields: ${label}没有字段 ${unknown.join('、')}`);
    if (Date.parse(input.validUntil) <= identity.now().getTime()) {
      throw new AppError('bad_request', 'validUntil: 结束时间须晚于现在');
    }
    const id = await db.transaction(async (tx) => {
      const [open] = await tx.query<{ id: string }>(
        `SELECT id FROM sharing_request WHERE requester_department = $1 AND resource = $2 AND state = 'pending'
          FOR UPDATE`,
        [principal.department.id, resource.id],
      );
      if (open) throw new AppError('conflict', `本部门对${label}已有待答复的申请（${open.id}）`);
      const created = await insertRequest(tx, {
        resource: resource.id,
        requesterId: principal.userId,
        requesterDepartment: principal.department.id,
        providerDepartment: resource.provider,
        purpose: input.purpose,
        fields: input.fields,
        area: input.area,
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        now: identity.now(),
      });
      await identity.audit.appendIn(tx, {
        ...audit(req, principal),
        action: 'sharing.request',
        object: `sharing_request ${created}`,
        detail: {
          resource: resource.id,
          provider: resource.provider,
          purpose: input.purpose,
          fields: input.fields,
          area: input.area,
          validFrom: input.validFrom,
          validUntil: input.validUntil,
        },
      });
      return created;
    });
    const [created] = await listRequests(db, { department: principal.department.id, all: false, now: identity.now(), id });
    res.status(201).json(created);
  });

  r.post('/sharing/requests/:id/decision', async (req, res) => {
    const principal = principalOf(req);
    const { id } = parseInput(sharingRequestIdParam, req.params);
    const input = parseInput(sharingDecisionInput, req.body ?? {});
    await db.transaction(async (tx) => {
      const row = await lockRequest(tx, id);
      if (!row) throw new AppError('not_found', `没有编号为 ${id} 的共享申请`);
      if (principal.department?.id !== row.provider_department || principal.kind !== 'person') {
        const reason = `只有提供部门「${row.provider_department_name}」可以答复该申请`;
        throw await refuse(req, principal, reason, { request: id });
      }
      if (row.state !== 'pending') throw new AppError('conflict', '该申请已答复，不能再次答复');
      const now = identity.now();
      if (input.decision === 'refuse') {
        await refuseRequest(tx, id, principal.userId, input.reason, now);
        await identity.audit.appendIn(tx, {
          ...audit(req, principal),
          action: 'sharing.refuse',
          object: `sharing_request ${id}`,
          detail: { resource: row.resource, requester: row.requester_department, reason: input.reason },
        });
        return;
      }
      const extra = input.fields.filter((f) => !row.fields.includes(f));
      if (extra.length) throw new AppError('bad_request', `fields: 只能同意所申请字段中的部分，${extra.join('、')} 未申请`);
      if (!areaWithin(input.area, row.area.map(Number))) throw new AppError('bad_request', 'area: 同意的范围须在申请的范围之内');
      const from = Date.parse(input.validFrom);
      const until = Date.parse(input.validUntil);
      if (from < new Date(row.valid_from).getTime() || until > new Date(row.valid_until).getTime()) {
        throw new AppError('bad_request', 'validUntil: 同意的期限须在申请的期限之内');
      }
      if (until <= now.getTime()) throw new AppError('bad_request', 'validUntil: 结束时间须晚于现在');
      await approveRequest(tx, id, principal.userId, { ...input, now });
      await identity.audit.appendIn(tx, {
        ...audit(req, principal),
        action: 'sharing.approve',
        object: `sharing_request ${id}`,
        detail: {
          resource: row.resource,
          requester: row.requester_department,
          fields: input.fields,
          area: input.area,
          validFrom: input.validFrom,
          validUntil: input.validUntil,
          conditions: input.conditions,
        },
      });
    });
    const [answered] = await listRequests(db, {
      department: principal.department?.id ?? null,
      all: false,
      now: identity.now(),
      id,
    });
    res.json(answered);
  });

  return r;
}

export const sharingCapability: Capability = {
  name: 'sharing',
  ready: { paths: ['/sharing'], routes: ({ db }, deps) => sharingRoutes(db, identityOf(deps)) },
};
