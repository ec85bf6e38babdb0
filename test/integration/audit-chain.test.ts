import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { auditKeyFrom } from '../../gateway/audit/key';
import { verifyAuditChain } from '../../gateway/audit/verify';
import { HeadWitness } from '../../gateway/audit/head-witness';
import { AuditWriter } from '../../gateway/audit/writer';
import { loadConfig } from '../../gateway/config';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { createScratchDb } from '../support/db';
import { ROOT } from '../support/env';
import { TestClock } from '../support/identity';

const SECRET = 'audit-chain-test-key-0123456789abcdef';
const key = auditKeyFrom(SECRET);
let scratch: { url: string; drop: () => Promise<void> };
let db: Db;
let writer: AuditWriter;
const clock = new TestClock(Date.now() - 3_600_000);

beforeAll(async () => {
  scratch = await createScratchDb('audit_chain');
  db = await openPostgres(scratch.url);
  await migrate(db);
  writer = new AuditWriter({ db: () => db, key, now: clock.now });
  for (let i = 0; i < 40; i++) {
    clock.advance(1000);
    await writer.append({
      action: i % 3 ? 'auth.login' : 'user.update',
      outcome: i % 5 ? 'ok' : 'failed',
      actor: i % 4 ? { userId: `u${i}`, username: `user${i}.test`, role: 'commander' } : null,
      object: `object ${i}`,
      sourceIp: `10.0.0.${i}`,
      requestId: `req-${i}`,
      detail: { i, note: '中文说明' },
    });
  }
});
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

const verify = () => verifyAuditChain(db, key);

describe('append-only storage', () => {
  it.each([
    ['UPDATE', "UPDATE audit_event SET outcome = 'ok' WHERE seq = 1"],
    ['DELETE', 'DELETE FROM audit_event WHERE seq = 1'],
    ['TRUNCATE', 'TRUNCATE audit_event'],
  ])('refuses %s for the application role (harbin_app): permission denied', async (_op, sql) => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE harbin_app');
        await tx.query(sql);
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it('lets the application role insert and read', async () => {
    const rows = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE harbin_app');
      return tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event');
    });
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it.each([
    ['UPDATE', "UPDATE audit_event SET outcome = 'ok' WHERE seq = 1"],
    ['DELETE', 'DELETE FROM audit_event WHERE seq = 1'],
    ['TRUNCATE', 'TRUNCATE audit_event'],
    ['UPDATE of an anchor', 'UPDATE audit_anchor SET mac = mac'],
    ['TRUNCATE of anchors', 'TRUNCATE audit_anchor'],
  ])('refuses %s even for the owner (a superuser here): the trigger raises', async (_op, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/append-only/);
    expect((await verify()).ok).toBe(true);
  });

  it('refuses a DELETE that sets the retention flag by hand for rows younger than 183 days', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("SELECT set_config('harbin.audit_purge', 'on', true)");
        await tx.query('DELETE FROM audit_event WHERE seq = 1');
      }),
    ).rejects.toThrow(/younger than 183 days/);
  });
});

describe('chain', () => {
  it('verifies intact', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, firstBroken: null, anchoredThroughSeq: 0 });
    expect(r.checked).toBe(r.lastSeq);
  });

  it('does not fork under 60 concurrent writers', async () => {
    const before = (await verify()).lastSeq;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => writer.append({ action: 'test.concurrent', outcome: 'ok', object: `w${i}` })),
    );
    const rows = await db.query<{ seq: number; prev_hash: string }>(
      'SELECT seq, prev_hash FROM audit_event WHERE seq > $1 ORDER BY seq',
      [before],
    );
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => before + i + 1));
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(60);
    expect(await verify()).toMatchObject({ ok: true, lastSeq: before + 60 });
  });
});

/** Edits one stored value with triggers off (as an attacker with superuser rights would), runs `fn`, restores it. */
async function tampered<T>(
  sql: string,
  params: unknown[],
  restore: string,
  restoreParams: unknown[],
  fn: () => Promise<T>,
): Promise<T> {
  const run = (q: string, p: unknown[]) =>
    db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(q, p as never[]);
    });
  await run(sql, params);
  try {
    return await fn();
  } finally {
    await run(restore, restoreParams);
  }
}

const TEXT_COLUMNS = [
  'user_id',
  'username',
  'role',
  'action',
  'object',
  'outcome',
  'source_ip',
  'request_id',
  'detail',
  'key_id',
  'prev_hash',
  'hash',
] as const;

