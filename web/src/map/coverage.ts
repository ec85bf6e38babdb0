/** An area in WGS-84 degrees. */
export interface LonLatBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** MapLibre's tile size: the world is 512 × 2^zoom pixels wide. */
const TILE_PX = 512;

const mercX = (lon: number) => (lon + 180) / 360;
const mercY = (lat: number) => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2;
const lonOf = (x: number) => x * 360 - 180;
const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
const clamp = (v: number, lo: number, hi: number) => (lo > hi ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v)));

/**
 * The view of a `width` × `height` pixel map that the basemap covers edge to edge: zoomed in until the area fills
 * both directions, centred as near `prefer` as that allows. A large screen (the 4K wall) thus starts on the city
 * instead of on an empty margin around the covered square; the operator may still pan beyond it.
 */
export function coverView(
  bounds: LonLatBounds,
  size: { width: number; height: number },
  prefer: readonly [number, number],
): { center: [number, number]; zoom: number } {
  const x0 = mercX(bounds.west);
  const x1 = mercX(bounds.east);
  const y0 = mercY(bounds.north);
  const y1 = mercY(bounds.south);
  const world = Math.max(size.width / (x1 - x0), size.height / (y1 - y0));
  const halfX = size.width / 2 / world;
  const halfY = size.height / 2 / world;
  const cx = clamp(mercX(prefer[0]), x0 + halfX, x1 - halfX);
  const cy = clamp(mercY(prefer[1]), y0 + halfY, y1 - halfY);
  return { center: [lonOf(cx), latOf(cy)], zoom: Math.log2(world / TILE_PX) };
}
