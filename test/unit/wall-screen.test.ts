import { validateStyleMin, type LayerSpecification, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { loadModeProfiles } from '../../gateway/modes/service';
import { coverView, type LonLatBounds } from '../../web/src/map/coverage';
import { scaledValue, scaleLabels } from '../../web/src/map/label-scale';
import { dataAge } from '../../web/src/wall/format';
import { viewForMode, type WallAccess } from '../../web/src/wall/mode-view';

/** What the wall shows on its screen: labels sized for the room, the first view on the basemap, the data's age. */

describe('map labels scaled for the wall', () => {
  it('multiplies plain sizes and the outputs of zoom curves and property matches, never their inputs', () => {
    expect(scaledValue(12, 2.5)).toBe(30);
    expect(scaledValue(['interpolate', ['linear'], ['zoom'], 7, 13, 14, 22], 2)).toEqual([
      'interpolate',
      ['linear'],
      ['zoom'],
      7,
      26,
      14,
      44,
    ]);
    expect(scaledValue(['interpolate', ['exponential', 1.6], ['zoom'], 13, 11, 17, 15], 2)).toEqual([
      'interpolate',
      ['exponential', 1.6],
      ['zoom'],
      13,
      22,
      17,
      30,
    ]);
    expect(scaledValue(['step', ['zoom'], 10, 12, 14], 2)).toEqual(['step', ['zoom'], 20, 12, 28]);
    expect(scaledValue(['match', ['get', 'place'], ['town', 'island'], 14, 12], 2)).toEqual([
      'match',
      ['get', 'place'],
      ['town', 'island'],
      28,
      24,
    ]);
    expect(scaledValue(['case', ['has', 'big'], 16, 12], 2)).toEqual(['case', ['has', 'big'], 32, 24]);
    // A size read from the data is multiplied as a whole.
    expect(scaledValue(['get', 'size'], 2)).toEqual(['*', ['get', 'size'], 2]);
  });

  // The forms of text size the platform's style uses (web/src/map/basemap-style.ts, operational-layers.ts).
  const layers: LayerSpecification[] = [
    { id: 'land', type: 'background', paint: { 'background-color': '#eee' } },
    {
      id: 'district',
      type: 'symbol',
      source: 's',
      'source-layer': 'places',
      layout: { 'text-field': ['get', 'name'], 'text-size': ['interpolate', ['linear'], ['zoom'], 7, 13, 14, 22] },
      paint: { 'text-halo-width': 2.2 },
    },
    {
      id: 'road',
      type: 'symbol',
      source: 's',
      'source-layer': 'roads',
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-size': ['interpolate', ['exponential', 1.6], ['zoom'], 13, 11, 17, 15],
        'symbol-spacing': 320,
      },
    },
    {
      id: 'place',
      type: 'symbol',
      source: 's',
      'source-layer': 'places',
      layout: {
        'text-field': ['get', 'name'],
        'text-size': ['match', ['get', 'place'], ['town', 'island'], 14, 12],
        'text-padding': 4,
      },
    },
  ];
  const style = (ls: LayerSpecification[]): StyleSpecification => ({
    version: 8,
    sources: { s: { type: 'vector', tiles: ['http://localhost/{z}/{x}/{y}.mvt'] } },
    layers: ls,
  });

  it('yields a style MapLibre accepts, with halos, padding and spacing grown alike and other layers untouched', () => {
    const scaled = scaleLabels(layers, 2.5);
    expect(validateStyleMin(style(scaled))).toEqual([]);
    expect(scaled[0]).toBe(layers[0]);
    const [, district, road, place] = scaled as [
      unknown,
      ...{ layout: Record<string, unknown>; paint?: Record<string, unknown> }[],
    ];
    expect(district!.paint!['text-halo-width']).toBe(5.5);
    expect(district!.layout['text-field']).toEqual(['get', 'name']);
    expect(road!.layout['symbol-spacing']).toBe(800);
    expect(place!.layout['text-padding']).toBe(10);
    expect(scaleLabels(layers, 1)).toBe(layers);
  });
});

