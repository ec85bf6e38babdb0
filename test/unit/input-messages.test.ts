import { z } from 'zod';
import { fieldProblems, installInputMessages } from '../../contracts/messages';
import { inputError } from '../../gateway/http/errors';

/** Input problems without a message of their own read in Chinese, each with its field (contracts/messages.ts). */
beforeAll(() => installInputMessages());

const problemsOf = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected the input to be refused');
  return fieldProblems(r.error);
};

const form = z
  .object({
    minutes: z.number().int().min(1).max(30),
    title: z.string().min(2).max(10),
    note: z.string().min(1).optional(),
    kind: z.enum(['fire', 'flood']),
    units: z.array(z.string()).min(1).max(3),
    email: z.email().optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    step: z.number().multipleOf(5).optional(),
  })
  .strict();

it.each([
  ['a number over its limit', { minutes: 90 }, 'minutes', '须不大于 30'],
  ['a number under its limit', { minutes: 0 }, 'minutes', '须不小于 1'],
  ['a fraction where a whole number is asked', { minutes: 2.5 }, 'minutes', '须为整数'],
  ['text where a number is asked', { minutes: '五' }, 'minutes', '须为数字'],
  ['a missing field', {}, 'minutes', '必填'],
  ['a text too long', { title: '一二三四五六七八九十一' }, 'title', '最多 10 个字符'],
  ['a text too short', { title: '一' }, 'title', '至少 2 个字符'],
  ['an empty text', { note: '' }, 'note', '不能为空'],
  ['a value outside the list', { kind: 'quake' }, 'kind', '须为以下之一：fire、flood'],
  ['an empty choice', { units: [] }, 'units', '至少选择一项'],
  ['too many items', { units: ['a', 'b', 'c', 'd'] }, 'units', '最多 3 项'],
  ['a malformed e-mail address', { email: 'duty@' }, 'email', '须为有效的电子邮件地址'],
  ['a time without its zone', { at: '2026-12-07 08:00' }, 'at', '须为带时区的 ISO 8601 时间'],
  ['a step off the grid', { step: 7 }, 'step', '须为 5 的整数倍'],
  ['an unknown field', { colour: 'red' }, '', '不允许的字段：colour'],
])('%s', (_name, input, field, message) => {
  const base = { minutes: 5, title: '路面积水', kind: 'flood', units: ['u1'] };
  const problems = problemsOf(form, { ...base, ...input, ...(Object.keys(input).length ? {} : { minutes: undefined }) });
  expect(problems).toContainEqual(expect.objectContaining({ field, message }));
});

it('keeps a schema’s own message', () => {
  const own = z.object({ limit: z.number().max(500, '每页条数须为 1 到 500 的整数') });
  expect(problemsOf(own, { limit: 501 })).toEqual([{ field: 'limit', code: 'too_big', message: '每页条数须为 1 到 500 的整数' }]);
});

it('answers the gateway’s 400 with each field’s problem for a form to place beside it', () => {
  const r = form.safeParse({ minutes: 90, title: '路面积水', kind: 'flood', units: [] });
  const err = inputError(r.error!);
  expect(err.message).toBe('minutes: 须不大于 30; units: 至少选择一项');
  expect(err.details).toMatchObject({
    fields: [
      { field: 'minutes', code: 'too_big', message: '须不大于 30' },
      { field: 'units', code: 'too_small', message: '至少选择一项' },
    ],
  });
});
