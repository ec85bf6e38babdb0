import request from 'supertest';
import type { DepartmentKind, RoleId } from '../../contracts/identity';
import { SYSTEM_MODE_LABELS, SYSTEM_MODES, type SystemMode } from '../../contracts/incidents';
import { changeMode } from '../../gateway/modes/service';
import type { Subject } from '../../gateway/policy/policy';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/**
 * The policy matrix rows per system mode: every HTTP route of an action whose grants change with the mode
 * (data/policy.json `modes`), for every principal, in each of 平时 / 应急 / 战时 — allowed cells are handled, denied ones
 * are 403 naming the mode. The gateway decides in the mode it has cached; a switch reaches it through the change hub.
 */
const PRINCIPALS: { label: string; role: RoleId; departmentId: string | null; kind: DepartmentKind | null }[] = [
  { label: 'commander', role: 'commander', departmentId: 'command-center', kind: 'command' },
  { label: 'dispatcher', role: 'dispatcher', departmentId: 'command-center', kind: 'command' },
  { label: 'inspector', role: 'inspector', departmentId: 'urban-mgmt', kind: 'urban_mgmt' },
  { label: 'handler:urban_mgmt', role: 'handler', departmentId: 'urban-mgmt', kind: 'urban_mgmt' },
  { label: 'handler:police', role: 'handler', departmentId: 'police-110', kind: 'police' },
  { label: 'handler:civil_defence', role: 'handler', departmentId: 'civil-defence', kind: 'civil_defence' },
  { label: 'leader', role: 'leader', departmentId: 'command-center', kind: 'command' },
  { label: 'planner', role: 'planner', departmentId: 'planning', kind: 'planning' },
  { label: 'wall', role: 'wall', departmentId: 'command-center', kind: 'command' },
];

let t: IdentityTestApp;
const cookies = new Map<string, string>();

beforeAll(async () => {
  t = await createIdentityTestApp();
  for (const p of PRINCIPALS) {
    const acct = await createAccount(t.db, { role: p.role, departmentId: p.departmentId, prefix: 'pm' });
    cookies.set(p.label, await login(t.app, acct.username, acct.password));
  }
}, 120_000);
afterAll(() => t.close());

const subject = (p: (typeof PRINCIPALS)[number]): Subject => ({
  role: p.role,
  kind: p.role === 'wall' ? 'device' : 'person',
  departmentKind: p.kind,
  mustChangePassword: false,
});

const setMode = (mode: SystemMode) =>
  changeMode(t.db, t.deps.readiness.changes, { mode, drill: false, reason: '权限矩阵按模式检查' }, 'test');

/** The HTTP routes of the actions whose grants change with the mode. */
const modeRoutes = () => t.identity.policy.httpRoutes.filter(({ actionId }) => t.identity.policy.modeDependent(actionId));
const sample = (path: string) => path.replace(/:[A-Za-z_]\w*/g, '999999999');

it('has mode-dependent actions for siren control, dispatch and the frozen case extensions', () => {
  const actions = new Set(modeRoutes().map((r) => r.actionId));
  for (const a of [
    'airdefense.command.propose',
    'airdefense.command.confirm',
    'incident.dispatch',
    'case.extension_request',
    'case.extension_decide',
  ])
    expect(actions).toContain(a);
});

it('opens siren control to more roles in 战时 and suspends extensions of non-urgent cases there', () => {
  const policy = t.identity.policy;
  const cmd = subject(PRINCIPALS[0]!);
  const handler = subject(PRINCIPALS[3]!);
  const dispatcher = subject(PRINCIPALS[1]!);
  expect(policy.authorize(cmd, 'airdefense.command.confirm', 'daily').allowed).toBe(false);
  expect(policy.authorize(cmd, 'airdefense.command.confirm', 'wartime').allowed).toBe(true);
  expect(policy.authorize(dispatcher, 'airdefense.command.propose', 'emergency').allowed).toBe(false);
  expect(policy.authorize(dispatcher, 'airdefense.command.propose', 'wartime').allowed).toBe(true);
  expect(policy.authorize(handler, 'case.extension_request', 'daily').allowed).toBe(true);
  const war = policy.authorize(handler, 'case.extension_request', 'wartime');
  expect(war.allowed).toBe(false);
  if (!war.allowed) expect(war.reason).toMatch(/战时指挥.*暂停/);
});

describe.each(SYSTEM_MODES.map((m) => [SYSTEM_MODE_LABELS[m], m] as const))('in %s', (_label, mode) => {
  it.each(PRINCIPALS.map((p) => [p.label, p] as const))('enforces every mode-dependent cell for %s', async (_l, p) => {
    await withSharedMode(async () => {
      try {
        await setMode(mode);
        const cookie = cookies.get(p.label)!;
        for (const { pattern, actionId } of modeRoutes()) {
          const allowed = t.identity.policy.authorize(subject(p), actionId, mode).allowed;
          const req = request(t.app)[pattern.method.toLowerCase() as 'get' | 'post'](sample(pattern.path)).set('Cookie', cookie);
          const res = pattern.method === 'GET' ? await req : await req.send({});
          const cell = `${mode} ${p.label} ${pattern.method} ${pattern.path}`;
          if (allowed) {
            expect([cell, res.status === 401 || res.status === 403 || res.status >= 500]).toEqual([cell, false]);
          } else {
            expect([cell, res.status]).toEqual([cell, 403]);
            expect(res.body.error.details).toEqual({ action: actionId });
            if (t.identity.policy.action(actionId)?.modes?.[mode])
              expect(res.body.error.message).toContain(SYSTEM_MODE_LABELS[mode]);
          }
        }
      } finally {
        await setMode('daily');
      }
    });
  });
});

it('decides by the mode another gateway switched to (read from the database, not only heard)', async () => {
  await withSharedMode(async () => {
    try {
      // A switch committed elsewhere: written straight to the row, no change reaches this process's hub.
      await t.db.query(`UPDATE system_mode SET mode = 'wartime', seq = seq + 0 WHERE id = 1`);
      await new Promise((r) => setTimeout(r, 1100));
      const res = await request(t.app)
        .post('/api/cases/999999999/request_extension')
        .set('Cookie', cookies.get('handler:urban_mgmt')!)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/战时指挥/);
    } finally {
      await setMode('daily');
    }
  });
});
