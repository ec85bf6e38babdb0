import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModeProfile, SystemMode } from '../../contracts/incidents';
import {
  FALLBACK_LAYOUT,
  toggleLayer,
  viewForMode,
  WALL_LAYERS,
  type LayerOverrides,
  type WallLayerId,
} from '../../web/src/wall/mode-view';

/** The profiles exactly as the gateway serves them (data/modes.json). */
const file = JSON.parse(readFileSync(path.resolve(__dirname, '../../data/modes.json'), 'utf8')) as { profiles: ModeProfile[] };
const profile = (id: SystemMode): ModeProfile => {
  const p = file.profiles.find((x) => x.id === id);
  if (!p) throw new Error(`data/modes.json has no ${id} profile`);
  return p;
};
const daily = profile('daily');
const emergency = profile('emergency');
const wartime = profile('wartime');

describe('viewForMode on the profiles of data/modes.json', () => {
  it('daily: public warnings, the unit grid, incidents and units; queue, KPIs, responses and duty', () => {
    const v = viewForMode(daily);
    expect(v.layers).toEqual(['warnings', 'grid', 'incidents', 'units']);
    expect(v.defaults).toEqual(['warnings', 'grid', 'incidents', 'units']);
    expect(v.panels).toEqual(['kpis', 'queue', 'responses', 'duty']);
    expect(v.adjusted).toBe(false);
  });

  it('emergency: incidents, units, gauges, hospitals and fire stations; the gauges panel', () => {
    const v = viewForMode(emergency);
    expect(v.layers).toEqual(['warnings', 'incidents', 'units', 'gauges', 'hospital', 'fire_station']);
    expect(v.panels).toEqual(['kpis', 'queue', 'gauges', 'receipts', 'responses', 'duty']);
  });

  it('wartime: public warnings, sirens (layer and panel), shelters with their load, incidents and units', () => {
    const v = viewForMode(wartime);
    expect(v.layers).toEqual(['warnings', 'sirens', 'shelters', 'incidents', 'units']);
    expect(v.panels).toContain('sirens');
  });

  it('never lists the detail as a standing panel (it opens on selection in every mode)', () => {
    for (const p of [daily, emergency, wartime]) expect(viewForMode(p).panels).not.toContain('detail');
  });

  it('offers every drawable layer to switch, whatever the mode', () => {
    for (const p of [daily, emergency, wartime]) expect(viewForMode(p).switchable).toEqual([...WALL_LAYERS]);
  });
});

describe('viewForMode with operator switches and role access', () => {
  it('adds and removes layers on top of the mode defaults, in drawing order', () => {
    const v = viewForMode(daily, { incidents: true, grid: false, hospital: true });
    expect(v.layers).toEqual(['warnings', 'incidents', 'units', 'hospital']);
    expect(v.defaults).toEqual(['warnings', 'grid', 'incidents', 'units']);
    expect(v.adjusted).toBe(true);
  });

  it('is not adjusted when the switches only repeat the defaults', () => {
    const v = viewForMode(emergency, { incidents: true, grid: false });
    expect(v.layers).toEqual(['warnings', 'incidents', 'units', 'gauges', 'hospital', 'fire_station']);
    expect(v.adjusted).toBe(false);
  });

  it('does not let switches change the panels', () => {
    expect(viewForMode(daily, { gauges: true }).panels).toEqual(['kpis', 'queue', 'responses', 'duty']);
  });

  it('hides units and gauges (layers, switch, panel) from a role that may not read them', () => {
    const v = viewForMode(emergency, { units: true }, { units: false, gauges: false });
    expect(v.layers).toEqual(['warnings', 'incidents', 'hospital', 'fire_station']);
    expect(v.switchable).toEqual(['warnings', 'grid', 'incidents', 'hospital', 'fire_station']);
    expect(v.panels).toEqual(['kpis', 'queue']);
    expect(v.adjusted).toBe(false);
  });

  it('leaves the shelters layer out in 战时 for a role that may not read shelters (shelter.read)', () => {
    const v = viewForMode(wartime, { shelters: true }, { units: true, gauges: true, sirens: true, shelters: false });
    expect(v.layers).toEqual(['warnings', 'sirens', 'incidents', 'units']);
    expect(v.switchable).not.toContain('shelters');
    expect(viewForMode(wartime, {}, { units: true, gauges: true, sirens: true, shelters: true }).layers).toContain('shelters');
  });

  it('keeps the gauges panel for a role that reads gauges but not units', () => {
    const v = viewForMode(emergency, {}, { units: false, gauges: true });
    expect(v.layers).toEqual(['warnings', 'incidents', 'gauges', 'hospital', 'fire_station']);
    expect(v.panels).toEqual(['kpis', 'queue', 'gauges']);
  });

  it('shows incidents, units, queue and KPIs until the profiles are loaded', () => {
    expect(FALLBACK_LAYOUT.defaultLayers).toEqual(['incidents', 'units']);
    const v = viewForMode(null);
    expect(v.layers).toEqual(['incidents', 'units']);
    expect(v.panels).toEqual(['kpis', 'queue']);
  });

  it('ignores ids it does not know, in layers and panels alike', () => {
    const v = viewForMode({ defaultLayers: ['grid', 'heatmap', 'cases'], panels: ['queue', 'video', 'cases', 'radar'] });
    expect(v.layers).toEqual(['grid']);
    expect(v.panels).toEqual(['queue']);
  });
});

describe('toggleLayer', () => {
  const defaults: WallLayerId[] = ['grid', 'units'];

  it('switches a default layer off and back, leaving no override behind', () => {
    const off = toggleLayer({}, defaults, 'grid');
    expect(off).toEqual({ grid: false });
    expect(toggleLayer(off, defaults, 'grid')).toEqual({});
  });

  it('switches a layer the mode does not show on and back', () => {
    const on = toggleLayer({}, defaults, 'incidents');
    expect(on).toEqual({ incidents: true });
    expect(toggleLayer(on, defaults, 'incidents')).toEqual({});
  });

  it('does not change the switches it was given', () => {
    const before: LayerOverrides = { gauges: true };
    toggleLayer(before, defaults, 'grid');
    expect(before).toEqual({ gauges: true });
  });

  it('flips the layer the view draws', () => {
    let overrides: LayerOverrides = {};
    for (const id of ['grid', 'gauges', 'hospital'] as const) {
      overrides = toggleLayer(overrides, viewForMode(daily, overrides).defaults, id);
    }
    expect(viewForMode(daily, overrides).layers).toEqual(['warnings', 'incidents', 'units', 'gauges', 'hospital']);
  });
});
