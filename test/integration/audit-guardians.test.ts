import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { HeadWitness, witnessFile } from '../../gateway/audit/head-witness';
import { auditKeyFrom, KEY_FILE_NAME, loadAuditKey } from '../../gateway/audit/key';
import { loadConfig } from '../../gateway/config';
import { verifyAuditChain } from '../../gateway/audit/verify';
import { AuditWriter } from '../../gateway/audit/writer';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { adminUrl } from '../support/env';
import { createScratchDb } from '../support/db';
import { ROOT } from '../support/env';
import { createAccount, createIdentityTestApp, login } from '../support/identity';

/**
 * What guards the audit log beyond its triggers: the chain head written outside the database, so removing the
 * newest rows is seen; and the tables' owner, a role of their own, so the application cannot switch the triggers off.
 */
const SECRET = 'audit-guardians-test-key-0123456789abcdef';
const key = auditKeyFrom(SECRET);
const GATEWAY_ROLE = 'harbin_identity_guard_probe';
let scratch: { url: string; drop: () => Promise<void> };
let db: Db;
let dir: string;

beforeAll(async () => {
  scratch = await createScratchDb('guardians');
  db = await openPostgres(scratch.url);
  await migrate(db);
  dir = mkdtempSync(path.join(os.tmpdir(), 'harbin-audit-head-'));
}, 120_000);
afterAll(async () => {
  await db.close();
  await scratch.drop();
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${GATEWAY_ROLE}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const verifyCli = () =>
  promisify(execFile)(process.execPath, [TSX, 'scripts/audit-verify.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: scratch.url, DATA_DIR: dir, AUDIT_HMAC_KEY: SECRET },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

describe('the externally written chain head', () => {
  it('detects the newest rows removed together with the head row, where the chain alone cannot', async () => {
    const witness = new HeadWitness({ dir, key, db: () => db, delayMs: 10 });
    const writer = new AuditWriter({ db: () => db, key, now: () => new Date(), witness });
    for (let i = 1; i <= 20; i++) await writer.append({ action: 'test.guardians', outcome: 'ok', object: `row ${i}` });
    await witness.settle();
    expect(await verifyAuditChain(db, key, { witnessDir: dir })).toMatchObject({ ok: true, lastSeq: 20 });
    expect((await verifyCli()).code).toBe(0);

    // Someone with full database rights (here the superuser the tests connect as) removes the newest rows and winds
    // the head row back: every remaining link is intact.
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query('DELETE FROM audit_event WHERE seq > 15');
      await tx.query('UPDATE audit_chain_head SET seq = 15, hash = (SELECT hash FROM audit_event WHERE seq = 15) WHERE id = 1');
    });
    expect(await verifyAuditChain(db, key)).toMatchObject({ ok: true, lastSeq: 15 });
    const result = await verifyAuditChain(db, key, { witnessDir: dir });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: 16, reason: '外部锚点记载链头为 #20，但记录 #16–#20 缺失（末尾被截断）' });
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('first broken record #16');
  });
});

describe('verifying while other gateways append', () => {
  it('does not take a head another gateway anchored after the snapshot began for truncation', async () => {
    // A witness directory of its own: the test above left the other one naming rows it then removed.
    const ownDir = mkdtempSync(path.join(os.tmpdir(), 'harbin-audit-race-'));
    const other = new HeadWitness({ dir: ownDir, key, db: () => db, delayMs: 10 });
    const otherWriter = new AuditWriter({ db: () => db, key, now: () => new Date(), witness: other });
    await otherWriter.append({ action: 'test.guardians', outcome: 'ok', object: 'before the verification' });
    await other.settle();
    // The verifier's snapshot starts with its read of the chain head; right then another gateway appends rows and
    // moves the external head past that snapshot.
    let moved = false;
    const racing: Db = {
      backend: db.backend,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      listen: (channel, onNotify) => db.listen(channel, onNotify),
      close: () => db.close(),
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({
            query: async <T>(sql: string, params?: Parameters<Db['query']>[1]) => {
              const rows = await tx.query<T>(sql, params);
              if (!moved && sql.includes('FROM audit_chain_head')) {
                moved = true;
                for (let i = 0; i < 3; i++)
                  await otherWriter.append({ action: 'test.guardians', outcome: 'ok', object: `during ${i}` });
                await other.settle();
              }
              return rows;
            },
          }),
        ),
    };
    const result = await verifyAuditChain(racing, key, { witnessDir: ownDir });
    expect(moved).toBe(true);
    expect(result).toMatchObject({ ok: true, firstBroken: null });
    // The rows appended meanwhile are there, and the next verification covers them.
    const after = await verifyAuditChain(db, key, { witnessDir: ownDir });
    expect(after).toMatchObject({ ok: true, lastSeq: result.lastSeq + 3 });
    rmSync(ownDir, { recursive: true, force: true });
  });
});

