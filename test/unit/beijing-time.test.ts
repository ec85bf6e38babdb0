import { beijing, fromBeijingLocal, toBeijingLocal } from '../../web/src/ui/time';

// 2026-11-22 16:05:09 UTC is 2026-11-23 00:05:09 in Beijing: the date moves over and midnight must read 00, not 24.
const JUST_AFTER_MIDNIGHT = '2026-11-22T16:05:09Z';

describe('times in Beijing time', () => {
  it('writes each shape in UTC+8 whatever the process zone, with midnight as 00', () => {
    expect(beijing(JUST_AFTER_MIDNIGHT, 'hourMinute')).toBe('00:05');
    expect(beijing(JUST_AFTER_MIDNIGHT, 'clock')).toBe('00:05:09');
    expect(beijing(JUST_AFTER_MIDNIGHT, 'monthMinute')).toBe('11/23 00:05');
    expect(beijing(JUST_AFTER_MIDNIGHT)).toBe('11/23 00:05');
    expect(beijing(JUST_AFTER_MIDNIGHT, 'monthSecond')).toBe('11/23 00:05:09');
    expect(beijing(JUST_AFTER_MIDNIGHT, 'dateMinute')).toBe('2026/11/23 00:05');
    expect(beijing(JUST_AFTER_MIDNIGHT, 'dateSecond')).toBe('2026/11/23 00:05:09');
    expect(beijing(Date.parse('2026-11-22T05:30:00Z'), 'hourMinute')).toBe('13:30');
    expect(beijing(new Date('2026-11-22T05:30:00Z'), 'hourMinute')).toBe('13:30');
  });

  it('answers the fallback for a missing or unreadable time', () => {
    expect(beijing(null)).toBe('—');
    expect(beijing(undefined)).toBe('—');
    expect(beijing('')).toBe('—');
    expect(beijing('not a time')).toBe('—');
    expect(beijing('not a time', 'dateSecond', 'not a time')).toBe('not a time');
  });

  it('turns a datetime-local value into an instant with its offset and back', () => {
    expect(fromBeijingLocal('2026-11-23T00:05')).toBe('2026-11-23T00:05:00+08:00');
    expect(fromBeijingLocal('')).toBe('');
    expect(toBeijingLocal(JUST_AFTER_MIDNIGHT)).toBe('2026-11-23T00:05');
    expect(toBeijingLocal(Date.parse(fromBeijingLocal('2026-03-02T08:00')))).toBe('2026-03-02T08:00');
  });
});
