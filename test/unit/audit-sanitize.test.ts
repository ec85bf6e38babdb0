import { REDACTED, sanitizeDetail, sanitizeText } from '../../gateway/audit/sanitize';

describe('audit sanitising', () => {
  it('drops values under keys that name a secret, at any depth', () => {
    const out = sanitizeDetail({
      password: 'Zhw#Command-7316',
      newPassword: 'x',
      nested: { sessionToken: 'abc', Authorization: 'Bearer x', cookie: 'hb_sid=1', idCard: '230103199001011234', ok: 'kept' },
      身份证号: '230103199001011234',
    });
    expect(JSON.stringify(out)).not.toMatch(/Zhw#|abc|Bearer|hb_sid|230103199001011234/);
    expect(out).toMatchObject({ password: REDACTED, nested: { ok: 'kept' } });
  });

  it('masks 18-character ID-card numbers inside free text, X check digit included', () => {
    expect(sanitizeText('caller 23010319900101123X reported')).toBe(`caller ${REDACTED} reported`);
    expect(sanitizeDetail({ note: '身份证 230103199001011234，电话 13800138000' })).toEqual({
      note: `身份证 ${REDACTED}，电话 13800138000`,
    });
  });

  it('leaves grid codes (15 digits), component ids (16–17) and GB/T 28181 ids (20) alone', () => {
    for (const code of ['230103001001001', '2301030101001234', '23010301010012345', '34020000001320000001']) {
      expect(sanitizeText(`object ${code}`)).toBe(`object ${code}`);
    }
  });

  it('bounds sizes and depth', () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    expect(JSON.stringify(sanitizeDetail(deep))).toContain('[…]');
    expect((sanitizeDetail('x'.repeat(2000)) as string).length).toBeLessThan(600);
    expect(sanitizeDetail({ n: Number.NaN })).toEqual({ n: 'NaN' });
  });
});
