import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ACCOUNT_KINDS, roleIdSchema, usernameSchema } from '../../contracts/identity';
import type { Db } from '../../geo/db/types';
import { HeadWitness } from '../audit/head-witness';
import { loadAuditKey } from '../audit/key';
import { AuditWriter } from '../audit/writer';
import type { Config } from '../config';
import { loadPolicy } from '../policy/load';
import type { Policy } from '../policy/policy';
import { accountProblem } from './account-rules';
import { endCredentialsIn } from './credentials';
import { hashPassword } from './kdf';
import { checkPassword, loadCommonPasswords } from './password-policy';
import { SessionStore } from './sessions';
import { findDepartment, insertUser } from './users';

export const DEMO_USERS_FILE = path.resolve(__dirname, '..', '..', 'data', 'demo', 'users.json');

const seedSchema = z
  .object({
    $comment: z.string().optional(),
    users: z.array(
      z
        .object({
          username: usernameSchema,
          displayName: z.string().min(1).max(64),
          role: roleIdSchema,
          kind: z.enum(ACCOUNT_KINDS).default('person'),
          departmentId: z.string().nullable().default(null),
          gridScope: z.array(z.string().regex(/^[0-9]{6,15}$/)).default([]),
          password: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

export type SeedUser = z.infer<typeof seedSchema>['users'][number];

export function readSeed(file = DEMO_USERS_FILE): SeedUser[] {
  const parsed = seedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (!parsed.success) throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.users;
}

/**
 * Creates accounts that do not exist yet (an existing login name is left exactly as it is), each with an
 * audit row. Every account must pass the same rules as one created by an administrator, passwords included.
 */
export async function provisionUsers(
  db: Db,
  users: SeedUser[],
  deps: { policy: Policy; audit: AuditWriter; now: () => Date; log?: Logger; source: string },
): Promise<string[]> {
  const common = loadCommonPasswords();
  const created: string[] = [];
  for (const u of users) {
    const weak = checkPassword(u.password, u.username, deps.policy.password, common);
    if (weak.length)
      throw new Error(`${deps.source}: the password of ${u.username} is refused: ${weak.map((p) => p.message).join('; ')}`);
    const department = u.departmentId ? await findDepartment(db, u.departmentId) : null;
    const problem = accountProblem(deps.policy, { role: u.role, kind: u.kind, department, departmentId: u.departmentId });
    if (problem) throw new Error(`${deps.source}: ${u.username}: ${problem}`);
    const exists = await db.query('SELECT 1 FROM app_user WHERE username = $1', [u.username]);
    if (exists.length) continue;
    const passwordHash = await hashPassword(u.password);
    const id = await db.transaction(async (tx) => {
      const inserted = await insertUser(tx, { ...u, passwordHash, mustChangePassword: false }, deps.now());
      if (inserted) {
        await deps.audit.appendIn(tx, {
          action: 'user.create',
          outcome: 'ok',
          actor: { userId: null, username: 'system', role: null },
          object: `user ${u.username}`,
          detail: { role: u.role, kind: u.kind, departmentId: u.departmentId, source: deps.source },
        });
      }
      return inserted;
    });
    if (id) created.push(u.username);
  }
  if (created.length) deps.log?.warn({ created, source: deps.source }, 'accounts provisioned');
  return created;
}

/**
 * Disables every account of the demo seed that is still enabled, ending its sessions and API tokens, one audit row
 * each: their passwords are published, so in production (IDENTITY_SEED=none) none of them may stay usable.
 */
export async function retireDemoAccounts(
  db: Db,
  users: SeedUser[],
  deps: { policy: Policy; audit: AuditWriter; now: () => Date; log?: Logger },
): Promise<string[]> {
  const sessions = new SessionStore({ db: () => db, ...deps });
  const retired: string[] = [];
  for (const u of users) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        'SELECT id FROM app_user WHERE username = $1 AND disabled_at IS NULL FOR UPDATE',
        [u.username],
      );
      if (!row) return null;
      const now = deps.now();
      await tx.query('UPDATE app_user SET disabled_at = $2, updated_at = $2 WHERE id = $1', [row.id, now]);
      const ended = await endCredentialsIn(tx, sessions, row.id, 'disabled', now);
      await deps.audit.appendIn(tx, {
        action: 'user.update',
        outcome: 'ok',
        actor: { userId: null, username: 'system', role: null },
        object: `user ${u.username}`,
        detail: {
          changes: { disabled: true },
          reason: 'IDENTITY_SEED=none: a demo account of data/demo/users.json, whose password is published',
          sessionsEnded: ended.sessions.length,
          apiKeysRevoked: ended.apiTokensRevoked,
        },
      });
      return ended;
    });
    if (done) {
      sessions.announce(done.sessions);
      retired.push(u.username);
    }
  }
  if (retired.length) deps.log?.warn({ retired }, 'demo accounts disabled (IDENTITY_SEED=none)');
  return retired;
}

/**
 * Start-up provisioning: with IDENTITY_SEED=demo (the demo default) the named demo accounts of
 * `data/demo/users.json` are created when missing. Their passwords are public (README), so the
 * gateway says so in its log; production runs with IDENTITY_SEED=none, which disables any demo account an earlier
 * start left behind. No account ships otherwise.
 */
export async function provisionDemoAccounts(db: Db, cfg: Config, log: Logger): Promise<void> {
  const now = () => new Date();
  const key = loadAuditKey({ configured: cfg.AUDIT_HMAC_KEY?.reveal(), dataDir: cfg.DATA_DIR });
  const deps = { policy: loadPolicy(), audit: new AuditWriter({ db: () => db, key, now }), now, log };
  if (cfg.IDENTITY_SEED === 'none') await retireDemoAccounts(db, readSeed(), deps);
  else await provisionUsers(db, readSeed(), { ...deps, source: 'data/demo/users.json' });
  // The audit chain's head, written outside the database from the first start on (head-witness.ts).
  await new HeadWitness({ dir: cfg.DATA_DIR, key, db: () => db, log }).flush();
  if (cfg.IDENTITY_SEED === 'none') return;
  log.warn(
    'demo accounts are enabled (IDENTITY_SEED=demo); their passwords are published — set IDENTITY_SEED=none in production',
  );
}
