import { Router } from 'express';
import { z } from 'zod';
import { evacuationPlanInput } from '../../contracts/evacuation';
import { evacuationPlan, PlanInputError } from '../../geo/evacuation/plan';
import { auditChange } from '../audit/change-detail';
import type { ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { numberField, parseRegisterCsv } from '../shelters/csv';
import { populationEstimated, sheltersDerived } from '../shelters/derived';
import { importOfficialPopulation, officialPopulationRow, populationSummary } from './population';

const populationImportInput = z
  .object({ csv: z.string({ error: '须提供 csv 文本' }).min(1, 'CSV 为空').max(5_000_000, 'CSV 至多 5 MB') })
  .strict();

/**
 * Evacuation and sheltering plans over the road network, and the population per grid cell they rest on (the
 * estimate's summary; official figures by CSV: grid_code,night,day).
 */
function evacuationRoutes({ db, geo }: ReadyState): Router {
  const r = Router();

  r.post('/evacuation/plans', async (req, res) => {
    const { area, variant, shelters, routes } = parseInput(evacuationPlanInput, req.body ?? {});
    await Promise.all([sheltersDerived(db), populationEstimated(db)]);
    try {
      res.json(
        await evacuationPlan({ db, graph: geo.routing.graph, router: geo.routing.router }, area, { variant, shelters, routes }),
      );
    } catch (err) {
      if (err instanceof PlanInputError) throw new AppError('bad_request', err.message);
      throw err;
    }
  });

  r.get('/population/summary', async (req, res) => {
    // A read does not wait for a first estimate (tens of seconds): it starts it and answers with what there is.
    populationEstimated(db).catch((err: unknown) => req.log?.error({ err }, 'population estimate failed'));
    res.json(await populationSummary(db));
  });

  r.post('/population/import', async (req, res) => {
    const { csv } = parseInput(populationImportInput, req.body ?? {});
    const rows = parseRegisterCsv(
      csv,
      ['grid_code', 'night', 'day'],
      (row) => ({ gridCode: row.grid_code, night: numberField(row.night), day: numberField(row.day) }),
      officialPopulationRow,
      200_000,
    );
    await populationEstimated(db);
    const result = await db.transaction((tx) => importOfficialPopulation(tx, rows));
    auditChange(req, { officialPopulationCells: result.cells });
    res.json(result);
  });

  return r;
}

export const evacuationCapability: Capability = {
  name: 'evacuation',
  ready: { paths: ['/evacuation', '/population'], routes: evacuationRoutes },
};
