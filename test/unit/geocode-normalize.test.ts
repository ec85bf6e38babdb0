import fc from 'fast-check';
import { normalizeName } from '../../geo/geocode/normalize';

describe('normalizeName: the form in which names and queries are compared', () => {
  it.each([
    ['哈爾濱', '哈尔滨'],
    ['哈爾濱醫科大學附屬第一醫院', '哈尔滨医科大学附属第一医院'],
    ['松花江鐵路大橋', '松花江铁路大桥'],
    ['ＨＡＲＢＩＮ', 'harbin'],
    ['Central  Street', 'centralstreet'],
    ['１２３号', '123号'],
    ['哈尔滨医科大学第四附属医院（哈医大四院）', '哈尔滨医科大学第四附属医院哈医大四院'],
    ['医大二院·科研所', '医大二院科研所'],
    ['地铁•哈南停车场', '地铁哈南停车场'],
    ['松花江公路大桥 - Songhua River Highway Bridge', '松花江公路大桥songhuariverhighwaybridge'],
    ['  中央\t大街\n', '中央大街'],
    ['Центральный проспект', 'центральныйпроспект'],
    ['，。！？ ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('leaves only letters and digits, whatever the input', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => /^[\p{L}\p{N}]*$/u.test(normalizeName(s))));
  });

  it('is idempotent, so normalising an already normalised key changes nothing', () => {
    const chinese = fc.string({
      unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.oneof(chinese, fc.string({ maxLength: 20 })), (s) => {
        const once = normalizeName(s);
        return normalizeName(once) === once;
      }),
      { numRuns: 500 },
    );
  });
});