describe('the first view on the basemap', () => {
  // The header of ../shared/harbin/tiles/harbin_central.pmtiles: a square of central Harbin.
  const central: LonLatBounds = { west: 126.50613, south: 45.658006, east: 126.771821, north: 45.830905 };
  const urbanCore = [126.64, 45.758] as const;
  const worldPx = (zoom: number) => 512 * 2 ** zoom;
  const mercY = (lat: number) => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2;

  /** The corners of a view of `size` pixels, in degrees. */
  function extent(view: { center: [number, number]; zoom: number }, size: { width: number; height: number }) {
    const w = worldPx(view.zoom);
    const halfLon = ((size.width / 2) * 360) / w;
    const cy = mercY(view.center[1]);
    const lat = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
    return {
      west: view.center[0] - halfLon,
      east: view.center[0] + halfLon,
      north: lat(cy - size.height / 2 / w),
      south: lat(cy + size.height / 2 / w),
    };
  }

  it.each([
    ['the 4K wall beside its queue', { width: 2600, height: 1700 }],
    ['the 4K wall with queue and detail', { width: 1440, height: 1700 }],
    ['a 1080p desk', { width: 1480, height: 820 }],
  ])('fills %s with covered area only, edge to edge in one direction', (_name, size) => {
    const view = coverView(central, size, urbanCore);
    const e = extent(view, size);
    const eps = 1e-9;
    expect(e.west).toBeGreaterThanOrEqual(central.west - eps);
    expect(e.east).toBeLessThanOrEqual(central.east + eps);
    expect(e.south).toBeGreaterThanOrEqual(central.south - eps);
    expect(e.north).toBeLessThanOrEqual(central.north + eps);
    const fillsWidth = Math.abs(e.east - e.west - (central.east - central.west)) < 1e-6;
    const fillsHeight = Math.abs(e.north - e.south - (central.north - central.south)) < 1e-6;
    expect(fillsWidth || fillsHeight).toBe(true);
  });

  it('zooms the wide 4K map about one level further in than a desk, centred on the urban core where room allows', () => {
    const wall = coverView(central, { width: 2600, height: 1700 }, urbanCore);
    const desk = coverView(central, { width: 1480, height: 820 }, urbanCore);
    expect(wall.zoom).toBeCloseTo(12.75, 1);
    expect(desk.zoom).toBeCloseTo(11.94, 1);
    // Wide screens: the full width is shown, so the centre moves across to the middle of the area; north–south the
    // urban core stays in the middle.
    expect(wall.center[0]).toBeCloseTo((central.west + central.east) / 2, 6);
    expect(wall.center[1]).toBeCloseTo(urbanCore[1], 6);
  });

  it('moves the centre inwards when the preferred one would show a margin', () => {
    const size = { width: 1000, height: 1000 };
    const view = coverView(central, { width: 1000, height: 1000 }, [126.51, 45.66]);
    const e = extent(view, size);
    expect(e.west).toBeCloseTo(central.west, 6);
    expect(e.south).toBeCloseTo(central.south, 6);
  });
});

describe('the age of stale data', () => {
  const t0 = Date.parse('2026-12-07T08:00:00Z');
  it('says seconds, minutes and seconds, then hours and minutes', () => {
    expect(dataAge(t0, t0 + 45_400)).toBe('45 秒前');
    expect(dataAge(t0, t0 + 135_000)).toBe('2 分 15 秒前');
    expect(dataAge(t0, t0 + 3_780_000)).toBe('1 小时 3 分前');
    // A clock a little behind the last heartbeat is not an age below zero.
    expect(dataAge(t0, t0 - 500)).toBe('0 秒前');
  });
});

describe('incidents on the wall map', () => {
  const wallDevice: WallAccess = { units: true, gauges: true, duty: true, sirens: true, shelters: true };
  const noExtras: WallAccess = { units: false, gauges: false };
  it.each(loadModeProfiles().map((p) => [p.label, p] as const))('are drawn by default in %s, for every role', (_l, p) => {
    for (const access of [wallDevice, noExtras]) expect(viewForMode(p, {}, access).layers).toContain('incidents');
  });
});
