/** The part of `vt-pbf` (which ships no types) that the tile encoder uses. */
declare module 'vt-pbf' {
  /** One feature in geojson-vt's tile form: coordinates already in tile units. */
  export interface GeojsonVtFeature {
    /** 1 point, 2 line, 3 polygon (the MVT geometry type). */
    type: 1 | 2 | 3;
    /** Points: the list of points; lines and polygons: the list of lines or rings. */
    geometry: [number, number][] | [number, number][][];
    tags: Record<string, string | number | boolean | null>;
    /** Written only when it is a number. */
    id?: number;
  }
  export interface GeojsonVtLayer {
    features: GeojsonVtFeature[];
  }
  /** Serialises layers (keyed by name) to an uncompressed MVT protobuf. */
  export function fromGeojsonVt(
    layers: Record<string, GeojsonVtLayer>,
    options?: { version?: number; extent?: number },
  ): Uint8Array;
}
