import type { Change, Incident, Unit } from '../../contracts/incidents';
import { TileInvalidator } from '../../gateway/realtime/tile-invalidation';
import { TILE_LAYERS_BY_ID, tileFraction } from '../../geo/tiles';

const unitsLayer = TILE_LAYERS_BY_ID.get('units')!;

const unitChange = (seq: number, id: string, lon: number | null, lat: number | null): Change =>
  ({ seq, topic: 'unit', at: new Date().toISOString(), district: null, unit: { id, lon, lat } as Unit }) as Change;
const incidentChange = (seq: number, id: number, lon: number, lat: number): Change =>
  ({
    seq,
    topic: 'incident',
    at: new Date().toISOString(),
    district: null,
    incident: { id, place: { lon, lat } } as Incident,
  }) as Change;

/** The tile holding a point at zoom z, from the fraction (the buffer neighbours are the cover test's business). */
const home = (lon: number, lat: number, z: number) => {
  const f = tileFraction(lon, lat, z);
  return `${z}/${Math.floor(f.x)}/${Math.floor(f.y)}`;
};

describe('TileInvalidator', () => {
  const a = { lon: 126.6312, lat: 45.7561 };
  const b = { lon: 126.7012, lat: 45.7161 };

  it('names the tiles where a unit is now and, once it has been seen, where it was', () => {
    const inv = new TileInvalidator();
    const [first] = inv.invalidations([unitChange(1, 'U1', a.lon, a.lat)]);
    expect(first!.layer).toBe('units');
    expect(first!.tiles).toContain(home(a.lon, a.lat, unitsLayer.maxzoom));
    expect(first!.tiles).not.toContain(home(b.lon, b.lat, unitsLayer.maxzoom));
    const [moved] = inv.invalidations([unitChange(2, 'U1', b.lon, b.lat)]);
    for (let z = unitsLayer.minzoom; z <= unitsLayer.maxzoom; z++) {
      expect(moved!.tiles).toContain(home(a.lon, a.lat, z));
      expect(moved!.tiles).toContain(home(b.lon, b.lat, z));
    }
    expect(moved!.seq).toBe(2);
    // Standing still: only the current tiles again.
    const [still] = inv.invalidations([unitChange(3, 'U1', b.lon, b.lat)]);
    expect(still!.tiles).not.toContain(home(a.lon, a.lat, unitsLayer.maxzoom));
  });

  it('names the tiles of a city-management case', () => {
    const inv = new TileInvalidator();
    const change = {
      seq: 4,
      topic: 'case',
      at: new Date().toISOString(),
      district: null,
      case: { id: 12, place: { lon: a.lon, lat: a.lat } },
    } as unknown as Change;
    const [update] = inv.invalidations([change]);
    expect(update!.layer).toBe('cases');
    expect(update!.tiles).toContain(home(a.lon, a.lat, 16));
  });

  it('clears the old tiles of a unit that lost its position, and then forgets it', () => {
    const inv = new TileInvalidator();
    inv.invalidations([unitChange(1, 'U2', a.lon, a.lat)]);
    const [gone] = inv.invalidations([unitChange(2, 'U2', null, null)]);
    expect(gone!.tiles).toContain(home(a.lon, a.lat, unitsLayer.maxzoom));
    expect(inv.invalidations([unitChange(3, 'U2', null, null)])).toEqual([]);
  });

  it('merges a batch into one event per layer with deduplicated tiles and the newest sequence', () => {
    const inv = new TileInvalidator();
    const out = inv.invalidations([
      incidentChange(5, 1, a.lon, a.lat),
      incidentChange(9, 2, a.lon + 0.00001, a.lat),
      unitChange(7, 'U3', b.lon, b.lat),
      { seq: 10, topic: 'mode', at: new Date().toISOString(), district: null } as Change,
    ]);
    expect(out.map((u) => u.layer).sort()).toEqual(['incidents', 'units']);
    const incidents = out.find((u) => u.layer === 'incidents')!;
    expect(incidents.seq).toBe(9);
    expect(new Set(incidents.tiles).size).toBe(incidents.tiles.length);
    expect(out.find((u) => u.layer === 'units')!.seq).toBe(7);
  });
});
