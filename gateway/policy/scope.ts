import type { SqlParam } from '../../geo/db/types';
import type { Principal } from '../auth/principal';
import type { Policy } from './policy';

/** Column names of a case table the scope applies to (identifiers, never user input). */
export interface CaseScopeColumns {
  /** The department the case is dispatched to. */
  department: string;
  /** The user who reported it. */
  reporter: string;
  /** Its unit-grid cell code. */
  grid: string;
}

const IDENT = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Row scope of cases from the policy (`caseScope`), as a SQL predicate with parameters numbered from
 * `firstParam`: `all`, `none`, `department` (cases dispatched to the principal's department) or
 * `own_reports_and_grid` (cases the principal reported, or inside one of their grid-code prefixes).
 * Case queries AND it into their WHERE clause, so no handler can forget the scope.
 */
export function caseScopePredicate(
  policy: Policy,
  p: Principal,
  cols: CaseScopeColumns,
  firstParam = 1,
): { sql: string; params: SqlParam[] } {
  for (const c of Object.values(cols)) if (!IDENT.test(c)) throw new Error(`case scope: "${c}" is not a column identifier`);
  if (p.mustChangePassword) return { sql: 'FALSE', params: [] };
  const scope = policy.caseScope(p.role);
  switch (scope) {
    case 'all':
      return { sql: 'TRUE', params: [] };
    case 'none':
      return { sql: 'FALSE', params: [] };
    case 'department':
      return p.department
        ? { sql: `${cols.department} = $${firstParam}`, params: [p.department.id] }
        : { sql: 'FALSE', params: [] };
    case 'own_reports_and_grid':
      return {
        sql: `(${cols.reporter} = $${firstParam} OR EXISTS (SELECT 1 FROM unnest($${firstParam + 1}::text[]) AS g(prefix) WHERE starts_with(${cols.grid}, g.prefix)))`,
        params: [p.userId, p.gridScope],
      };
    default: {
      const never: never = scope;
      throw new Error(`unknown case scope ${String(never)}`);
    }
  }
}

/** The fields of one case the scope looks at (a case summary as the change log carries it). */
export interface ScopedCase {
  departmentId: string | null;
  reporterId: string | null;
  place: { gridCode: string | null };
}

/** The same rule as `caseScopePredicate`, for one case in memory (live changes and their replay). */
export function caseInScope(policy: Policy, p: Principal, c: ScopedCase): boolean {
  if (p.mustChangePassword) return false;
  const scope = policy.caseScope(p.role);
  switch (scope) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'department':
      return p.department !== null && c.departmentId === p.department.id;
    case 'own_reports_and_grid': {
      const grid = c.place.gridCode;
      return c.reporterId === p.userId || (grid !== null && p.gridScope.some((prefix) => grid.startsWith(prefix)));
    }
    default: {
      const never: never = scope;
      throw new Error(`unknown case scope ${String(never)}`);
    }
  }
}
