import { z } from 'zod';

/** Field schemas shared by the request bodies of cases/ (not exported from the contracts index). */

export const note = z.string().trim().max(1000, 'note is at most 1000 characters').optional();
export const reason = z
  .string({ error: 'reason is required' })
  .trim()
  .min(2, 'reason is at least 2 characters / 须填写原因')
  .max(1000, 'reason is at most 1000 characters');
/** Database ids: positive integers a bigint column can hold and JavaScript can count exactly. */
export const dbId = (what: string) =>
  z.coerce
    .number({ error: `${what} is a positive integer` })
    .int(`${what} is a positive integer`)
    .positive(`${what} is a positive integer`)
    .max(Number.MAX_SAFE_INTEGER, `${what} is too large`);
export const photoIds = z.array(dbId('a photo id')).max(9, 'at most 9 photos');
/** A 小类 id: the kind's prefix (BJ 部件, SJ 事件) + 大类 + 小类, e.g. `BJ0101`, `SJ0102`. */
export const categoryCode = z.string().regex(/^[A-Z]{0,4}\d{3,8}$/, 'category is a 小类 code such as BJ0101 or SJ0102');
export const lon = z.number().finite().min(-180).max(180);
export const lat = z.number().finite().min(-90).max(90);
