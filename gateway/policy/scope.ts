import type { SqlParam } from '../../geo/db/types';
import type { Principal } from '../auth/principal';
import type { Policy } from './policy';

/** Column names of a case table the scope applies to (identifiers, never user input). */
export interface CaseScopeColumns {
  /** The department the case is dispatched to. */
  department: string;
  /** The user who reported it. */
  reporter: string;
  /** The inspector the centre assigned it to for verification or check. */
  inspector: string;
  /** Its unit-grid cell code. */
  grid: string;
}

/** The fields of one case the scope looks at (a case summary as the change log carries it). */
export interface ScopedCase {
  departmentId: string | null;
  reporterId: string | null;
  inspectorId: string | null;
  place: { gridCode: string | null };
}

/**
 * A principal's case scope as data: the one definition from which both the SQL predicate (`scopeSql`, for every
 * case query) and the in-memory test (`scopeHolds`, for live changes and their replay) are produced, so the two
 * cannot drift apart (a property test runs both on PostGIS).
 */
export type CaseScopeRule =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'any'; of: CaseScopeRule[] }
  | { kind: 'is'; field: 'department' | 'reporter' | 'inspector'; value: string }
  | { kind: 'grid_within'; prefixes: string[] };

const ALL: CaseScopeRule = { kind: 'all' };
const NONE: CaseScopeRule = { kind: 'none' };

/**
 * Row scope of cases from the policy (`caseScope`): `all`, `none`, `department` (cases dispatched to the principal's
 * department) or `own_reports_and_grid` (an inspector: cases they reported, cases the centre assigned to them for
 * verification or check wherever they lie, and cases inside one of their grid-code prefixes).
 */
export function caseScopeRule(policy: Policy, p: Principal): CaseScopeRule {
  if (p.mustChangePassword) return NONE;
  const scope = policy.caseScope(p.role);
  switch (scope) {
    case 'all':
      return ALL;
    case 'none':
      return NONE;
    case 'department':
      return p.department ? { kind: 'is', field: 'department', value: p.department.id } : NONE;
    case 'own_reports_and_grid':
      return {
        kind: 'any',
        of: [
          { kind: 'is', field: 'reporter', value: p.userId },
          { kind: 'is', field: 'inspector', value: p.userId },
          { kind: 'grid_within', prefixes: p.gridScope },
        ],
      };
    default: {
      const never: never = scope;
      throw new Error(`unknown case scope ${String(never)}`);
    }
  }
}

const IDENT = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** The rule as a SQL predicate over `cols`, its parameters numbered from `firstParam`. */
export function scopeSql(rule: CaseScopeRule, cols: CaseScopeColumns, firstParam = 1): { sql: string; params: SqlParam[] } {
  for (const c of Object.values(cols)) if (!IDENT.test(c)) throw new Error(`case scope: "${c}" is not a column identifier`);
  const params: SqlParam[] = [];
  const param = (v: SqlParam) => `$${firstParam + params.push(v) - 1}`;
  const render = (r: CaseScopeRule): string => {
    switch (r.kind) {
      case 'all':
        return 'TRUE';
      case 'none':
        return 'FALSE';
      case 'any':
        return r.of.length ? `(${r.of.map(render).join(' OR ')})` : 'FALSE';
      case 'is':
        // A column that is NULL holds no one: COALESCE keeps the OR of the clauses two-valued.
        return `COALESCE(${cols[r.field]} = ${param(r.value)}, FALSE)`;
      case 'grid_within':
        return `COALESCE(EXISTS (SELECT 1 FROM unnest(${param(r.prefixes)}::text[]) AS g(prefix) WHERE starts_with(${cols.grid}, g.prefix)), FALSE)`;
      default: {
        const never: never = r;
        throw new Error(`unknown scope rule ${String(never)}`);
      }
    }
  };
  const sql = render(rule);
  return { sql, params };
}

/** The rule for one case in memory. */
export function scopeHolds(rule: CaseScopeRule, c: ScopedCase): boolean {
  switch (rule.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'any':
      return rule.of.some((r) => scopeHolds(r, c));
    case 'is': {
      const value = { department: c.departmentId, reporter: c.reporterId, inspector: c.inspectorId }[rule.field];
      return value !== null && value === rule.value;
    }
    case 'grid_within': {
      const grid = c.place.gridCode;
      return grid !== null && rule.prefixes.some((prefix) => grid.startsWith(prefix));
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown scope rule ${String(never)}`);
    }
  }
}

/** The principal's case scope as a SQL predicate: case queries AND it into their WHERE, so no handler can forget it. */
export function caseScopePredicate(
  policy: Policy,
  p: Principal,
  cols: CaseScopeColumns,
  firstParam = 1,
): { sql: string; params: SqlParam[] } {
  return scopeSql(caseScopeRule(policy, p), cols, firstParam);
}

/** The same scope for one case in memory (live changes and their replay). */
export function caseInScope(policy: Policy, p: Principal, c: ScopedCase): boolean {
  return scopeHolds(caseScopeRule(policy, p), c);
}
