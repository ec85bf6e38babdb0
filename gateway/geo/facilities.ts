import { Router } from 'express';
import { FACILITY_KINDS, facilitiesQuery, facilityKindOf, type Facility, type FacilitiesResponse } from '../../contracts';
import type { Queryable } from '../../geo/db/types';
import { parseInput } from '../http/errors';

interface FacilityRow {
  id: string;
  category: string;
  name: string;
  hotline: string;
  lon: number;
  lat: number;
}

const FACILITIES_SQL = `SELECT id, category, name, hotline, ST_X(geom) AS lon, ST_Y(geom) AS lat
  FROM poi WHERE category = ANY($1::text[]) ORDER BY id`;

/** `GET /api/facilities?kinds=hospital,police`: facilities of the given kinds as points for the map. */
export function facilitiesRoutes(db: Queryable): Router {
  const r = Router();
  r.get('/facilities', async (req, res) => {
    const { kinds } = parseInput(facilitiesQuery, req.query, 'unknown_kind');
    const categories = kinds.flatMap((k) => FACILITY_KINDS[k]);
    const rows = await db.query<FacilityRow>(FACILITIES_SQL, [categories]);
    const facilities = rows.flatMap((row): Facility[] => {
      const kind = facilityKindOf(row.category);
      return kind ? [{ ...row, kind, lon: Number(row.lon), lat: Number(row.lat) }] : [];
    });
    const body: FacilitiesResponse = { facilities };
    res.json(body);
  });
  return r;
}
