import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { anchorMac, canonicalJson, canonicalRow, GENESIS_HASH, sealRow, type AuditRow } from '../../gateway/audit/chain';
import { auditKeyFrom } from '../../gateway/audit/key';

describe('SM3 (GB/T 32905-2016)', () => {
  it('hashes "abc" to the standard example value', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('hashes the 512-bit example ("abcd" × 16) to the standard value', () => {
    expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('is what the audit key uses: HMAC-SM3 (RFC 2104 over SM3)', () => {
    const key = 'k'.repeat(32);
    // HMAC built by hand from SM3 (block size 64) must equal Node's createHmac('sm3').
    const block = Buffer.alloc(64);
    Buffer.from(key).copy(block);
    const ipad = Buffer.from(block.map((b) => b ^ 0x36));
    const opad = Buffer.from(block.map((b) => b ^ 0x5c));
    const inner = createHash('sm3').update(ipad).update('abc').digest();
    const manual = createHash('sm3').update(opad).update(inner).digest('hex');
    expect(createHmac('sm3', key).update('abc').digest('hex')).toBe(manual);
    expect(auditKeyFrom(key).mac('abc')).toBe(manual);
  });
});

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  seq: 1,
  at: new Date('2025-03-01T02:03:04.567Z'),
  userId: 'u1',
  username: 'zhang.wei',
  role: 'commander',
  action: 'auth.login',
  object: 'account zhang.wei',
  outcome: 'ok',
  sourceIp: '10.0.0.1',
  requestId: 'r1',
  detail: '{"channel":"http"}',
  keyId: 'abcd',
  prevHash: GENESIS_HASH,
  ...over,
});

describe('hash chain rows', () => {
  const key = auditKeyFrom('0123456789abcdef0123456789abcdef');

  it('seals deterministically and never exposes the key', () => {
    expect(sealRow(key, row()).hash).toBe(sealRow(key, row()).hash);
    expect(sealRow(key, row()).hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(key)).not.toContain('0123456789abcdef');
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the hash when any single field changes', () => {
    const base = sealRow(key, row()).hash;
    const edits: Partial<AuditRow>[] = [
      { seq: 2 },
      { at: new Date('2025-03-01T02:03:04.568Z') },
      { userId: null },
      { username: 'zhang.wel' },
      { role: 'leader' },
      { action: 'auth.logout' },
      { object: 'account zhang.weI' },
      { outcome: 'failed' },
      { sourceIp: '10.0.0.2' },
      { requestId: 'r2' },
      { detail: '{"channel":"socket"}' },
      { keyId: 'abce' },
      { prevHash: '1' + GENESIS_HASH.slice(1) },
    ];
    for (const e of edits) expect([e, sealRow(key, row(e)).hash === base]).toEqual([e, false]);
  });

  it('separates fields unambiguously (no two rows share a canonical form)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = canonicalRow(row({ username: a, object: b }));
        const y = canonicalRow(row({ username: a + b, object: '' }));
        return b === '' || x !== y;
      }),
    );
  });

  it('depends on the key', () => {
    const other = auditKeyFrom('fedcba9876543210fedcba9876543210');
    expect(sealRow(key, row()).hash).not.toBe(sealRow(other, row()).hash);
    expect(anchorMac(key, 10, 'h')).not.toBe(anchorMac(other, 10, 'h'));
  });

  it('refuses keys shorter than 32 bytes', () => {
    expect(() => auditKeyFrom('short')).toThrow('at least 32 bytes');
  });

  it('writes detail JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
