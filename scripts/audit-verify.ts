/**
 * `npm run audit:verify [-- --json]`: verifies the audit hash chain of the configured database (PostGIS via
 * DATABASE_URL, or the embedded database under DATA_DIR — stop the gateway first, the embedded database
 * takes one process), and against the chain head the gateway wrote under DATA_DIR (gateway/audit/head-witness.ts),
 * which shows newest rows removed. Exit 0: intact; 1: broken, naming the first broken record; 2: could not verify.
 */
import { loadAuditKey } from '../gateway/audit/key';
import { verifyAuditChain } from '../gateway/audit/verify';
import { loadConfig, redactUrl } from '../gateway/config';
import { openDb } from '../geo/db/open';

async function main(): Promise<number> {
  const cfg = loadConfig();
  const json = process.argv.includes('--json');
  const key = loadAuditKey({ configured: cfg.AUDIT_HMAC_KEY?.reveal(), dataDir: cfg.DATA_DIR });
  const db = await openDb({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    const [table] = await db.query<{ present: boolean }>("SELECT to_regclass('audit_event') IS NOT NULL AS present");
    if (!table?.present) {
      console.error(`no audit log in ${redactUrl(cfg.DATABASE_URL)}: start the gateway once to create it`);
      return 2;
    }
    const result = await verifyAuditChain(db, key, { witnessDir: cfg.DATA_DIR });
    if (json) console.log(JSON.stringify(result));
    else if (result.ok) {
      const from = result.anchoredThroughSeq + 1;
      console.log(
        `audit chain intact: ${result.checked} record(s) verified` +
          (result.checked ? ` (#${from}–#${result.lastSeq})` : '') +
          (result.anchoredThroughSeq
            ? `; records up to #${result.anchoredThroughSeq} were removed by retention (anchor verified)`
            : '') +
          ` in ${redactUrl(cfg.DATABASE_URL)}, key ${key.id}`,
      );
    } else {
      const broken = result.firstBroken!;
      console.error(`AUDIT CHAIN BROKEN: first broken record #${broken.seq}: ${broken.reason}`);
      console.error(`(${result.checked} record(s) before it verified intact)`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit verification failed to run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
