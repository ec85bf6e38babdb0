import type { CaseKind, CaseState, SupervisionLevel, TimeLimitUnit } from '../../contracts/cases';
import type { Queryable, SqlParam } from '../../geo/db/types';

/** An extension request awaiting approval (city_case.pending_extension, jsonb). */
interface PendingExtension {
  amount: number;
  unit: TimeLimitUnit;
  reason: string;
}

/** The city_case columns a workflow event writes, with their types. */
interface CaseColumns {
  state: CaseState;
  updated_at: Date;
  kind: CaseKind;
  category_code: string;
  major_code: string;
  valid_report: boolean;
  inspector_id: string | null;
  verify_requested_at: Date;
  verified_at: Date;
  filed_at: Date;
  department_id: string | null;
  dispatched_at: Date;
  first_dispatched_at: Date;
  first_dispatched_by: string;
  dispatched_by: string;
  limit_amount: number;
  limit_unit: TimeLimitUnit;
  sla_started_at: Date;
  sla_deadline: Date;
  sla_warn_at: Date;
  sla_suspended_at: Date | null;
  sla_note: string | null;
  sla_done_at: Date | null;
  on_time: boolean | null;
  pending_extension: PendingExtension | null;
  extension_count: number;
  fed_back_at: Date;
  check_requested_at: Date;
  check_passed: boolean | null;
  checked_at: Date;
  closed_at: Date;
  rework_count: number;
  supervision: SupervisionLevel;
  urgent: boolean;
}
export type CaseUpdate = Partial<CaseColumns>;

const toParam = (v: CaseColumns[keyof CaseColumns]): SqlParam =>
  v === null || v instanceof Date || typeof v !== 'object' ? v : JSON.stringify(v);

/** Writes the columns of `set` to case `id` (column names come from CaseColumns, never from a request). */
export async function updateCase(tx: Queryable, id: number, set: CaseUpdate): Promise<void> {
  const columns = (Object.keys(set) as (keyof CaseColumns)[]).flatMap((c) => {
    const v = set[c];
    return v === undefined ? [] : [{ c, v: toParam(v) }];
  });
  const assignments = columns.map(({ c }, i) => `${c} = $${i + 2}${c === 'pending_extension' ? '::jsonb' : ''}`);
  await tx.query(`UPDATE city_case SET ${assignments.join(', ')} WHERE id = $1`, [id, ...columns.map(({ v }) => v)]);
}
