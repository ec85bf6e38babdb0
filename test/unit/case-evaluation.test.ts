import { gradeOf, periodOf, weightedScore } from '../../gateway/cases/evaluation';
import { AppError } from '../../gateway/http/errors';

/** The pure parts of 综合评价: the period of dates, the weighted score and its grade band. */
const GRADES = [
  { grade: 'A' as const, min: 90 },
  { grade: 'B' as const, min: 75 },
  { grade: 'C' as const, min: 60 },
  { grade: 'D' as const, min: 40 },
  { grade: 'E' as const, min: 0 },
];

describe('periodOf', () => {
  it('runs from 00:00 Beijing time of the first day to 00:00 after the last', () => {
    expect(periodOf({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      start: new Date('2026-02-28T16:00:00Z'),
      end: new Date('2026-03-31T16:00:00Z'),
    });
    expect(periodOf({ from: '2026-03-01', to: '2026-03-01' })).toEqual({
      start: new Date('2026-02-28T16:00:00Z'),
      end: new Date('2026-03-01T16:00:00Z'),
    });
  });

  it('takes three years (of 366 days) and refuses a day more', () => {
    expect(periodOf({ from: '2023-01-01', to: '2026-01-01' }).end).toEqual(new Date('2026-01-01T16:00:00Z'));
    // 3 × 366 = 1098 days from 2023-01-01 00:00 is 2026-01-03 00:00: the period may end there, not a day later.
    expect(periodOf({ from: '2023-01-01', to: '2026-01-02' }).end).toEqual(new Date('2026-01-02T16:00:00Z'));
    expect(() => periodOf({ from: '2023-01-01', to: '2026-01-03' })).toThrow('统计时段最长三年：请缩短 from 到 to 的区间');
  });

  it.each([
    [{ from: '2026-03-02', to: '2026-03-01' }, '参数 to 不能早于 from：请把结束日期改到开始日期当天或之后'],
    [{ from: '2026-13-01', to: '2026-03-01' }, '参数 from、to 不是有效日期：请按 YYYY-MM-DD 填写，如 2026-03-01'],
    [{ from: '2026-03-01', to: 'soon' }, '参数 from、to 不是有效日期：请按 YYYY-MM-DD 填写，如 2026-03-01'],
  ])('refuses %j as a bad request: %s', (q, message) => {
    const err = (() => {
      try {
        periodOf(q);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'bad_request', message });
  });
});

describe('weightedScore', () => {
  it('weighs each known indicator and renormalises over them, to one decimal of 0–100', () => {
    expect(
      weightedScore([
        { id: 'a', label: 'a', value: 1, weight: 0.5 },
        { id: 'b', label: 'b', value: 0.5, weight: 0.3 },
        { id: 'c', label: 'c', value: 0.25, weight: 0.2 },
      ]),
    ).toBe(70);
    // Without c the remaining weights 0.5 and 0.3 count as 5/8 and 3/8: (0.5 + 0.15) / 0.8 = 81.25 → 81.3.
    expect(
      weightedScore([
        { id: 'a', label: 'a', value: 1, weight: 0.5 },
        { id: 'b', label: 'b', value: 0.5, weight: 0.3 },
        { id: 'c', label: 'c', value: null, weight: 0.2 },
      ]),
    ).toBe(81.3);
    expect(weightedScore([{ id: 'a', label: 'a', value: 0.3333, weight: 1 }])).toBe(33.3);
  });

  it('is 0 when no indicator has a value', () => {
    expect(weightedScore([{ id: 'a', label: 'a', value: null, weight: 1 }])).toBe(0);
    expect(weightedScore([])).toBe(0);
  });
});

describe('gradeOf', () => {
  it.each([
    [100, 'A'],
    [90, 'A'],
    [89.9, 'B'],
    [75, 'B'],
    [74.9, 'C'],
    [60, 'C'],
    [40, 'D'],
    [39.9, 'E'],
    [0, 'E'],
  ])('grades %d as %s', (score, grade) => {
    expect(gradeOf(score, GRADES)).toBe(grade);
  });

  it('reads the bands in any order and gives the lowest band below every minimum', () => {
    const shuffled = [GRADES[3]!, GRADES[0]!, GRADES[2]!, GRADES[1]!];
    expect(gradeOf(80, shuffled)).toBe('B');
    expect(gradeOf(10, shuffled)).toBe('D');
  });
});
