/**
 * `npm run audit:retention [-- --keep-days=365]`: removes audit rows older than the retention period (at
 * least 183 days; the database refuses anything younger whatever is asked) through audit_purge(), which
 * anchors the chain so `audit:verify` still verifies what remains. Run daily from cron or a systemd timer.
 */
import { loadAuditKey } from '../gateway/audit/key';
import { MIN_RETENTION_DAYS, purgeExpiredAudit } from '../gateway/audit/retention';
import { AuditWriter } from '../gateway/audit/writer';
import { loadConfig, redactUrl } from '../gateway/config';
import { migrate } from '../geo/db/migrate';
import { openDb } from '../geo/db/open';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const arg = process.argv.find((a) => a.startsWith('--keep-days='));
  const keepDays = arg ? Number(arg.slice('--keep-days='.length)) : MIN_RETENTION_DAYS;
  const key = loadAuditKey({ configured: cfg.AUDIT_HMAC_KEY?.reveal(), dataDir: cfg.DATA_DIR });
  const db = await openDb({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    await migrate(db);
    const writer = new AuditWriter({ db: () => db, key, now: () => new Date() });
    const r = await purgeExpiredAudit(db, key, writer, { keepDays });
    console.log(
      r.throughSeq === null
        ? `audit retention: nothing older than ${r.keepDays} days in ${redactUrl(cfg.DATABASE_URL)}`
        : `audit retention: removed ${r.purged} record(s) up to #${r.throughSeq} (older than ${r.keepDays} days)`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(`audit retention failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
