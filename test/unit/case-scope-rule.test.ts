import type { RoleId } from '../../contracts/identity';
import type { Principal } from '../../gateway/auth/principal';
import { loadPolicy } from '../../gateway/policy/load';
import {
  caseInScope,
  caseScopePredicate,
  caseScopeRule,
  scopeHolds,
  scopeSql,
  type CaseScopeRule,
  type ScopedCase,
} from '../../gateway/policy/scope';

/** The case scope rule of each role, its SQL and its in-memory test, with the expected rows written out. */
const policy = loadPolicy();
const COLS = { department: 'c.department_id', reporter: 'c.reporter_id', inspector: 'c.inspector_id', grid: 'c.grid_code' };

function principal(role: RoleId, over: Partial<Principal> = {}): Principal {
  return {
    sessionId: 's1',
    userId: 'u-1',
    username: 'someone',
    displayName: '某人',
    role,
    kind: 'person',
    department: null,
    departmentKind: null,
    gridScope: [],
    mustChangePassword: false,
    idleExpiresAt: null,
    absoluteExpiresAt: new Date('2030-01-01T00:00:00Z'),
    ...over,
  };
}

const aCase = (over: Partial<ScopedCase> = {}): ScopedCase => ({
  departmentId: null,
  reporterId: null,
  inspectorId: null,
  place: { gridCode: null },
  ...over,
});

const URBAN = { id: 'd-urban', name: '道里区城管局', kind: 'urban_mgmt' as const };
const INSPECTOR = principal('inspector', { userId: 'u-9', gridScope: ['230102001', '230103'] });

describe('caseScopeRule', () => {
  it.each([
    ['commander', { kind: 'all' }],
    ['dispatcher', { kind: 'all' }],
    ['leader', { kind: 'all' }],
    ['wall', { kind: 'all' }],
    ['planner', { kind: 'none' }],
    ['sysadmin', { kind: 'none' }],
    ['auditadmin', { kind: 'none' }],
    ['handler', { kind: 'none' }],
  ] as const)('%s without a department gets %j', (role, rule) => {
    expect(caseScopeRule(policy, principal(role))).toEqual(rule);
  });

  it('gives a handler the cases of their department', () => {
    expect(caseScopeRule(policy, principal('handler', { department: URBAN }))).toEqual({
      kind: 'is',
      field: 'department',
      value: 'd-urban',
    });
  });

  it('gives an inspector their reports, their assignments and their grid prefixes', () => {
    expect(caseScopeRule(policy, INSPECTOR)).toEqual({
      kind: 'any',
      of: [
        { kind: 'is', field: 'reporter', value: 'u-9' },
        { kind: 'is', field: 'inspector', value: 'u-9' },
        { kind: 'grid_within', prefixes: ['230102001', '230103'] },
      ],
    });
  });

  it('gives nothing to a role whose scope is none, even with a department', () => {
    expect(caseScopeRule(policy, principal('planner', { department: URBAN }))).toEqual({ kind: 'none' });
  });

  it('gives nothing to anyone who must change their password first', () => {
    expect(caseScopeRule(policy, principal('commander', { mustChangePassword: true }))).toEqual({ kind: 'none' });
  });
});

describe('scopeSql', () => {
  it('renders all and none as constants without parameters', () => {
    expect(scopeSql({ kind: 'all' }, COLS)).toEqual({ sql: 'TRUE', params: [] });
    expect(scopeSql({ kind: 'none' }, COLS)).toEqual({ sql: 'FALSE', params: [] });
    expect(scopeSql({ kind: 'any', of: [] }, COLS)).toEqual({ sql: 'FALSE', params: [] });
  });

  it("renders an inspector's rule with parameters numbered from the caller's first", () => {
    expect(caseScopePredicate(policy, INSPECTOR, COLS, 3)).toEqual({
      sql:
        '(COALESCE(c.reporter_id = $3, FALSE) OR COALESCE(c.inspector_id = $4, FALSE) OR ' +
        'COALESCE(EXISTS (SELECT 1 FROM unnest($5::text[]) AS g(prefix) WHERE starts_with(c.grid_code, g.prefix)), FALSE))',
      params: ['u-9', 'u-9', ['230102001', '230103']],
    });
  });

  it('numbers from $1 by default', () => {
    expect(scopeSql({ kind: 'is', field: 'department', value: 'd-urban' }, COLS)).toEqual({
      sql: 'COALESCE(c.department_id = $1, FALSE)',
      params: ['d-urban'],
    });
  });

  it('refuses a column that is not an identifier', () => {
    expect(() => scopeSql({ kind: 'all' }, { ...COLS, grid: 'grid_code; DROP TABLE x' })).toThrow(
      'case scope: "grid_code; DROP TABLE x" is not a column identifier',
    );
    expect(scopeSql({ kind: 'all' }, { ...COLS, grid: 'grid_code' }).sql).toBe('TRUE');
  });
});

describe('scopeHolds and caseInScope', () => {
  it.each([
    ['all', { kind: 'all' }, aCase(), true],
    ['none', { kind: 'none' }, aCase({ departmentId: 'd-urban' }), false],
    ['department match', { kind: 'is', field: 'department', value: 'd-urban' }, aCase({ departmentId: 'd-urban' }), true],
    ['department other', { kind: 'is', field: 'department', value: 'd-urban' }, aCase({ departmentId: 'd-x' }), false],
    ['department unset', { kind: 'is', field: 'department', value: 'd-urban' }, aCase(), false],
    ['reporter match', { kind: 'is', field: 'reporter', value: 'u-9' }, aCase({ reporterId: 'u-9' }), true],
    ['reporter is not inspector', { kind: 'is', field: 'reporter', value: 'u-9' }, aCase({ inspectorId: 'u-9' }), false],
    ['inspector match', { kind: 'is', field: 'inspector', value: 'u-9' }, aCase({ inspectorId: 'u-9' }), true],
    ['grid inside', { kind: 'grid_within', prefixes: ['230103'] }, aCase({ place: { gridCode: '230103004005001' } }), true],
    ['grid outside', { kind: 'grid_within', prefixes: ['230103'] }, aCase({ place: { gridCode: '230102004005001' } }), false],
    ['grid unknown', { kind: 'grid_within', prefixes: ['230103'] }, aCase(), false],
    ['any of none', { kind: 'any', of: [] }, aCase(), false],
  ] satisfies [string, CaseScopeRule, ScopedCase, boolean][])('%s', (_name, rule, c, holds) => {
    expect(scopeHolds(rule, c)).toBe(holds);
  });

  it("holds for an inspector's report, assignment and grid, and not for another grid", () => {
    expect(caseInScope(policy, INSPECTOR, aCase({ reporterId: 'u-9', place: { gridCode: '230104000000001' } }))).toBe(true);
    expect(caseInScope(policy, INSPECTOR, aCase({ inspectorId: 'u-9' }))).toBe(true);
    expect(caseInScope(policy, INSPECTOR, aCase({ place: { gridCode: '230102001007001' } }))).toBe(true);
    expect(caseInScope(policy, INSPECTOR, aCase({ reporterId: 'u-1', place: { gridCode: '230102002007001' } }))).toBe(false);
  });
});
