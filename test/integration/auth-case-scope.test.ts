import type { RoleId } from '../../contracts/identity';
import type { Principal } from '../../gateway/auth/principal';
import { loadPolicy } from '../../gateway/policy/load';
import { caseScopePredicate } from '../../gateway/policy/scope';
import { openTestDb } from '../support/db';
import type { Db } from '../../geo/db/types';

/**
 * Row scope from the policy, run against real SQL: a department handler sees only cases dispatched to
 * their department; an inspector only their own reports and their grid area; others per the policy.
 */
const policy = loadPolicy();
let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

const CASES = [
  { id: 'c1', dept: 'urban-mgmt', reporter: 'u-insp', inspector: null, grid: '230103001001001' },
  { id: 'c2', dept: 'urban-mgmt', reporter: 'u-other', inspector: null, grid: '230103002001001' },
  { id: 'c3', dept: 'traffic-police', reporter: 'u-other', inspector: null, grid: '230102001001001' },
  { id: 'c4', dept: 'traffic-police', reporter: 'u-insp', inspector: null, grid: '230104001001001' },
  { id: 'c5', dept: 'flood-control', reporter: 'u-other', inspector: null, grid: '230102001002003' },
  // Assigned to u-insp for verification, outside their grid area.
  { id: 'c6', dept: null, reporter: 'u-other', inspector: 'u-insp', grid: '230108001001001' },
];
const COLUMNS = { department: 'dispatched_to', reporter: 'reported_by', inspector: 'assigned_to', grid: 'grid_code' };

function principal(role: RoleId, over: Partial<Principal> = {}): Principal {
  return {
    sessionId: 's',
    userId: 'u-x',
    username: 'x',
    displayName: 'x',
    role,
    kind: role === 'wall' ? 'device' : 'person',
    department: null,
    departmentKind: null,
    gridScope: [],
    mustChangePassword: false,
    idleExpiresAt: null,
    absoluteExpiresAt: new Date(),
    ...over,
  };
}

async function visible(p: Principal): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(
      'CREATE TEMP TABLE scope_case (id text, dispatched_to text, reported_by text, assigned_to text, grid_code text) ON COMMIT DROP',
    );
    for (const c of CASES)
      await tx.query('INSERT INTO scope_case VALUES ($1, $2, $3, $4, $5)', [c.id, c.dept, c.reporter, c.inspector, c.grid]);
    const where = caseScopePredicate(policy, p, COLUMNS);
    const rows = await tx.query<{ id: string }>(`SELECT id FROM scope_case WHERE ${where.sql} ORDER BY id`, where.params);
    return rows.map((r) => r.id);
  });
}

describe('case row scope', () => {
  it('shows a traffic handler only the cases dispatched to the traffic police', async () => {
    const p = principal('handler', {
      department: { id: 'traffic-police', name: '交警', kind: 'traffic' },
      departmentKind: 'traffic',
    });
    expect(await visible(p)).toEqual(['c3', 'c4']);
  });

  it('shows an inspector their own reports, the cases assigned to them and the cases in their grid area', async () => {
    const p = principal('inspector', { userId: 'u-insp', gridScope: ['230103001'] });
    expect(await visible(p)).toEqual(['c1', 'c4', 'c6']);
    expect(await visible(principal('inspector', { userId: 'u-insp', gridScope: ['230102'] }))).toEqual([
      'c1',
      'c3',
      'c4',
      'c5',
      'c6',
    ]);
    expect(await visible(principal('inspector', { userId: 'u-new', gridScope: ['230102'] }))).toEqual(['c3', 'c5']);
  });

  it('shows commanders and leaders everything, administrators and planners nothing', async () => {
    expect(await visible(principal('commander'))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(await visible(principal('leader'))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    for (const role of ['sysadmin', 'auditadmin', 'planner'] as const) expect(await visible(principal(role))).toEqual([]);
  });

  it('shows a handler without a department nothing, and refuses non-identifier columns', async () => {
    expect(await visible(principal('handler'))).toEqual([]);
    expect(() => caseScopePredicate(policy, principal('commander'), { ...COLUMNS, department: 'x; DROP TABLE y' })).toThrow(
      'identifier',
    );
  });
});
