/** Operational vector tiles: the layer registry, tile rendering on either backend, and the bare tile SQL. */
export { TILE_EXTENT, TILE_LAYERS, TILE_LAYERS_BY_ID, MAX_TILE_ZOOM, type TileLayerDef } from './layers';
export { tilePathSchema } from './coords';
export { tileFraction, tilesDrawingPoint } from './cover';
export { inZoomRange, renderTile, renderTileById, tileQueryById } from './render';
export { tileQuery, type TileAddress, type TileQuery } from './sql';
