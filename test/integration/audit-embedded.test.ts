import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAuditKey } from '../../gateway/audit/key';
import { ROOT } from '../support/env';

/**
 * The identity and audit SQL on the embedded backend (PGlite, PostgreSQL 18 in WASM, one connection): roles
 * and grants, the append-only triggers, the chain, sessions and lockout, and `npm run audit:verify` on it.
 */
const PROBE_SECRET = 'embedded-audit-test-key-0123456789abcdef';
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
let dataDir: string;

const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [TSX, ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr, stdout: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr, stdout: e.stdout }),
  );
const probe = async (...args: string[]) => {
  const r = await run(['test/integration/audit-embedded.probe.ts', ...args], { AUDIT_HMAC_KEY: PROBE_SECRET });
  if (r.code !== 0) throw new Error(r.out);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};
const verifyCli = () => run(['scripts/audit-verify.ts'], { DATABASE_URL: '', DATA_DIR: dataDir, AUDIT_HMAC_KEY: PROBE_SECRET });

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'harbin-audit-embedded-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('identity and audit on PGlite', () => {
  it('enforces the application role and the triggers, logs in and counts failures as on PostGIS', async () => {
    const r = await probe('setup', dataDir);
    // The audit table belongs to its own role; the application role cannot alter it. PGlite's one user is a
    // superuser, so the ownership binds the application role only (DECISIONS.md).
    expect(r.owner).toEqual({ tableowner: 'harbin_audit_owner', superuser: true });
    expect(r.appRoleDisableTrigger).toMatch(/must be owner/);
    expect(r.appRoleDelete).toMatch(/permission denied/);
    expect(r.ownerUpdate).toMatch(/append-only/);
    expect(r.ownerTruncate).toMatch(/append-only/);
    expect(r.badLogin).toBe('用户名或密码错误');
    expect(r.failuresAfterBadLogin).toBe(1);
    expect(r.principal).toEqual({
      role: 'commander',
      gridScope: ['230103'],
      department: { id: 'command-center', name: '哈尔滨市城市运行指挥中心', kind: 'command' },
    });
    expect(r).toMatchObject({ resolvedMany: true, ended: true, afterEnd: false });
    expect(r.verify).toMatchObject({ ok: true, firstBroken: null });
  }, 300_000);

  it('npm run audit:verify works on the embedded backend: 0 when intact, 1 naming the altered record', async () => {
    let r = await verifyCli();
    expect(r.out).toContain('audit chain intact');
    expect(r.code).toBe(0);
    await probe('tamper', dataDir, '5');
    r = await verifyCli();
    expect(r.code).toBe(1);
    expect(r.out).toContain('first broken record #5');
  }, 300_000);

  it('generates a 0600 key file under DATA_DIR when no key is configured, and reuses it', () => {
    const k = loadAuditKey({ configured: undefined, dataDir });
    expect(statSync(path.join(dataDir, 'audit-hmac.key')).mode & 0o777).toBe(0o600);
    expect(loadAuditKey({ configured: undefined, dataDir }).id).toBe(k.id);
    expect(JSON.stringify(k)).not.toMatch(/[0-9a-f]{64}/);
  });
});
