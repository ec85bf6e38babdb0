/**
 * GCJ-02 ("Mars coordinates", used by AMap/高德, Tencent and every map app licensed in China) ↔ WGS-84.
 *
 * GCJ-02 is WGS-84 plus a smooth, deterministic offset of a few hundred metres, defined on the Krasovsky 1940
 * ellipsoid. The forward direction is a closed formula; there is no closed inverse, so the inverse solves
 * `wgs84ToGcj02(w) = g` for `w` by fixed-point iteration: the offset changes by less than 1 % of any displacement
 * (its derivative is below 0.01), so each step shrinks the error about a hundredfold and two or three steps reach
 * sub-millimetre.
 *
 * Outside China the offset is not applied by the map vendors, so both directions are the identity there. The rule
 * used is the conventional rectangle around mainland China: longitude 72.004–137.8347 E and latitude
 * 0.8293–55.8271 N (it includes Taiwan, Hong Kong and parts of neighbouring countries; a polygon test would be more
 * exact near borders, but Harbin lies some 500 km inside the rectangle, which is all this platform needs).
 *
 * This is the one implementation in the project; feed adapters normalise GCJ-02 input through it.
 */

/** Semi-major axis (m) and first eccentricity squared of the Krasovsky 1940 ellipsoid that GCJ-02 is defined on. */
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_E2 = 0.006693421622965943;

/** The rectangle in which the offset applies (see the module comment). */
export const GCJ02_EXTENT = { west: 72.004, east: 137.8347, south: 0.8293, north: 55.8271 } as const;

/** Iteration stops when the forward transform of the estimate is this close to the input (degrees ≈ 0.1 mm). */
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_STEPS = 30;

export function isInsideGcj02Extent(lon: number, lat: number): boolean {
  return lon >= GCJ02_EXTENT.west && lon <= GCJ02_EXTENT.east && lat >= GCJ02_EXTENT.south && lat <= GCJ02_EXTENT.north;
}

/** The sinusoidal terms shared by both offset components: a sum of a·sin(b·π·t) pairs scaled by 2/3. */
function waves(t: number, a1: number, f1: number, a2: number, f2: number): number {
  return ((a1 * Math.sin(f1 * Math.PI * t) + a2 * Math.sin(f2 * Math.PI * t)) * 2) / 3;
}

/**
 * The raw offsets in metres (the polynomial-plus-sines of the published formula), as functions of the position
 * relative to 105 E, 35 N. Latitude offset first, longitude offset second.
 */
function rawOffset(lon: number, lat: number): [dLat: number, dLon: number] {
  const x = lon - 105;
  const y = lat - 35;
  const shared = waves(x, 20, 6, 20, 2);
  const dLat =
    -100 +
    2 * x +
    3 * y +
    0.2 * y * y +
    0.1 * x * y +
    0.2 * Math.sqrt(Math.abs(x)) +
    shared +
    waves(y, 20, 1, 40, 1 / 3) +
    waves(y, 160, 1 / 12, 320, 1 / 30);
  const dLon =
    300 +
    x +
    2 * y +
    0.1 * x * x +
    0.1 * x * y +
    0.1 * Math.sqrt(Math.abs(x)) +
    shared +
    waves(x, 20, 1, 40, 1 / 3) +
    waves(x, 150, 1 / 12, 300, 1 / 30);
  return [dLat, dLon];
}

/** Applies the offset to a WGS-84 position, giving the position a GCJ-02 map would show. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (!isInsideGcj02Extent(lon, lat)) return [lon, lat];
  const [rawLat, rawLon] = rawOffset(lon, lat);
  // Turn the raw offsets into degrees with the ellipsoid's radii of curvature at this latitude:
  // meridional M = a(1−e²)/W³ and prime-vertical N = a/W, where W = √(1 − e² sin²φ).
  const phi = (lat * Math.PI) / 180;
  const sinPhi = Math.sin(phi);
  const w2 = 1 - KRASOVSKY_E2 * sinPhi * sinPhi;
  const w = Math.sqrt(w2);
  const meridional = (KRASOVSKY_A * (1 - KRASOVSKY_E2)) / (w2 * w);
  const primeVertical = KRASOVSKY_A / w;
  const dLat = (rawLat * 180) / (meridional * Math.PI);
  const dLon = (rawLon * 180) / (primeVertical * Math.cos(phi) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/**
 * Removes the offset from a GCJ-02 position. Starts from the one-step approximation (subtract the offset computed
 * at the GCJ-02 point itself, good to a few metres) and refines until the forward transform of the estimate
 * reproduces the input to {@link INVERSE_TOLERANCE_DEG}.
 */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  if (!isInsideGcj02Extent(lon, lat)) return [lon, lat];
  let [estLon, estLat] = gcj02ToWgs84Approx(lon, lat);
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const [fLon, fLat] = wgs84ToGcj02(estLon, estLat);
    const errLon = fLon - lon;
    const errLat = fLat - lat;
    if (Math.abs(errLon) < INVERSE_TOLERANCE_DEG && Math.abs(errLat) < INVERSE_TOLERANCE_DEG) break;
    estLon -= errLon;
    estLat -= errLat;
  }
  return [estLon, estLat];
}

/**
 * The one-step approximate inverse found in many libraries: subtract the offset evaluated at the GCJ-02 point.
 * Its error is the change of the offset over the offset's own length (a few hundred metres), i.e. up to a few
 * metres; kept for comparison with data converted that way, not for use on live input.
 */
export function gcj02ToWgs84Approx(lon: number, lat: number): [number, number] {
  if (!isInsideGcj02Extent(lon, lat)) return [lon, lat];
  const [gLon, gLat] = wgs84ToGcj02(lon, lat);
  return [2 * lon - gLon, 2 * lat - gLat];
}
