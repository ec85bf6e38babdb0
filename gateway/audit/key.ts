import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The HMAC-SM3 key of the audit chain. The key itself never leaves this closure: no getter, no toJSON. */
export interface AuditKey {
  /** A short digest naming the key (stored on each row so a key rotation is visible); reveals nothing of the key. */
  readonly id: string;
  /** HMAC-SM3 of `data`, lower-case hex. */
  mac(data: string): string;
}

export function auditKeyFrom(secret: string | Buffer): AuditKey {
  const bytes = Buffer.isBuffer(secret) ? Buffer.from(secret) : Buffer.from(secret, 'utf8');
  if (bytes.length < 32) throw new Error('the audit HMAC key must be at least 32 bytes');
  const id = createHash('sm3').update('harbin-audit-key-id\0').update(bytes).digest('hex').slice(0, 16);
  return Object.freeze({
    id,
    mac: (data: string) => createHmac('sm3', bytes).update(data, 'utf8').digest('hex'),
    toJSON: () => ({ id }),
  });
}

export const KEY_FILE_NAME = 'audit-hmac.key';

/**
 * The key from AUDIT_HMAC_KEY, or else from `DATA_DIR/audit-hmac.key`, generated on first use with mode 0600.
 * A key file readable by others is tightened to 0600 rather than trusted as is.
 */
export function loadAuditKey(opts: { configured: string | undefined; dataDir: string }): AuditKey {
  if (opts.configured) return auditKeyFrom(opts.configured);
  const file = path.join(opts.dataDir, KEY_FILE_NAME);
  mkdirSync(opts.dataDir, { recursive: true });
  if (!existsSync(file)) {
    // Written aside and linked into place, so a concurrent starter never reads a half-written key.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot create the audit key file ${file}: ${String(err)}`, { cause: err });
      }
    } finally {
      unlinkSync(tmp);
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64,}$/.test(text)) throw new Error(`the audit key file ${file} does not hold a hex key of at least 32 bytes`);
  return auditKeyFrom(Buffer.from(text, 'hex'));
}
