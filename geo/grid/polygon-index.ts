import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';

/** A static in-memory index answering "which polygon contains this point" with a bbox index and an exact test. */
export class PolygonIndex<T> {
  private readonly index: Flatbush | null;

  constructor(private readonly items: { value: T; geometry: Polygon | MultiPolygon }[]) {
    if (items.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(items.length);
    for (const item of items) {
      const [w, s, e, n] = bboxOf(item.geometry);
      this.index.add(w, s, e, n);
    }
    this.index.finish();
  }

  get size(): number {
    return this.items.length;
  }

  /** The first polygon containing the point (polygons of one layer do not overlap), or undefined. */
  find(lon: number, lat: number): T | undefined {
    if (!this.index) return undefined;
    for (const i of this.index.search(lon, lat, lon, lat)) {
      const item = this.items[i]!;
      if (booleanPointInPolygon([lon, lat], item.geometry)) return item.value;
    }
    return undefined;
  }

  /** Every value whose bounding box meets the box, up to `limit`. */
  within(west: number, south: number, east: number, north: number, limit: number): T[] {
    if (!this.index) return [];
    return this.index
      .search(west, south, east, north)
      .slice(0, limit)
      .map((i) => this.items[i]!.value);
  }
}

function bboxOf(g: Polygon | MultiPolygon): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x! < w) w = x!;
      if (x! > e) e = x!;
      if (y! < s) s = y!;
      if (y! > n) n = y!;
    }
  }
  return [w, s, e, n];
}
