import { Router } from 'express';
import { z } from 'zod';
import { bboxSchema, pointQuery } from '../../contracts';
import type { Locator } from '../../geo/grid/locate';
import { AppError, parseInput } from '../http/errors';

const cellsQuery = z.object({ bbox: bboxSchema, limit: z.coerce.number().int().min(1).max(5000).default(1000) });

/** Point → district, street and unit-grid cell; cells for a bbox. */
export function locateRoutes(locator: Locator): Router {
  const r = Router();
  r.get('/geo/locate', (req, res) => {
    const { lon, lat } = parseInput(pointQuery, req.query, 'invalid_coordinates');
    const result = locator.locate(lon, lat);
    if (result.coverage === 'outside') {
      throw new AppError('outside_area', `(${lon}, ${lat}) 在哈尔滨范围之外：不在任何区县、街道或网格内`);
    }
    res.json(result);
  });
  r.get('/geo/cells', (req, res) => {
    const { bbox, limit } = parseInput(cellsQuery, req.query, 'invalid_bbox');
    const cells = locator.cellsInBbox(bbox, limit + 1);
    res.json({ bbox, truncated: cells.length > limit, cells: cells.slice(0, limit) });
  });
  return r;
}