describe('ownership of the audit tables', () => {
  it('belongs to harbin_audit_owner, so neither harbin_app nor a non-superuser gateway role can disable the triggers', async () => {
    const owners = await db.query<{ tablename: string; tableowner: string }>(
      `SELECT tablename, tableowner FROM pg_tables
        WHERE tablename IN ('audit_event', 'audit_chain_head', 'audit_anchor', 'audit_chain_identity') ORDER BY tablename`,
    );
    expect(owners.map((o) => o.tableowner)).toEqual(Array(4).fill('harbin_audit_owner'));

    const name = new URL(scratch.url).pathname.slice(1);
    await db.exec(`DROP ROLE IF EXISTS ${GATEWAY_ROLE}`);
    await db.exec(`CREATE ROLE ${GATEWAY_ROLE} LOGIN PASSWORD 'guard-probe-only' NOSUPERUSER NOCREATEROLE IN ROLE harbin_app`);
    await db.exec(`GRANT CONNECT ON DATABASE ${name} TO ${GATEWAY_ROLE}`);
    const url = new URL(scratch.url);
    url.username = GATEWAY_ROLE;
    url.password = 'guard-probe-only';
    const gateway = new Client({ connectionString: url.toString() });
    await gateway.connect();
    const refused = (sql: string) =>
      gateway.query(sql).then(
        () => 'allowed',
        (err: Error) => err.message,
      );
    try {
      expect(await refused('ALTER TABLE audit_event DISABLE TRIGGER ALL')).toMatch(/must be owner of table audit_event/);
      expect(await refused('DROP TABLE audit_event')).toMatch(/must be owner of table audit_event/);
      await gateway.query('SET ROLE harbin_app');
      expect(await refused('ALTER TABLE audit_event DISABLE TRIGGER audit_event_guard_delete')).toMatch(/must be owner/);
      expect(await refused('ALTER TABLE audit_chain_head DISABLE TRIGGER ALL')).toMatch(/must be owner/);
      expect(await refused('DELETE FROM audit_event')).toMatch(/permission denied/);
      expect(await refused('SET ROLE harbin_audit_owner')).toMatch(/permission denied/);
    } finally {
      await gateway.end();
      await db.exec(`REVOKE CONNECT ON DATABASE ${name} FROM ${GATEWAY_ROLE}`);
    }
  });
});

describe('校验链 (POST /api/audit/verify) checks the external head too', () => {
  it('reports rows missing after the head the gateway wrote outside the database', async () => {
    // A gateway of its own DATA_DIR (with the shared test database's audit key), so no other suite sees its file.
    const own = mkdtempSync(path.join(os.tmpdir(), 'harbin-audit-route-'));
    const shared = loadConfig().DATA_DIR;
    loadAuditKey({ configured: undefined, dataDir: shared }); // created on first use, as the gateway would
    copyFileSync(path.join(shared, KEY_FILE_NAME), path.join(own, KEY_FILE_NAME));
    const saved = process.env.DATA_DIR;
    process.env.DATA_DIR = own;
    const t = await createIdentityTestApp().finally(() => {
      if (saved === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = saved;
    });
    try {
      const auditor = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
      const cookie = await login(t.app, auditor.username, auditor.password);
      const intact = await request(t.app).post('/api/audit/verify').set('Cookie', cookie);
      expect(intact.status).toBe(200);
      expect(intact.body.ok).toBe(true);
      // The file now says the chain reached far beyond its last row, as it would after the newest rows were cut.
      const [{ chain_id: chainId }] = (await t.db.query<{ chain_id: string }>('SELECT chain_id FROM audit_chain_identity')) as [
        { chain_id: string },
      ];
      const seq = (intact.body.lastSeq as number) + 1_000_000;
      const hash = 'f'.repeat(64);
      const mac = t.identity.key.mac(JSON.stringify(['harbin-audit-head-v1', chainId, seq, hash]));
      writeFileSync(witnessFile(own, chainId), JSON.stringify({ chainId, seq, hash, at: new Date().toISOString(), mac }));
      const cut = await request(t.app).post('/api/audit/verify').set('Cookie', cookie);
      expect(cut.status).toBe(200);
      expect(cut.body.ok).toBe(false);
      expect(cut.body.firstBroken.reason).toMatch(new RegExp(`外部锚点记载链头为 #${seq}.*缺失（末尾被截断）`));
    } finally {
      await t.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
