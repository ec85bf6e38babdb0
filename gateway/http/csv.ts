import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from './errors';

/** One CSV record: its fields, trimmed, and the line it ends on (1-based). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/**
 * CSV text (UTF-8, RFC 4180 quoting, a byte-order mark allowed) as rows of trimmed fields with their line numbers,
 * blank lines skipped, rows of any length. Text that is not CSV (a quote never closed) is a 400 naming the line.
 */
export function csvRows(text: string): CsvRow[] {
  try {
    const records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines, fields: record }));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const what = err.code === 'CSV_QUOTE_NOT_CLOSED' ? '引号未闭合' : '格式有误';
    const line = (err as CsvError & { lines?: number }).lines;
    throw new AppError('bad_request', `CSV 无法读取：${line ? `第 ${line} 行附近` : ''}${what}`);
  }
}
