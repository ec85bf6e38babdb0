import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { anchorMac } from '../../gateway/audit/chain';
import { auditKeyFrom } from '../../gateway/audit/key';
import { purgeExpiredAudit } from '../../gateway/audit/retention';
import { verifyAuditChain, verifyChain } from '../../gateway/audit/verify';
import { AuditWriter } from '../../gateway/audit/writer';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { createScratchDb } from '../support/db';
import { ROOT } from '../support/env';
import { TestClock } from '../support/identity';

const SECRET = 'audit-retention-test-key-0123456789abcdef';
const key = auditKeyFrom(SECRET);
const DAY = 86_400_000;
const MIN = 60_000;
let scratch: { url: string; drop: () => Promise<void> };
let db: Db;

beforeAll(async () => {
  scratch = await createScratchDb('audit_retention');
  db = await openPostgres(scratch.url);
  await migrate(db);
  const [{ now }] = (await db.query<{ now: Date }>('SELECT now() AS now')) as [{ now: Date }];
  const clock = new TestClock();
  const writer = new AuditWriter({ db: () => db, key, now: clock.now });
  // seq 1..5: two rows past the boundary, one just inside it, an old row after it, a recent one.
  for (const [ageMs, label] of [
    [200 * DAY, 'old'],
    [183 * DAY + MIN, 'just past 183 days'],
    [183 * DAY - MIN, 'just inside 183 days'],
    [190 * DAY, 'old but after a young row'],
    [DAY, 'recent'],
  ] as const) {
    clock.t = now.getTime() - ageMs;
    await writer.append({ action: 'test.retention', outcome: 'ok', object: label });
  }
});
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

const writerNow = () => new AuditWriter({ db: () => db, key, now: () => new Date() });

describe('audit retention', () => {
  it('refuses a retention period under 183 days', async () => {
    await expect(purgeExpiredAudit(db, key, writerNow(), { keepDays: 182 })).rejects.toThrow('at least 183 days');
  });

  it('the database itself refuses to purge a prefix containing a row younger than 183 days', async () => {
    const [row] = await db.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = 3');
    await expect(db.query('SELECT audit_purge(3, $1, $2)', [row!.hash, anchorMac(key, 3, row!.hash)])).rejects.toThrow(
      /younger than 183 days/,
    );
  });

  it('draws the line exactly at 183 days: a row aged 183 days is kept, one a microsecond older may go', async () => {
    const [r] = await db.query<{ at_boundary: boolean; just_older: boolean; just_younger: boolean }>(
      `SELECT audit_purge_eligible(now() - interval '183 days') AS at_boundary,
              audit_purge_eligible(now() - interval '183 days' - interval '1 microsecond') AS just_older,
              audit_purge_eligible(now() - interval '183 days' + interval '1 microsecond') AS just_younger`,
    );
    expect(r).toEqual({ at_boundary: false, just_older: true, just_younger: false });
    // The trigger applies the same rule to a row aged exactly 183 days, even with the purge flag set.
    await expect(
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO audit_event (seq, at, action, outcome, detail, key_id, prev_hash, hash)
           VALUES (1000000, now() - interval '183 days', 'x', 'ok', '{}', 'k', 'p', 'h')`,
        );
        await tx.query("SELECT set_config('harbin.audit_purge', 'on', true)");
        await tx.query('DELETE FROM audit_event WHERE seq = 1000000');
      }),
    ).rejects.toThrow(/younger than 183 days/);
  });

  it('purges the old prefix only, anchors the chain, and the rest still verifies', async () => {
    const r = await purgeExpiredAudit(db, key, writerNow());
    expect(r).toEqual({ purged: 2, throughSeq: 2, keepDays: 183 });
    const left = await db.query<{ seq: number; object: string }>('SELECT seq, object FROM audit_event ORDER BY seq');
    expect(left.map((x) => x.object)).toEqual([
      'just inside 183 days',
      'old but after a young row',
      'recent',
      'audit_event #1–#2',
    ]);
    expect(await verifyAuditChain(db, key)).toMatchObject({ ok: true, anchoredThroughSeq: 2, checked: 4, lastSeq: 6 });
  });

  it('purges nothing more while the oldest remaining row is younger than 183 days', async () => {
    expect(await purgeExpiredAudit(db, key, writerNow())).toMatchObject({ purged: 0, throughSeq: null });
  });

  it('detects a forged retention anchor', async () => {
    const sentinel = new Error('rollback');
    await expect(
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = 3');
        await tx.query(
          `INSERT INTO audit_anchor (purged_through_seq, last_hash, last_at, rows_purged, mac) VALUES (3, $1, now(), 1, 'forged')`,
          [row!.hash],
        );
        const v = await verifyChain(tx, key);
        expect(v.ok).toBe(false);
        expect(v.firstBroken!.reason).toContain('锚点');
        throw sentinel;
      }),
    ).rejects.toBe(sentinel);
  });

  it('runs as `npm run audit:retention`', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-retention.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: scratch.url, AUDIT_HMAC_KEY: SECRET },
      },
    );
    expect(stdout).toContain('nothing older than 183 days');
  });
});
