import fc from 'fast-check';
import { ROLE_IDS, type DepartmentKind, type RoleId } from '../../contracts/identity';
import type { Principal } from '../../gateway/auth/principal';
import { loadPolicy } from '../../gateway/policy/load';
import { caseInScope, type ScopedCase } from '../../gateway/policy/scope';
import { scopeFor } from '../../gateway/cases/access';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';

/**
 * The case scope has one definition, used two ways: as SQL by every case query (`scopeFor`, over `city_case c`) and
 * in memory for live changes and their replay (`caseInScope`). Random principals and cases, run both ways on the
 * real database: the rows the SQL returns are exactly the cases the predicate holds.
 */
const policy = loadPolicy();
let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

// Small pools, so generated principals and cases often meet (same user, same department, nested grid codes).
const USERS = ['u-1', 'u-2', 'u-3'];
const DEPARTMENTS: [string, DepartmentKind][] = [
  ['urban-mgmt', 'urban_mgmt'],
  ['traffic-police', 'traffic'],
  ['fire-119', 'fire'],
];
const gridCode = fc.string({ unit: fc.constantFrom('1', '2', '3'), minLength: 0, maxLength: 5 });

interface GeneratedPrincipal {
  role: RoleId;
  userId: string;
  department: [string, DepartmentKind] | null;
  gridScope: string[];
  mustChangePassword: boolean;
}
interface GeneratedCase {
  departmentId: string | null;
  reporterId: string | null;
  inspectorId: string | null;
  gridCode: string | null;
}

const principalArb: fc.Arbitrary<GeneratedPrincipal> = fc.record({
  role: fc.constantFrom(...ROLE_IDS),
  userId: fc.constantFrom(...USERS),
  department: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: null }),
  gridScope: fc.array(gridCode, { maxLength: 3 }),
  mustChangePassword: fc.boolean(),
});

const caseArb: fc.Arbitrary<GeneratedCase> = fc.record({
  departmentId: fc.option(fc.constantFrom(...DEPARTMENTS.map(([id]) => id)), { nil: null }),
  reporterId: fc.option(fc.constantFrom(...USERS), { nil: null }),
  inspectorId: fc.option(fc.constantFrom(...USERS), { nil: null }),
  gridCode: fc.option(gridCode, { nil: null }),
});

function principal(p: GeneratedPrincipal): Principal {
  return {
    sessionId: 's',
    userId: p.userId,
    username: p.userId,
    displayName: p.userId,
    role: p.role,
    kind: p.role === 'wall' ? 'device' : 'person',
    department: p.department ? { id: p.department[0], name: p.department[0], kind: p.department[1] } : null,
    departmentKind: p.department?.[1] ?? null,
    gridScope: p.gridScope,
    mustChangePassword: p.mustChangePassword,
    idleExpiresAt: null,
    absoluteExpiresAt: new Date(),
  };
}

/** The ids the SQL scope selects from the generated cases, stored with the columns of `city_case`. */
async function selectedBySql(cases: GeneratedCase[], principals: Principal[]): Promise<number[][]> {
  return db.transaction(async (tx) => {
    await tx.query(
      `CREATE TEMP TABLE scope_case (id int, department_id text, reporter_id text, inspector_id text, grid_code text)
         ON COMMIT DROP`,
    );
    await tx.query(`INSERT INTO scope_case SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])`, [
      cases.map((_, i) => i),
      cases.map((c) => c.departmentId),
      cases.map((c) => c.reporterId),
      cases.map((c) => c.inspectorId),
      cases.map((c) => c.gridCode),
    ]);
    const out: number[][] = [];
    for (const p of principals) {
      const scope = scopeFor(policy, p);
      const rows = await tx.query<{ id: number }>(`SELECT id FROM scope_case c WHERE ${scope.sql} ORDER BY id`, scope.params);
      out.push(rows.map((r) => Number(r.id)));
    }
    return out;
  });
}

it('selects in SQL exactly the cases the in-memory predicate holds', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(caseArb, { maxLength: 25 }),
      fc.array(principalArb, { minLength: 1, maxLength: 6 }),
      async (cases, generated) => {
        const principals = generated.map(principal);
        const bySql = await selectedBySql(cases, principals);
        principals.forEach((p, k) => {
          const inMemory = cases.flatMap((c, i) => {
            const scoped: ScopedCase = { ...c, place: { gridCode: c.gridCode } };
            return caseInScope(policy, p, scoped) ? [i] : [];
          });
          expect([p.role, bySql[k]]).toEqual([p.role, inMemory]);
        });
      },
    ),
    { numRuns: 150 },
  );
});

it('holds an inspector’s assigned case outside their grid both ways (the case that once got no live changes)', async () => {
  const inspector = principal({
    role: 'inspector',
    userId: 'u-1',
    department: null,
    gridScope: ['12'],
    mustChangePassword: false,
  });
  const assigned = { departmentId: 'urban-mgmt', reporterId: 'u-2', inspectorId: 'u-1', gridCode: '333' };
  const [bySql] = await selectedBySql([assigned], [inspector]);
  expect(bySql).toEqual([0]);
  expect(caseInScope(policy, inspector, { ...assigned, place: { gridCode: assigned.gridCode } })).toBe(true);
});
