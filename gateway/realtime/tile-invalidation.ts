import type { TileInvalidation } from '../../contracts/realtime';
import type { Change } from '../../contracts/incidents';
import type { Db } from '../../geo/db/types';
import { TILE_LAYERS_BY_ID, tilesDrawingPoint, type TileLayerDef } from '../../geo/tiles';

type Position = readonly [number, number];

/** How many last-known positions each live layer remembers (about 40 bytes each). */
const MAX_REMEMBERED = 200_000;

/** The live tile layer a change belongs to, with the entity's id and current position (null: not on the map). */
function located(change: Change): { layer: string; id: string; position: Position | null } | null {
  if (change.incident) {
    const { id, place } = change.incident;
    return { layer: 'incidents', id: String(id), position: [place.lon, place.lat] };
  }
  if (change.case) {
    const { id, place } = change.case;
    return { layer: 'cases', id: String(id), position: [place.lon, place.lat] };
  }
  if (change.unit) {
    const { id, lon, lat } = change.unit;
    return { layer: 'units', id, position: lon === null || lat === null ? null : [lon, lat] };
  }
  return null;
}

/**
 * Turns committed changes into the vector tiles they make stale: the tiles drawing an entity where it is now and
 * where it was before (a unit that drove on, an incident that was merged away). Each gateway process keeps the last
 * position it saw per entity, primed from the database when it starts following the change log.
 */
export class TileInvalidator {
  private readonly last = new Map<string, Map<string, Position>>();

  constructor(private readonly layers: ReadonlyMap<string, TileLayerDef> = TILE_LAYERS_BY_ID) {}

  /** Remembers where every unit and every open incident is, so their first change also clears the old tiles. */
  async prime(db: Db): Promise<void> {
    const units = await db.query<{ id: string; lon: number; lat: number }>(
      'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM unit WHERE geom IS NOT NULL',
    );
    for (const u of units) this.remember('units', u.id, [Number(u.lon), Number(u.lat)]);
    const incidents = await db.query<{ id: string; lon: number; lat: number }>(
      `SELECT id::text AS id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incident
        WHERE merged_into IS NULL AND status NOT IN ('closed', 'cancelled') ORDER BY id DESC LIMIT $1`,
      [MAX_REMEMBERED],
    );
    for (const i of incidents) this.remember('incidents', i.id, [Number(i.lon), Number(i.lat)]);
  }

  /** One invalidation per live layer touched by `changes`, tile ids deduplicated, tagged with the newest sequence. */
  invalidations(changes: readonly Change[]): TileInvalidation[] {
    const byLayer = new Map<string, { tiles: Set<string>; seq: number }>();
    for (const change of changes) {
      const entity = located(change);
      const layer = entity && this.layers.get(entity.layer);
      if (!entity || !layer?.live) continue;
      const entry = byLayer.get(layer.id) ?? { tiles: new Set<string>(), seq: 0 };
      byLayer.set(layer.id, entry);
      entry.seq = Math.max(entry.seq, change.seq);
      const before = this.last.get(layer.id)?.get(entity.id);
      const now = entity.position;
      if (before && !(now && before[0] === now[0] && before[1] === now[1])) {
        for (const t of tilesDrawingPoint(layer, before[0], before[1])) entry.tiles.add(t);
      }
      if (now) {
        for (const t of tilesDrawingPoint(layer, now[0], now[1])) entry.tiles.add(t);
        this.remember(layer.id, entity.id, now);
      } else {
        this.last.get(layer.id)?.delete(entity.id);
      }
    }
    return [...byLayer].filter(([, e]) => e.tiles.size > 0).map(([layer, e]) => ({ layer, tiles: [...e.tiles], seq: e.seq }));
  }

  private remember(layer: string, id: string, position: Position): void {
    let positions = this.last.get(layer);
    if (!positions) this.last.set(layer, (positions = new Map()));
    // Re-inserted on every sighting, so the map's insertion order is least recently seen first.
    positions.delete(id);
    positions.set(id, position);
    if (positions.size > MAX_REMEMBERED) {
      const oldest = positions.keys().next().value;
      if (oldest !== undefined) positions.delete(oldest);
    }
  }
}
