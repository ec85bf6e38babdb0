/** Operational vector tiles: the layer registry, tile rendering on either backend, and the bare tile SQL. */
export { TILE_EXTENT, TILE_LAYERS, TILE_LAYERS_BY_ID, type TileLayerDef } from './layers';
export { tilePathSchema } from './coords';
export { tileFraction, tilesDrawingPoint } from './cover';
export { renderTile, renderTileById, tileQueryById } from './render';
