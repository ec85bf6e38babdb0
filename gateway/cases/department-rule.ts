import type { CaseMinorCategory, DispatchSuggestion } from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import type { DispatchRule } from './tables';

interface DepartmentChoice {
  id: string;
  name: string;
  /** How it was chosen, in Chinese, for the step record. */
  via: string;
}

/**
 * The department a case goes to: automatic dispatch (自动派遣) by 小类 + grid: an explicit override, else the first matching rule of
 * data/cityops/dispatch.json, else an active department of the 小类's department kind (the case's district first).
 */
export async function resolveDepartment(
  db: Queryable,
  rules: readonly DispatchRule[],
  minor: CaseMinorCategory | null,
  place: { gridCode: string | null; districtCode: string | null },
  overrideId: string | undefined,
): Promise<DepartmentChoice | null> {
  if (overrideId) {
    const [d] = await db.query<{ id: string; name: string }>('SELECT id, name FROM department WHERE id = $1 AND active', [
      overrideId,
    ]);
    if (!d) throw new AppError('not_found', `没有这个在用部门 / no active department "${overrideId}"`);
    return { ...d, via: '人工指定' };
  }
  if (!minor) return null;
  const rule = rules.find(
    (r) =>
      (!r.categoryPrefix || minor.code.startsWith(r.categoryPrefix)) &&
      (!r.gridPrefix || (place.gridCode ?? '').startsWith(r.gridPrefix)),
  );
  if (rule) {
    const [d] = await db.query<{ id: string; name: string }>('SELECT id, name FROM department WHERE id = $1 AND active', [
      rule.departmentId,
    ]);
    if (d) return { ...d, via: '派遣规则' };
  }
  const [d] = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM department WHERE kind = $1 AND active
      ORDER BY (district_adcode IS NOT DISTINCT FROM $2) DESC, (district_adcode IS NULL) DESC, id LIMIT 1`,
    [minor.departmentKind, place.districtCode],
  );
  return d ? { ...d, via: `按小类责任部门（${minor.departmentName}）` } : null;
}

/** What automatic dispatch would choose now, for consoles to show before 派遣 (the same resolution, no override). */
export async function suggestDepartment(
  db: Queryable,
  rules: readonly DispatchRule[],
  minor: CaseMinorCategory | null,
  place: { gridCode: string | null; districtCode: string | null },
): Promise<DispatchSuggestion | null> {
  const d = await resolveDepartment(db, rules, minor, place, undefined);
  return d ? { departmentId: d.id, departmentName: d.name, via: d.via } : null;
}
