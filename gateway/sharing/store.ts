import type { SharingArea, SharingRequest, SharingRequestState } from '../../contracts/sharing';
import type { Queryable } from '../../geo/db/types';
import { sharingCatalogue } from './catalogue';
import type { SharingGrant } from './rules';

interface RequestRow {
  id: string;
  resource: string;
  requester_username: string;
  requester_name: string;
  requester_department: string;
  requester_department_name: string;
  provider_department: string;
  provider_department_name: string;
  purpose: string;
  fields: string[];
  area: number[];
  valid_from: Date;
  valid_until: Date;
  created_at: Date;
  state: SharingRequestState;
  decided_at: Date | null;
  decided_by: string | null;
  granted_fields: string[] | null;
  granted_area: number[] | null;
  granted_from: Date | null;
  granted_until: Date | null;
  conditions: string | null;
  refusal_reason: string | null;
}

const SELECT = `
  SELECT r.id, r.resource, u.username AS requester_username, u.display_name AS requester_name,
         r.requester_department, rd.name AS requester_department_name,
         r.provider_department, pd.name AS provider_department_name,
         r.purpose, r.fields, r.area, r.valid_from, r.valid_until, r.created_at, r.state, r.decided_at,
         du.username AS decided_by, r.granted_fields, r.granted_area, r.granted_from, r.granted_until,
         r.conditions, r.refusal_reason
    FROM sharing_request r
    JOIN app_user u ON u.id = r.requester_id
    JOIN department rd ON rd.id = r.requester_department
    JOIN department pd ON pd.id = r.provider_department
    LEFT JOIN app_user du ON du.id = r.decided_by_id`;

const iso = (d: Date | string) => new Date(d).toISOString();
const area = (a: number[]) => a.map(Number) as SharingArea;

function toRequest(r: RequestRow, now: Date, department: string | null): SharingRequest {
  const approved = r.state === 'approved' && r.granted_until !== null;
  return {
    id: r.id,
    resource: r.resource,
    resourceName: sharingCatalogue().get(r.resource)?.layer.title ?? r.resource,
    requester: {
      username: r.requester_username,
      displayName: r.requester_name,
      department: { id: r.requester_department, name: r.requester_department_name },
    },
    provider: { id: r.provider_department, name: r.provider_department_name },
    purpose: r.purpose,
    fields: r.fields,
    area: area(r.area),
    validFrom: iso(r.valid_from),
    validUntil: iso(r.valid_until),
    state: r.state,
    expired: approved && new Date(r.granted_until!).getTime() <= now.getTime(),
    createdAt: iso(r.created_at),
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    decidedBy: r.decided_by,
    granted: approved
      ? {
          requestId: r.id,
          fields: r.granted_fields ?? [],
          area: area(r.granted_area ?? []),
          validFrom: iso(r.granted_from!),
          validUntil: iso(r.granted_until!),
          conditions: r.conditions,
        }
      : null,
    refusalReason: r.refusal_reason,
    direction: department === r.requester_department ? 'outgoing' : department === r.provider_department ? 'incoming' : 'other',
  };
}

/**
 * Requests the caller may see, newest first: those of and to their department, or every one (`all`, for the
 * administrators who read the register).
 */
export async function listRequests(
  db: Queryable,
  opts: { department: string | null; all: boolean; now: Date; id?: string },
): Promise<SharingRequest[]> {
  const rows = await db.query<RequestRow>(
    `${SELECT}
      WHERE ($1::boolean OR r.requester_department = $2 OR r.provider_department = $2)
        AND ($3::uuid IS NULL OR r.id = $3::uuid)
      ORDER BY r.created_at DESC, r.id LIMIT 500`,
    [opts.all, opts.department, opts.id ?? null],
  );
  return rows.map((r) => toRequest(r, opts.now, opts.department));
}

export interface NewRequest {
  resource: string;
  requesterId: string;
  requesterDepartment: string;
  providerDepartment: string;
  purpose: string;
  fields: string[];
  area: SharingArea;
  validFrom: string;
  validUntil: string;
  now: Date;
}

export async function insertRequest(tx: Queryable, r: NewRequest): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO sharing_request (resource, requester_id, requester_department, provider_department, purpose, fields,
                                  area, valid_from, valid_until, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      r.resource,
      r.requesterId,
      r.requesterDepartment,
      r.providerDepartment,
      r.purpose,
      r.fields,
      r.area,
      r.validFrom,
      r.validUntil,
      r.now,
    ],
  );
  return row!.id;
}

/** A request locked for its answer. */
export async function lockRequest(tx: Queryable, id: string): Promise<RequestRow | null> {
  const [locked] = await tx.query<{ id: string }>('SELECT id FROM sharing_request WHERE id = $1 FOR UPDATE', [id]);
  if (!locked) return null;
  const [row] = await tx.query<RequestRow>(`${SELECT} WHERE r.id = $1`, [id]);
  return row ?? null;
}

export async function approveRequest(
  tx: Queryable,
  id: string,
  by: string,
  g: { fields: string[]; area: SharingArea; validFrom: string; validUntil: string; conditions: string; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE sharing_request
        SET state = 'approved', decided_by_id = $2, decided_at = $3, granted_fields = $4, granted_area = $5,
            granted_from = $6, granted_until = $7, conditions = $8
      WHERE id = $1 AND state = 'pending'`,
    [id, by, g.now, g.fields, g.area, g.validFrom, g.validUntil, g.conditions],
  );
}

export async function refuseRequest(tx: Queryable, id: string, by: string, reason: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE sharing_request SET state = 'refused', decided_by_id = $2, decided_at = $3, refusal_reason = $4
      WHERE id = $1 AND state = 'pending'`,
    [id, by, now, reason],
  );
}

/** The grants in force for a department's reads of a resource at `now`, the latest ending first. */
export async function activeGrants(db: Queryable, department: string, resource: string, now: Date): Promise<SharingGrant[]> {
  const rows = await db.query<{
    id: string;
    granted_fields: string[];
    granted_area: number[];
    granted_from: Date;
    granted_until: Date;
    conditions: string | null;
  }>(
    `SELECT id, granted_fields, granted_area, granted_from, granted_until, conditions
       FROM sharing_request
      WHERE state = 'approved' AND requester_department = $1 AND resource = $2
        AND granted_from <= $3 AND granted_until > $3
      ORDER BY granted_until DESC, id`,
    [department, resource, now],
  );
  return rows.map((r) => ({
    requestId: r.id,
    fields: r.granted_fields,
    area: area(r.granted_area),
    validFrom: new Date(r.granted_from),
    validUntil: new Date(r.granted_until),
    conditions: r.conditions,
  }));
}

export type { RequestRow };
