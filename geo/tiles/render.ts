import type { Db } from '../db/types';
import { encodeTile, type TileRow } from './encode';
import { TILE_LAYERS_BY_ID, type TileLayerDef } from './layers';
import { mvtQuery, rowsQuery, tileQuery, type TileAddress, type TileQuery } from './sql';

/** The layer covers this zoom; outside it a tile is empty without asking the database. */
export function inZoomRange(layer: TileLayerDef, z: number): boolean {
  return z >= layer.minzoom && z <= layer.maxzoom;
}

/**
 * Renders one tile of one layer as MVT bytes (empty when the tile has no features). On PostGIS the database
 * writes the protobuf (`ST_AsMVT`); on the embedded backend the database clips and projects and Node encodes.
 */
export async function renderTile(db: Db, layer: TileLayerDef, tile: TileAddress): Promise<Uint8Array> {
  if (!inZoomRange(layer, tile.z)) return new Uint8Array(0);
  if (db.backend === 'postgis') {
    const { sql, params } = mvtQuery(layer, tile);
    const [row] = await db.query<{ tile: Uint8Array | null }>(sql, params);
    return row?.tile ?? new Uint8Array(0);
  }
  const { sql, params } = rowsQuery(layer, tile);
  return encodeTile(layer, await db.query<TileRow>(sql, params));
}

function layerById(layerId: string): TileLayerDef {
  const layer = TILE_LAYERS_BY_ID.get(layerId);
  if (!layer) throw new Error(`unknown tile layer "${layerId}"; known: ${[...TILE_LAYERS_BY_ID.keys()].join(', ')}`);
  return layer;
}

/** For the benchmark harness: the tile as the HTTP endpoint would serve it. */
export function renderTileById(db: Db, layerId: string, z: number, x: number, y: number): Promise<Uint8Array> {
  return renderTile(db, layerById(layerId), { z, x, y });
}

/** For the benchmark harness: the bare statement behind `renderTileById`, to time the database alone. */
export function tileQueryById(backend: Db['backend'], layerId: string, z: number, x: number, y: number): TileQuery {
  return tileQuery(backend, layerById(layerId), { z, x, y });
}
