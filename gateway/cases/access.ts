import type { Principal } from '../auth/principal';
import type { Policy } from '../policy/policy';
import { caseScopePredicate } from '../policy/scope';
import type { CaseActor, CaseScope } from './context';

/** A signed-in person as the actor of case operations. */
export const actorFrom = (p: Principal): CaseActor => ({
  id: p.userId,
  name: p.displayName,
  role: p.role,
  departmentId: p.department?.id ?? null,
});

/** The `city_case` columns under the `c` alias that the case scope reads. */
const CASE_SCOPE_COLUMNS = {
  department: 'c.department_id',
  reporter: 'c.reporter_id',
  inspector: 'c.inspector_id',
  grid: 'c.grid_code',
} as const;

/** The policy's case scope over the `c` alias (gateway/policy/scope.ts; the same rule filters live changes). */
export const scopeFor = (policy: Policy, p: Principal): CaseScope => caseScopePredicate(policy, p, CASE_SCOPE_COLUMNS, 1);
