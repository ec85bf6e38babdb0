import { readFileSync } from 'node:fs';
import { ROLE_IDS, type RoleId } from '../../contracts/identity';
import { loadPolicy, parsePolicy, POLICY_FILE } from '../../gateway/policy/load';
import type { Subject } from '../../gateway/policy/policy';
import { compileRoute, routeShape } from '../../gateway/policy/route-pattern';

const raw = () =>
  JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as Record<string, unknown> & {
    roles: Record<string, unknown>;
    actions: Record<string, { allow?: string[] }>;
    http: Record<string, string>;
    socket: Record<string, string>;
  };
const subject = (role: RoleId, departmentKind: Subject['departmentKind'] = null): Subject => ({
  role,
  kind: role === 'wall' ? 'device' : 'person',
  departmentKind,
  mustChangePassword: false,
});

describe('data/policy.json', () => {
  const policy = loadPolicy();

  it('loads and defines exactly the platform roles', () => {
    expect(Object.keys(policy.file.roles).sort()).toEqual([...ROLE_IDS].sort());
  });

  it('keeps the separation of duties: the system admin cannot read audit, the audit admin cannot manage users', () => {
    for (const a of ['audit.read', 'audit.verify', 'audit.export'])
      expect(policy.authorize(subject('sysadmin'), a).allowed).toBe(false);
    for (const a of ['user.create', 'user.update', 'user.password_reset', 'session.revoke', 'department.write']) {
      expect(policy.authorize(subject('auditadmin'), a).allowed).toBe(false);
    }
  });

  it('audits every state-changing action', () => {
    const unaudited = Object.entries(policy.file.actions)
      .filter(([, a]) => a.mutates && !a.audit)
      .map(([id]) => id);
    expect(unaudited).toEqual([]);
  });

  it('gives the wall display read-only rights', () => {
    for (const [id, a] of Object.entries(policy.file.actions))
      if (a.mutates) expect([id, policy.authorize(subject('wall'), id).allowed]).toEqual([id, false]);
  });

  it('grants role:departmentKind only to handlers of that kind', () => {
    expect(policy.authorize(subject('handler', 'traffic'), 'road_condition.write').allowed).toBe(true);
    expect(policy.authorize(subject('handler', 'urban_mgmt'), 'road_condition.write').allowed).toBe(false);
  });

  it('says who was refused what, in words', () => {
    const d = policy.authorize(subject('planner'), 'user.create');
    expect(d).toMatchObject({ allowed: false, code: 'forbidden' });
    expect(!d.allowed && d.reason).toContain('规划');
    expect(!d.allowed && d.reason).toContain('新建用户');
    expect(policy.authorize(null, 'user.create')).toMatchObject({ allowed: false, code: 'unauthenticated' });
  });

  it('defines a case row scope for every role', () => {
    expect(policy.caseScope('handler')).toBe('department');
    expect(policy.caseScope('inspector')).toBe('own_reports_and_grid');
    expect(policy.caseScope('sysadmin')).toBe('none');
  });
});

describe('policy validation', () => {
  it.each([
    ['an unknown role', (p: ReturnType<typeof raw>) => (p.roles.superuser = { name: 'x' }), 'unknown role "superuser"'],
    ['a missing role', (p: ReturnType<typeof raw>) => delete p.roles.planner, 'role "planner" is missing'],
    [
      'an unknown role in a grant',
      (p: ReturnType<typeof raw>) => p.actions['user.read']!.allow!.push('root'),
      'unknown role in grant "root"',
    ],
    [
      'an unknown department kind',
      (p: ReturnType<typeof raw>) => p.actions['user.read']!.allow!.push('handler:navy'),
      'unknown department kind',
    ],
    [
      'an unknown action on a route',
      (p: ReturnType<typeof raw>) => (p.http['GET /api/x'] = 'nope.never'),
      'unknown action "nope.never"',
    ],
    [
      'an unknown socket event',
      (p: ReturnType<typeof raw>) => (p.socket['case:explode'] = 'map.view'),
      'unknown client event "case:explode"',
    ],
    [
      'a socket event without entry',
      (p: ReturnType<typeof raw>) => delete p.socket['layer:subscribe'],
      '"layer:subscribe" has no policy entry',
    ],
    [
      'a mutating action granted to the wall',
      (p: ReturnType<typeof raw>) => p.actions['user.create']!.allow!.push('wall'),
      'read-only',
    ],
    ['an unknown key', (p: ReturnType<typeof raw>) => (p.extra = true), 'extra'],
    ['a malformed route', (p: ReturnType<typeof raw>) => (p.http['FETCH /api/x'] = 'geo.public'), 'METHOD /path'],
  ])('refuses %s', (_what, mutate, message) => {
    const p = raw();
    mutate(p);
    expect(() => parsePolicy(p)).toThrow(message);
  });
});

describe('route patterns', () => {
  it('matches params and splats like Express', () => {
    const r = compileRoute('DELETE /api/geo/road-conditions/:id');
    expect(r.test('/api/geo/road-conditions/17')).toBe(true);
    expect(r.test('/api/geo/road-conditions/17/x')).toBe(false);
    expect(r.test('/api/geo/road-conditions')).toBe(false);
    const t = compileRoute('GET /tiles/*path');
    expect(t.test('/tiles/grid/12/3/4.mvt')).toBe(true);
    expect(t.test('/tiles')).toBe(false);
    expect(routeShape('/users/:id/password')).toBe('/users/:/password');
  });

  it('finds the action of a request, treating HEAD as GET', () => {
    const policy = loadPolicy();
    expect(policy.httpAction('HEAD', '/basemap/harbin.pmtiles')).toMatchObject({ actionId: 'geo.public' });
    expect(policy.httpAction('POST', '/api/admin/users/abc/password')).toMatchObject({ actionId: 'user.password_reset' });
    expect(policy.httpAction('PUT', '/api/admin/users')).toBeNull();
  });
});