describe('tamper detection (property test)', () => {
  const stats = { edits: 0, editsDetected: 0, deletions: 0, deletionsDetected: 0 };
  afterAll(() => {
    // The figure for the report: every tampering is detected, at the right record.
    console.log(
      `tamper detection: ${stats.editsDetected}/${stats.edits} single-byte edits, ${stats.deletionsDetected}/${stats.deletions} row deletions`,
    );
  });

  it('detects every random single-byte edit, naming the edited record', async () => {
    const { lastSeq } = await verify();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: lastSeq }),
        fc.constantFrom(...TEXT_COLUMNS, 'at'),
        fc.nat(),
        fc.integer({ min: 1, max: 94 }),
        async (seq, column, pos, delta) => {
          const [row] = await db.query<Record<string, unknown>>(`SELECT ${column} AS v FROM audit_event WHERE seq = $1`, [seq]);
          const original = row!.v;
          let edited: unknown;
          if (column === 'at') edited = new Date((original as Date).getTime() + 1 + (pos % 1000));
          else if (original === null) edited = String.fromCharCode(33 + (delta % 94));
          else {
            const s = String(original);
            const i = pos % s.length;
            const code = s.charCodeAt(i);
            const replacement = code < 128 ? String.fromCharCode(33 + ((code - 33 + delta) % 94)) : 'x';
            edited = s.slice(0, i) + (replacement === s[i] ? (s[i] === 'a' ? 'b' : 'a') : replacement) + s.slice(i + 1);
          }
          stats.edits++;
          const result = await tampered(
            `UPDATE audit_event SET ${column} = $2 WHERE seq = $1`,
            [seq, edited],
            `UPDATE audit_event SET ${column} = $2 WHERE seq = $1`,
            [seq, original],
            verify,
          );
          if (!result.ok && result.firstBroken?.seq === seq) stats.editsDetected++;
          expect(result.ok).toBe(false);
          expect(result.firstBroken?.seq).toBe(seq);
        },
      ),
      { numRuns: 150 },
    );
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects every random row deletion (first, middle, last), naming the missing record', async () => {
    const { lastSeq } = await verify();
    const cols =
      'seq, at, user_id, username, role, action, object, outcome, source_ip, request_id, detail, key_id, prev_hash, hash';
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(1), fc.constant(lastSeq), fc.integer({ min: 1, max: lastSeq })), async (seq) => {
        const [saved] = await db.query<Record<string, unknown>>(`SELECT ${cols} FROM audit_event WHERE seq = $1`, [seq]);
        const values = cols.split(', ').map((c) => saved![c]);
        stats.deletions++;
        const result = await tampered(
          'DELETE FROM audit_event WHERE seq = $1',
          [seq],
          `INSERT INTO audit_event (${cols}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
          verify,
        );
        if (!result.ok && result.firstBroken?.seq === seq) stats.deletionsDetected++;
        expect(result.ok).toBe(false);
        expect(result.firstBroken?.seq).toBe(seq);
        expect(result.firstBroken?.reason).toMatch(/缺失/);
      }),
      { numRuns: 40 },
    );
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects a forged row appended without the key', async () => {
    const { lastSeq } = await verify();
    const [last] = await db.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = $1', [lastSeq]);
    await tampered(
      `INSERT INTO audit_event (seq, at, action, outcome, detail, key_id, prev_hash, hash) VALUES ($1, now(), 'user.create', 'ok', '{}', $2, $3, $4)`,
      [lastSeq + 1, key.id, last!.hash, 'f'.repeat(64)],
      'DELETE FROM audit_event WHERE seq = $1',
      [lastSeq + 1],
      async () => {
        const r = await verify();
        expect(r.ok).toBe(false);
        expect(r.firstBroken?.seq).toBe(lastSeq + 1);
      },
    );
  });
});

describe('npm run audit:verify', () => {
  const run = (env: Record<string, string>) =>
    promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: scratch.url, AUDIT_HMAC_KEY: SECRET, ...env },
      },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('exits 0 on an intact chain', async () => {
    // The gateway writes the chain head outside the database after its appends; this writer had no witness.
    await new HeadWitness({ dir: loadConfig().DATA_DIR, key, db: () => db }).flush();
    const r = await run({});
    expect(r.out).toContain('audit chain intact');
    expect(r.code).toBe(0);
  });

  it('exits 1 naming the first broken record when a row was altered', async () => {
    const r = await tampered(
      'UPDATE audit_event SET object = $2 WHERE seq = $1',
      [7, 'object 6!'],
      'UPDATE audit_event SET object = $2 WHERE seq = $1',
      [7, 'object 6'],
      () => run({}),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('first broken record #7');
  });

  it('exits non-zero with the wrong key', async () => {
    const r = await run({ AUDIT_HMAC_KEY: 'another-key-another-key-another-key!!' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('#1');
  });
});
