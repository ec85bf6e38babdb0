import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from '@turf/turf';
import fc from 'fast-check';
import { HARBIN_BOUNDS } from '../../contracts';
import { gcj02ToWgs84, gcj02ToWgs84Approx, GCJ02_EXTENT, wgs84ToGcj02 } from '../../geo/coords/gcj02';
import { CITY_DATA_DIR } from '../support/env';

type Ring = [number, number][];
interface DistrictFeature {
  properties: { adcode: string | number };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

function readDistricts(relative: string): Map<string, Ring[]> {
  const fc = JSON.parse(readFileSync(path.join(CITY_DATA_DIR, relative), 'utf8')) as { features: DistrictFeature[] };
  return new Map(
    fc.features.map((f) => {
      const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
      return [String(f.properties.adcode), rings];
    }),
  );
}

/** The published WGS-84 file dropped repeated consecutive vertices (two features have one such pair each). */
function withoutRepeats(ring: Ring): Ring {
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
}

const metres = (a: readonly [number, number], b: readonly [number, number]) => distance([...a], [...b], { units: 'meters' });

describe('GCJ-02 → WGS-84 against the published Harbin district conversion', () => {
  const gcj = readDistricts('sources/datav/230100_full.gcj02.json');
  const wgs = readDistricts('layers/admin/harbin_districts_wgs84.geojson');

  /** The largest vertex residual of a conversion over all 18 districts, matched by adcode and vertex index. */
  function maxResidual(convert: (lon: number, lat: number) => [number, number]): { max: number; vertices: number } {
    let max = 0;
    let vertices = 0;
    for (const [adcode, rings] of gcj) {
      const reference = wgs.get(adcode);
      if (!reference) throw new Error(`district ${adcode} is missing from the WGS-84 reference`);
      expect(rings).toHaveLength(reference.length);
      rings.forEach((ring, r) => {
        const source = withoutRepeats(ring);
        const expected = reference[r]!;
        expect(source).toHaveLength(expected.length);
        source.forEach(([lon, lat], i) => {
          max = Math.max(max, metres(convert(lon, lat), expected[i]!));
          vertices++;
        });
      });
    }
    return { max, vertices };
  }

  it('covers the same 18 districts', () => {
    expect([...gcj.keys()].sort()).toEqual([...wgs.keys()].sort());
    expect(gcj.size).toBe(18);
  });

  it('reproduces every vertex within 1 m (within the 6-decimal rounding of the reference, about 7 cm)', () => {
    const { max, vertices } = maxResidual(gcj02ToWgs84);
    expect(vertices).toBeGreaterThan(7000);
    // Rounding to 1e-6 degree moves a point by at most ≈ 0.056 m north-south and ≈ 0.039 m east-west here.
    expect(max).toBeLessThan(0.1);
  });

  it('shows the reference was made with the iterated inverse: the one-step approximation misses by metres', () => {
    const { max } = maxResidual(gcj02ToWgs84Approx);
    expect(max).toBeGreaterThan(1);
    expect(max).toBeLessThan(10);
  });
});

describe('GCJ-02 transform properties', () => {
  const harbinLon = fc.double({ min: HARBIN_BOUNDS.west, max: HARBIN_BOUNDS.east, noNaN: true });
  const harbinLat = fc.double({ min: HARBIN_BOUNDS.south, max: HARBIN_BOUNDS.north, noNaN: true });

  it('round-trips WGS-84 → GCJ-02 → WGS-84 within 1 cm anywhere over Harbin', () => {
    fc.assert(
      fc.property(harbinLon, harbinLat, (lon, lat) => {
        const back = gcj02ToWgs84(...wgs84ToGcj02(lon, lat));
        return metres(back, [lon, lat]) < 0.01;
      }),
      { numRuns: 2000 },
    );
  });

  it('offsets Harbin by a few hundred metres, mostly eastward', () => {
    fc.assert(
      fc.property(harbinLon, harbinLat, (lon, lat) => {
        const g = wgs84ToGcj02(lon, lat);
        const d = metres(g, [lon, lat]);
        return d > 100 && d < 1000 && g[0] > lon;
      }),
    );
  });

  it('is the identity outside the China rectangle', () => {
    expect(wgs84ToGcj02(2.3522, 48.8566)).toEqual([2.3522, 48.8566]); // Paris
    expect(gcj02ToWgs84(-74.006, 40.7128)).toEqual([-74.006, 40.7128]); // New York
    expect(wgs84ToGcj02(130, GCJ02_EXTENT.north + 0.01)).toEqual([130, GCJ02_EXTENT.north + 0.01]); // north of the rectangle
  });

  it('maps the first vertex of 道里区 from the published WGS-84 file onto its published GCJ-02 position', () => {
    // Both numbers come from the data files (DataV's GCJ-02 original and its WGS-84 conversion), not from this code.
    const [gLon, gLat] = wgs84ToGcj02(126.629063, 45.765642);
    expect(gLon).toBeCloseTo(126.635006, 5);
    expect(gLat).toBeCloseTo(45.767572, 5);
  });
});
