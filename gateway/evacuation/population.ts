import { z } from 'zod';
import type { Queryable } from '../../geo/db/types';
import { CENSUS_2010, POPULATION_ASSUMPTIONS } from '../../geo/population/assumptions';
import { calibrationTargets } from '../../geo/population/estimate';
import { AppError } from '../http/errors';

/** One line of an official population table: a grid cell's night (resident) and day population. */
export const officialPopulationRow = z
  .object({
    gridCode: z.string().regex(/^\d{15}$/, '网格编码须为 15 位数字'),
    night: z.number({ error: '夜间人口须为数字' }).int('夜间人口须为整数').min(0, '人口不能为负').max(1_000_000),
    day: z.number({ error: '日间人口须为数字' }).int('日间人口须为整数').min(0, '人口不能为负').max(1_000_000),
  })
  .strict();
export type OfficialPopulationRow = z.infer<typeof officialPopulationRow>;

/** Official figures replace the estimate of their cells; unknown grid codes refuse the whole table. */
export async function importOfficialPopulation(
  tx: Queryable,
  rows: readonly OfficialPopulationRow[],
): Promise<{ cells: number }> {
  const codes = rows.map((r) => r.gridCode);
  if (new Set(codes).size !== codes.length) throw new AppError('bad_request', '同一网格编码出现多次');
  const unknown = await tx.query<{ code: string }>(
    'SELECT t.code FROM unnest($1::text[]) AS t(code) WHERE NOT EXISTS (SELECT 1 FROM grid_cell c WHERE c.code = t.code)',
    [codes],
  );
  if (unknown.length) {
    throw new AppError(
      'bad_request',
      `未知的网格编码：${unknown
        .slice(0, 10)
        .map((u) => u.code)
        .join('、')}${unknown.length > 10 ? ` 等 ${unknown.length} 个` : ''}`,
    );
  }
  await tx.query(
    `INSERT INTO grid_population (grid_code, night, day, source, updated_at)
     SELECT t.code, t.night, t.day, 'official', now() FROM unnest($1::text[], $2::int[], $3::int[]) AS t(code, night, day)
     ON CONFLICT (grid_code) DO UPDATE SET night = EXCLUDED.night, day = EXCLUDED.day, source = 'official', updated_at = now()`,
    [codes, rows.map((r) => r.night), rows.map((r) => r.day)],
  );
  return { cells: rows.length };
}

/** Population per district (night, day, cells by source) beside the census targets, and the assumptions used. */
export async function populationSummary(db: Queryable) {
  const districts = await db.query<{
    adcode: string;
    name: string;
    night: string;
    day: string;
    estimate: number;
    official: number;
  }>(
    `SELECT d.adcode, d.name, coalesce(sum(p.night), 0) AS night, coalesce(sum(p.day), 0) AS day,
            count(*) FILTER (WHERE p.source = 'estimate')::int AS estimate, count(*) FILTER (WHERE p.source = 'official')::int AS official
       FROM grid_cell c JOIN grid_population p ON p.grid_code = c.code JOIN district d ON d.adcode = c.district_adcode
      GROUP BY d.adcode, d.name ORDER BY d.adcode`,
  );
  const streets = await db.query<{ code: string; name: string; district_adcode: string; night: string; day: string }>(
    `SELECT s.code, s.name, s.district_adcode, coalesce(sum(p.night), 0) AS night, coalesce(sum(p.day), 0) AS day
       FROM street s JOIN grid_cell c ON c.street_code = s.code JOIN grid_population p ON p.grid_code = c.code
      GROUP BY s.code, s.name, s.district_adcode ORDER BY s.code`,
  );
  const targets = new Map((await calibrationTargets(db)).map((t) => [t.adcode, t.people]));
  return {
    districts: districts.map((d) => ({
      adcode: d.adcode,
      name: d.name,
      night: Number(d.night),
      day: Number(d.day),
      target: targets.get(d.adcode) ?? null,
      cells: { estimate: d.estimate, official: d.official },
    })),
    streets: streets.map((st) => ({
      code: st.code,
      name: st.name,
      district: st.district_adcode,
      night: Number(st.night),
      day: Number(st.day),
    })),
    census: CENSUS_2010,
    assumptions: POPULATION_ASSUMPTIONS,
  };
}
