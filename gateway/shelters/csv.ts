import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { AppError } from '../http/errors';

/**
 * Reads a register as CSV (UTF-8, a header line) into records, each checked by `schema` after `convert` has turned
 * the row's text fields into the schema's input. Every problem is reported with its line, in Chinese, and nothing
 * is kept while one remains.
 */
export function parseRegisterCsv<S extends z.ZodType>(
  text: string,
  required: readonly string[],
  convert: (row: Record<string, string>) => unknown,
  schema: S,
  maxRows = 20_000,
): z.infer<S>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    });
  } catch (err) {
    throw new AppError('bad_request', `CSV 无法解析：${err instanceof Error ? err.message : String(err)}`);
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = required.filter((c) => !header.includes(c));
  if (!rows.length) throw new AppError('bad_request', 'CSV 中没有数据行');
  if (missing.length) throw new AppError('bad_request', `CSV 表头缺少列：${missing.join('、')}（须含 ${required.join(',')}）`);
  if (rows.length > maxRows) throw new AppError('bad_request', `CSV 至多 ${maxRows} 行，收到 ${rows.length} 行`);
  const problems: string[] = [];
  const out: z.infer<S>[] = [];
  rows.forEach((row, i) => {
    const r = schema.safeParse(convert(row));
    if (r.success) out.push(r.data);
    else problems.push(`第 ${i + 2} 行：${r.error.issues.map((x) => `${x.path.join('.') || '行'} ${x.message}`).join('；')}`);
  });
  if (problems.length) {
    throw new AppError('bad_request', `CSV 有 ${problems.length} 行有误，未导入：${problems.slice(0, 10).join(' ')}`, {
      problems: problems.slice(0, 100),
    });
  }
  return out;
}

/** A number field: empty stays undefined (the schema says whether it may), anything else becomes a number. */
export const numberField = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
