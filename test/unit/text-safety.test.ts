import fc from 'fast-check';
import { TokenBuckets } from '../../gateway/auth/rate-limit';
import { describeTextProblem, findUnsafeText, jsonDepthExceeds } from '../../gateway/http/text-safety';

/** Depth of a parsed JSON value, counted independently of the code under test (recursively; inputs stay shallow). */
const depthOf = (v: unknown): number =>
  typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;

/** Well-formed JSON values whose strings hold no U+0000 and no lone surrogate. */
const safeJson = fc
  .jsonValue({ maxDepth: 6 })
  .filter((v) => !/\\u0000|\\ud[89ab][0-9a-f]{2}|\\ud[c-f][0-9a-f]{2}/i.test(JSON.stringify(v)));

describe('findUnsafeText', () => {
  it('finds nothing in well-formed JSON values within the limits', () => {
    fc.assert(fc.property(safeJson, (v) => findUnsafeText(v) === null));
  });

  it('finds a NUL or a lone surrogate placed anywhere, with the path to it', () => {
    const bad = fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udbffb');
    fc.assert(
      fc.property(fc.array(fc.constantFrom('items', 'note', 'x y'), { maxLength: 5 }), bad, fc.boolean(), (keys, ch, asKey) => {
        let value: unknown = asKey ? { [`k${ch}`]: 1 } : `text${ch}`;
        for (const k of [...keys].reverse()) value = k === 'items' ? { items: [0, value] } : { [k]: value };
        const problem = findUnsafeText(value);
        expect(problem?.kind).toBe(ch === '\u0000' ? 'nul' : 'lone_surrogate');
        const expectedPath = keys
          .map((k) => (k === 'items' ? 'items[1]' : k === 'x y' ? '["x y"]' : k))
          .reduce((p, seg) => (seg.startsWith('[') ? `${p}${seg}` : p ? `${p}.${seg}` : seg), '');
        const keyPart = asKey ? JSON.stringify(`k${ch}`) : '';
        expect(problem?.path).toBe(asKey ? `${expectedPath}[${keyPart}]` : expectedPath);
      }),
    );
  });

  it('accepts paired surrogates (emoji) and other control characters PostgreSQL stores', () => {
    expect(findUnsafeText({ note: '积水 🌊 \t\r\n\u0001\u007f' })).toBeNull();
  });

  it('refuses too deep, too long, too many and non-finite values', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 33; i++) deep = [deep];
    expect(findUnsafeText(deep)?.kind).toBe('too_deep');
    expect(findUnsafeText({ a: 'x'.repeat(11) }, { maxStringLength: 10 })).toMatchObject({ path: 'a', kind: 'too_long' });
    expect(
      findUnsafeText(
        Array.from({ length: 11 }, () => 1),
        { maxNodes: 10 },
      )?.kind,
    ).toBe('too_many');
    expect(findUnsafeText({ lon: Infinity })).toMatchObject({ path: 'lon', kind: 'not_finite' });
  });

  it('walks 100 000 levels without exhausting the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(findUnsafeText(deep, { maxDepth: 200_000, maxNodes: 200_001 })?.kind ?? null).toBeNull();
  });

  it('reads as a sentence naming the field', () => {
    expect(describeTextProblem(findUnsafeText({ description: 'a\u0000' })!)).toBe(
      '字段 description 含有不允许的控制字符 (U+0000)',
    );
  });
});

describe('jsonDepthExceeds', () => {
  it('agrees with the depth of the parsed value, brackets inside strings not counting', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (v, limit) => {
        const text = JSON.stringify(v);
        expect(jsonDepthExceeds(text, limit)).toBe(depthOf(v) > limit);
        expect(jsonDepthExceeds(Buffer.from(text), limit)).toBe(depthOf(v) > limit);
      }),
    );
    expect(jsonDepthExceeds('{"a":"[[[[\\"[[["}', 1)).toBe(false);
  });

  it('scans a 1 MB body of brackets in a few milliseconds', () => {
    const body = '['.repeat(500_000) + ']'.repeat(500_000);
    const started = performance.now();
    expect(jsonDepthExceeds(body, 32)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('TokenBuckets', () => {
  it('grants a burst, then the steady rate, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([0, 0, 0, 1]);
    expect(buckets.take('b')).toBe(0);
    now += 500;
    expect([buckets.take('a'), buckets.take('a')]).toEqual([0, 1]);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([0, 0, 0, 1]);
  });
});
