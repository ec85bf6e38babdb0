import { liveSourcesOf, parseTileId, refreshPlan, tileLayerOf, type LiveSource } from '../../web/src/map/live-tiles';

const ORIGIN = 'https://gis.example.cn';

describe('live tile refresh plan', () => {
  it('recognises the gateway tile URL templates, absolute or relative', () => {
    expect(tileLayerOf(`${ORIGIN}/tiles/incidents/{z}/{x}/{y}.mvt`)).toBe('incidents');
    expect(tileLayerOf('/tiles/units/{z}/{x}/{y}.mvt?v=2')).toBe('units');
    expect(tileLayerOf(`${ORIGIN}/tiles/incidents.json`)).toBeNull();
    expect(tileLayerOf(`${ORIGIN}/basemap/{z}/{x}/{y}.pbf`)).toBeNull();
  });

  it('keeps only vector sources of live layers', () => {
    const sources = liveSourcesOf({
      incidents: { type: 'vector', tiles: [`${ORIGIN}/tiles/incidents/{z}/{x}/{y}.mvt`], minzoom: 4, maxzoom: 16 },
      units: { type: 'vector', tiles: [`${ORIGIN}/tiles/units/{z}/{x}/{y}.mvt`] },
      'district-label': { type: 'vector', tiles: [`${ORIGIN}/tiles/district/{z}/{x}/{y}.mvt`], maxzoom: 5 },
      district: { type: 'vector' },
      raster: { type: 'raster', tiles: [`${ORIGIN}/tiles/incidents/{z}/{x}/{y}.mvt`] },
    });
    expect(sources).toEqual([
      { sourceId: 'incidents', layer: 'incidents', minzoom: 4, maxzoom: 16 },
      { sourceId: 'units', layer: 'units', minzoom: 0, maxzoom: 22 },
    ]);
    expect(liveSourcesOf({ u: { type: 'vector', tiles: ['/tiles/units/{z}/{x}/{y}.mvt'] } }, ['incidents'])).toEqual([]);
  });

  it('parses z/x/y ids and refuses impossible ones', () => {
    expect(parseTileId('14/13780/5735')).toEqual({ z: 14, x: 13780, y: 5735 });
    expect(parseTileId('0/0/0')).toEqual({ z: 0, x: 0, y: 0 });
    for (const bad of ['1/2/0', '3/0/8', '14/-1/3', '14/1.5/3', '14/1', 'a/b/c', '', '25/0/0']) {
      expect(parseTileId(bad)).toBeNull();
    }
  });

  const sources: LiveSource[] = [
    { sourceId: 'incidents', layer: 'incidents', minzoom: 8, maxzoom: 14 },
    { sourceId: 'incidents-heat', layer: 'incidents', minzoom: 0, maxzoom: 10 },
    { sourceId: 'units', layer: 'units', minzoom: 0, maxzoom: 16 },
  ];

  it('refreshes the named tiles of every source of the layer, within its zoom range, once each', () => {
    const plan = refreshPlan(
      {
        layer: 'incidents',
        seq: 42,
        tiles: ['6/52/22', '10/861/358', '14/13780/5735', '14/13780/5735', '16/55120/22940', 'junk'],
      },
      sources,
    );
    expect(plan).toEqual([
      {
        sourceId: 'incidents',
        tiles: [
          { z: 10, x: 861, y: 358 },
          { z: 14, x: 13780, y: 5735 },
        ],
      },
      {
        sourceId: 'incidents-heat',
        tiles: [
          { z: 6, x: 52, y: 22 },
          { z: 10, x: 861, y: 358 },
        ],
      },
    ]);
  });

  it('leaves other layers and sources without a tile in range alone', () => {
    expect(refreshPlan({ layer: 'cases', seq: 1, tiles: ['10/861/358'] }, sources)).toEqual([]);
    expect(refreshPlan({ layer: 'incidents', seq: 1, tiles: ['16/55120/22940'] }, sources)).toEqual([]);
    expect(refreshPlan({ layer: 'units', seq: 1, tiles: [] }, sources)).toEqual([]);
  });

  it('reloads a whole source when too many of its tiles changed', () => {
    const tiles = Array.from({ length: 5 }, (_, i) => `12/${3440 + i}/1434`);
    expect(refreshPlan({ layer: 'units', seq: 7, tiles }, sources, 4)).toEqual([{ sourceId: 'units', reload: true }]);
    expect(refreshPlan({ layer: 'units', seq: 7, tiles }, sources, 5)).toEqual([
      { sourceId: 'units', tiles: tiles.map((_, i) => ({ z: 12, x: 3440 + i, y: 1434 })) },
    ]);
  });
});
