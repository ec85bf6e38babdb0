/** Calendar checks for DATE and TIMESTAMP literals, so PostgreSQL never sees a date it would reject. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** True for a calendar date written `YYYY-MM-DD` (year 0001–9999). */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * True for an RFC 3339 date-time with seconds and a zone: `2026-11-22T10:00:00Z`, optionally with a fraction
 * (`…:00.250Z`) or a numeric offset (`…+08:00`). CQL2 itself writes UTC with `Z`; offsets are accepted because
 * they are just as unambiguous.
 */
export function isIsoTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hh > 23 || mm > 59 || ss > 60) return false;
  return m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}
