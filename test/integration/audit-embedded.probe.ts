/**
 * Run by audit-embedded.test.ts with tsx (PGlite loads its WASM through dynamic imports, which Jest's
 * CommonJS runtime cannot do): exercises the identity and audit SQL on the embedded backend and prints
 * what happened as JSON. `setup <dir>` builds and checks; `tamper <dir> <seq>` alters one row. The key comes
 * from AUDIT_HMAC_KEY.
 */
import path from 'node:path';
import { auditKeyFrom } from '../../gateway/audit/key';
import { HeadWitness } from '../../gateway/audit/head-witness';
import { verifyAuditChain } from '../../gateway/audit/verify';
import { AuditWriter } from '../../gateway/audit/writer';
import { hashPassword } from '../../gateway/auth/kdf';
import { LockoutStore } from '../../gateway/auth/lockout';
import { authenticate } from '../../gateway/auth/login';
import { SessionStore } from '../../gateway/auth/sessions';
import { insertUser } from '../../gateway/auth/users';
import { loadPolicy } from '../../gateway/policy/load';
import { openEmbedded } from '../../geo/db/embedded';
import { migrate } from '../../geo/db/migrate';
import type { Db } from '../../geo/db/types';

const error = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );

async function setup(db: Db, dir: string) {
  await migrate(db);
  const key = auditKeyFrom(process.env.AUDIT_HMAC_KEY ?? '');
  const now = () => new Date();
  const policy = loadPolicy();
  const witness = new HeadWitness({ dir, key, db: () => db });
  const audit = new AuditWriter({ db: () => db, key, now, witness });
  for (let i = 0; i < 12; i++) await audit.append({ action: 'test.embedded', outcome: 'ok', object: `row ${i}`, detail: { i } });
  const appRoleDelete = await error(
    db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE harbin_app');
      await tx.query('DELETE FROM audit_event');
    }),
  );
  const [owner] = await db.query<{ tableowner: string; superuser: boolean }>(
    `SELECT tableowner, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
       FROM pg_tables WHERE tablename = 'audit_event'`,
  );
  const appRoleDisableTrigger = await error(
    db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE harbin_app');
      await tx.query('ALTER TABLE audit_event DISABLE TRIGGER ALL');
    }),
  );
  const ownerUpdate = await error(db.query("UPDATE audit_event SET outcome = 'failed'"));
  const ownerTruncate = await error(db.query('TRUNCATE audit_event'));

  const sessions = new SessionStore({ db: () => db, now, policy, audit });
  const lockout = new LockoutStore(
    () => db,
    () => policy.lockout,
  );
  const passwordHash = await hashPassword('Embedded#Pass-7781');
  await db.transaction((tx) =>
    insertUser(
      tx,
      {
        username: 'embedded.user',
        displayName: '嵌入',
        kind: 'person',
        role: 'commander',
        departmentId: 'command-center',
        gridScope: ['230103'],
        passwordHash,
        mustChangePassword: false,
      },
      now(),
    ),
  );
  const sourceLockout = new LockoutStore(
    () => db,
    () => policy.sourceLockout,
  );
  const deps = { db: () => db, now, policy, audit, sessions, lockout, sourceLockout };
  const ctx = { channel: 'http' as const, ip: '127.0.0.1', userAgent: null, requestId: null };
  const badLogin = await error(authenticate(deps, 'embedded.user', 'wrong-password', ctx));
  const failuresAfterBadLogin = (await lockout.state('embedded.user')).failures;
  const { principal } = await authenticate(deps, 'embedded.user', 'Embedded#Pass-7781', ctx);
  const resolvedMany = (await sessions.resolveMany([principal.sessionId])).get(principal.sessionId)?.ok ?? false;
  const ended = await sessions.end(principal.sessionId, 'logout');
  const afterEnd = (await sessions.resolveId(principal.sessionId)).ok;
  await witness.settle();
  return {
    owner,
    appRoleDisableTrigger,
    appRoleDelete,
    ownerUpdate,
    ownerTruncate,
    badLogin,
    failuresAfterBadLogin,
    principal: { role: principal.role, gridScope: principal.gridScope, department: principal.department },
    resolvedMany,
    ended,
    afterEnd,
    verify: await verifyAuditChain(db, key, { witnessDir: dir }),
  };
}

async function tamper(db: Db, seq: number) {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`UPDATE audit_event SET detail = '{"i":99}' WHERE seq = $1`, [seq]);
  });
  return { tampered: seq };
}

async function main() {
  const [mode, dir, seq] = process.argv.slice(2);
  const db = await openEmbedded(path.join(dir!, 'pglite'));
  try {
    const out = mode === 'tamper' ? await tamper(db, Number(seq)) : await setup(db, dir!);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
