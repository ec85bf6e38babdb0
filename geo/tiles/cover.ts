import { TILE_EXTENT, type TileLayerDef } from './layers';

/** Web Mercator stops here; points beyond are drawn at the edge of the world. */
const MAX_LATITUDE = 85.0511287798066;

/** Fractional tile coordinates of a WGS-84 point at zoom `z` (x east, y south, as XYZ tiles count). */
export function tileFraction(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const clampedLat = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clampedLat * Math.PI) / 180);
  const x = ((lon + 180) / 360) * n;
  const y = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n;
  return { x: Math.min(Math.max(x, 0), n - 1e-9), y: Math.min(Math.max(y, 0), n - 1e-9) };
}

/**
 * The tiles of `layer` that draw a point at (lon, lat): at every zoom of the layer, the tile holding it and the
 * neighbours whose buffer (the geometry a tile keeps beyond its edge, `layer.buffer`) reaches it. Ids are `z/x/y`.
 * Zooms past `maxzoom` are drawn from the `maxzoom` tiles, so those are all a map has to fetch again.
 */
export function tilesDrawingPoint(layer: TileLayerDef, lon: number, lat: number): string[] {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return [];
  const margin = layer.buffer / TILE_EXTENT;
  const ids: string[] = [];
  for (let z = layer.minzoom; z <= layer.maxzoom; z++) {
    const n = 2 ** z;
    const { x, y } = tileFraction(lon, lat, z);
    const tx = Math.floor(x);
    const ty = Math.floor(y);
    const xs = [tx];
    const ys = [ty];
    if (x - tx < margin && tx > 0) xs.push(tx - 1);
    if (tx + 1 - x < margin && tx < n - 1) xs.push(tx + 1);
    if (y - ty < margin && ty > 0) ys.push(ty - 1);
    if (ty + 1 - y < margin && ty < n - 1) ys.push(ty + 1);
    for (const cx of xs) for (const cy of ys) ids.push(`${z}/${cx}/${cy}`);
  }
  return ids;
}
