import { Router } from 'express';
import { geocodeQuery, pointQuery } from '../../contracts';
import { normalizeName } from '../../geo/geocode/normalize';
import type { GeocodeService } from '../../geo/geocode/service';
import { AppError, parseInput } from '../http/errors';

/** Name → ranked places (`/geo/geocode`) and point → road, 街道, district, grid cell (`/geo/reverse`). */
export function geocodeRoutes(geocoder: GeocodeService): Router {
  const r = Router();
  r.get('/geo/geocode', (req, res) => {
    const { q, limit, kind } = parseInput(geocodeQuery, req.query);
    // A query of only punctuation or spaces would match everything or nothing; say so instead.
    if (!normalizeName(q)) {
      throw new AppError('bad_request', '参数 q 至少要有一个汉字、字母或数字：只有标点或空格无法检索');
    }
    res.json(geocoder.search(q, kind ? { limit, kind } : { limit }));
  });
  r.get('/geo/reverse', async (req, res) => {
    const { lon, lat } = parseInput(pointQuery, req.query, 'invalid_coordinates');
    const result = await geocoder.reverse(lon, lat);
    if (!result) {
      throw new AppError('outside_area', `(${lon}, ${lat}) 在哈尔滨范围之外：没有可描述它的区县、街道或道路`);
    }
    res.json(result);
  });
  return r;
}
