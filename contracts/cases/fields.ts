import { z } from 'zod';

/** Field schemas shared by the request bodies of cases/ (not exported from the contracts index). */

export const note = z.string().trim().max(1000, '备注不能超过 1000 个字').optional();
export const reason = z.string({ error: '请填写原因' }).trim().min(2, '原因至少 2 个字').max(1000, '原因不能超过 1000 个字');
/** Database ids: positive integers a bigint column can hold and JavaScript can count exactly. */
export const dbId = (what: string) =>
  z.coerce
    .number({ error: `${what} 须为正整数` })
    .int(`${what} 须为正整数`)
    .positive(`${what} 须为正整数`)
    .max(Number.MAX_SAFE_INTEGER, `${what} 过大`);
export const photoIds = z.array(dbId('照片编号 id')).max(9, '最多 9 张照片');
/** A 小类 id: the kind's prefix (BJ 部件, SJ 事件) + 大类 + 小类, e.g. `BJ0101`, `SJ0102`. */
export const categoryCode = z.string().regex(/^[A-Z]{0,4}\d{3,8}$/, '须为小类代码，如 BJ0101、SJ0102');
export const lon = z.number().finite().min(-180).max(180);
export const lat = z.number().finite().min(-90).max(90);
