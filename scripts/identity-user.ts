/**
 * `npm run identity:user -- --username=liu.xt --name=刘系统 --role=sysadmin --department=info-center`
 * Provisions one account from the command line: the installation path for the privileged accounts
 * (system and audit administrators), which the API never grants (separation of duties). The password
 * is read from IDENTITY_PASSWORD or, when unset, from the first line of standard input; it must pass the
 * password policy. An existing login name is left untouched. The creation is audited.
 */
import { createInterface } from 'node:readline';
import { loadAuditKey } from '../gateway/audit/key';
import { AuditWriter } from '../gateway/audit/writer';
import { provisionUsers, type SeedUser } from '../gateway/auth/seed';
import { loadConfig } from '../gateway/config';
import { loadPolicy } from '../gateway/policy/load';
import { migrate } from '../geo/db/migrate';
import { openDb } from '../geo/db/open';
import { roleIdSchema, usernameSchema } from '../contracts/identity';

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function readPassword(): Promise<string> {
  if (process.env.IDENTITY_PASSWORD) return process.env.IDENTITY_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('no password given (set IDENTITY_PASSWORD or pipe it on standard input)');
}

async function main(): Promise<void> {
  const username = usernameSchema.parse(arg('username'));
  const role = roleIdSchema.parse(arg('role'));
  const displayName = arg('name') ?? username;
  const user: SeedUser = {
    username,
    displayName,
    role,
    kind: arg('kind') === 'device' ? 'device' : 'person',
    departmentId: arg('department') ?? null,
    gridScope: (arg('grid') ?? '').split(',').filter(Boolean),
    password: await readPassword(),
  };
  const cfg = loadConfig();
  const key = loadAuditKey({ configured: cfg.AUDIT_HMAC_KEY?.reveal(), dataDir: cfg.DATA_DIR });
  const db = await openDb({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    await migrate(db);
    const now = () => new Date();
    const created = await provisionUsers(db, [user], {
      policy: loadPolicy(),
      audit: new AuditWriter({ db: () => db, key, now }),
      now,
      source: 'npm run identity:user',
    });
    console.log(created.length ? `created ${username} (${role})` : `${username} already exists; nothing changed`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(`identity:user failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
