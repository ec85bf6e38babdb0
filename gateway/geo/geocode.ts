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
      throw new AppError('bad_request', 'q must contain at least one letter, digit or Chinese character');
    }
    res.json(geocoder.search(q, kind ? { limit, kind } : { limit }));
  });
  r.get('/geo/reverse', async (req, res) => {
    const { lon, lat } = parseInput(pointQuery, req.query, 'invalid_coordinates');
    const result = await geocoder.reverse(lon, lat);
    if (!result) {
      throw new AppError(
        'outside_area',
        `(${lon}, ${lat}) is outside Harbin: there is no district, street or road to describe it`,
      );
    }
    res.json(result);
  });
  return r;
}
