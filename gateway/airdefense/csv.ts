import { csvRows } from '../http/csv';
import { AppError } from '../http/errors';
import { parseKind, type SirenRecord } from './registry';

/**
 * A siren register as CSV (UTF-8, comma-separated, a header line, double quotes around fields holding commas):
 * id,name,kind,rated_power_w,radius_m,lon,lat[,site]. Coordinates are WGS-84. Every problem is reported with its
 * line, and nothing is registered while one remains.
 */
export const CSV_COLUMNS = ['id', 'name', 'kind', 'rated_power_w', 'radius_m', 'lon', 'lat', 'site'] as const;
const REQUIRED = CSV_COLUMNS.filter((c) => c !== 'site');
const MAX_ROWS = 5000;

export function parseSirenCsv(text: string): SirenRecord[] {
  const rows = csvRows(text);
  const header = (rows[0]?.fields ?? []).map((h) => h.toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new AppError('bad_request', `CSV 表头缺少列：${missing.join('、')}（须含 ${CSV_COLUMNS.join(',')}）`);
  const col = (row: string[], name: (typeof CSV_COLUMNS)[number]) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (row[i] ?? '');
  };
  const problems: string[] = [];
  const records: SirenRecord[] = [];
  const seen = new Set<string>();
  rows.slice(1).forEach(({ line: n, fields: row }) => {
    const id = col(row, 'id');
    const name = col(row, 'name');
    const kind = parseKind(col(row, 'kind'));
    const power = Number(col(row, 'rated_power_w'));
    const radius = Number(col(row, 'radius_m'));
    const lon = Number(col(row, 'lon'));
    const lat = Number(col(row, 'lat'));
    const site = col(row, 'site');
    const bad: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) bad.push('编号须为 1–40 位字母、数字、"_" 或 "-"');
    else if (seen.has(id)) bad.push(`编号 ${id} 重复`);
    if (!name || name.length > 120) bad.push('名称须为 1–120 个字符');
    if (!kind) bad.push('类型须为 电动、电声、多媒体（或 motor、electronic、multimedia）');
    if (!Number.isInteger(power) || power < 10 || power > 100_000) bad.push('额定功率须为 10–100000 瓦的整数');
    if (!Number.isInteger(radius) || radius < 50 || radius > 5000) bad.push('有效覆盖半径须为 50–5000 米的整数');
    if (!(lon >= 125 && lon <= 128 && lat >= 44.5 && lat <= 46.5)) bad.push('经纬度须为哈尔滨范围内的 WGS-84 坐标');
    if (site.length > 200) bad.push('安装位置至多 200 个字符');
    if ([...`${id}${name}${site}`].some((ch) => ch.charCodeAt(0) < 0x20)) bad.push('不得含控制字符');
    if (bad.length) return void problems.push(`第 ${n} 行：${bad.join('；')}`);
    seen.add(id);
    records.push({ id, name, kind: kind!, ratedPowerW: power, radiusM: radius, lon, lat, site, demo: false });
  });
  if (problems.length) {
    throw new AppError('bad_request', `CSV 有 ${problems.length} 处错误，未导入任何警报器：${problems.slice(0, 20).join('；')}`);
  }
  if (!records.length) throw new AppError('bad_request', 'CSV 中没有警报器记录');
  if (records.length > MAX_ROWS) throw new AppError('payload_too_large', `一次至多导入 ${MAX_ROWS} 台警报器`);
  return records;
}
