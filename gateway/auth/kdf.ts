import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password storage: scrypt (memory-hard, salted) with parameters stored in the hash, so they can be raised
 * later without invalidating old hashes: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>`.
 * N = 2^15, r = 8, p = 1 costs 32 MiB and about 0.1–0.3 s per hash here.
 */
export const KDF_PARAMS = { log2N: 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

function derive(password: string, salt: Buffer, keyBytes: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const options = (log2N: number, r: number, p: number): ScryptOptions => ({ N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r });

export async function hashPassword(password: string, params = KDF_PARAMS): Promise<string> {
  const salt = randomBytes(params.saltBytes);
  const key = await derive(password, salt, params.keyBytes, options(params.log2N, params.r, params.p));
  return ['scrypt', params.log2N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const [log2N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(m[4]!, 'base64');
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await derive(password, salt, expected.length, options(log2N, r, p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | null = null;
/**
 * A hash of a random secret with the same parameters, verified when the login name is unknown, so that an
 * unknown name costs the same time as a known one (no user enumeration by timing).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
