import type { MultiPolygon, Polygon } from 'geojson';
import type { Bbox, GridCellSummary, LocateResult, NamedCode } from '../../contracts';
import type { Queryable } from '../db/types';
import { PolygonIndex } from './polygon-index';

interface StreetValue extends NamedCode {
  district: NamedCode;
}

/**
 * Point → unit-grid cell, street and district, answered from memory (the grid is static between imports).
 * Points outside the gridded streets fall back to the district (属地兜底); points outside every district
 * are answered as outside Harbin.
 */
export class Locator {
  private constructor(
    private readonly cells: PolygonIndex<GridCellSummary & { communityCode: string }>,
    private readonly streets: PolygonIndex<StreetValue>,
    private readonly districts: PolygonIndex<NamedCode>,
    private readonly streetsByCode: Map<string, StreetValue>,
  ) {}

  static async load(db: Queryable): Promise<Locator> {
    const districtRows = await db.query<{ adcode: string; name: string; g: string }>(
      'SELECT adcode, name, ST_AsGeoJSON(geom) AS g FROM district',
    );
    const districtNames = new Map(districtRows.map((d) => [d.adcode, d.name]));
    const streetRows = await db.query<{ code: string; name: string; district_adcode: string; district_name: string; g: string }>(
      'SELECT code, name, district_adcode, district_name, ST_AsGeoJSON(geom) AS g FROM street',
    );
    const cellRows = await db.query<{
      code: string;
      street_code: string;
      district_adcode: string;
      community_code: string;
      owner: string;
      area_m2: number;
      g: string;
    }>('SELECT code, street_code, district_adcode, community_code, owner, area_m2, ST_AsGeoJSON(geom) AS g FROM grid_cell');
    const streetsByCode = new Map<string, StreetValue>();
    const streets = streetRows.map((s) => {
      const value: StreetValue = {
        code: s.code,
        name: s.name,
        district: { code: s.district_adcode, name: districtNames.get(s.district_adcode) ?? s.district_name },
      };
      streetsByCode.set(s.code, value);
      return { value, geometry: JSON.parse(s.g) as MultiPolygon };
    });
    return new Locator(
      new PolygonIndex(
        cellRows.map((c) => ({
          value: {
            code: c.code,
            streetCode: c.street_code,
            districtAdcode: c.district_adcode,
            communityCode: c.community_code,
            owner: c.owner,
            areaM2: Math.round(c.area_m2),
          },
          geometry: JSON.parse(c.g) as Polygon,
        })),
      ),
      new PolygonIndex(streets),
      new PolygonIndex(
        districtRows.map((d) => ({ value: { code: d.adcode, name: d.name }, geometry: JSON.parse(d.g) as MultiPolygon })),
      ),
      streetsByCode,
    );
  }

  get cellCount(): number {
    return this.cells.size;
  }

  locate(lon: number, lat: number): LocateResult {
    const cell = this.cells.find(lon, lat);
    if (cell) {
      const street = this.streetsByCode.get(cell.streetCode)!;
      return {
        lon,
        lat,
        coverage: 'grid',
        district: street.district,
        street: { code: street.code, name: street.name },
        gridCode: cell.code,
        community: cell.communityCode,
        owner: cell.owner,
      };
    }
    const street = this.streets.find(lon, lat);
    const district = street?.district ?? this.districts.find(lon, lat);
    if (district) {
      return {
        lon,
        lat,
        coverage: 'district',
        district,
        street: street ? { code: street.code, name: street.name } : null,
        gridCode: null,
        community: null,
        owner: null,
        message: `the point is in ${district.name} but outside the unit grid, which covers the 77 central 街道; the district is the responsible unit (属地兜底)`,
      };
    }
    return {
      lon,
      lat,
      coverage: 'outside',
      district: null,
      street: null,
      gridCode: null,
      community: null,
      owner: null,
      message: 'the point is outside Harbin',
    };
  }

  cellsInBbox(b: Bbox, limit: number): GridCellSummary[] {
    return this.cells.within(b.west, b.south, b.east, b.north, limit).map(({ communityCode: _c, ...cell }) => cell);
  }
}
