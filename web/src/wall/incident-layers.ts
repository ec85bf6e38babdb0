import type { Color, Layer, PickingInfo } from '@deck.gl/core';
import { IconLayer, LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import {
  INCIDENT_CATEGORY_LABELS,
  INCIDENT_STATE_LABELS,
  UNIT_STATUS_LABELS,
  UNIT_TYPE_LABELS,
  type FeedSource,
  type GaugeReading,
  type Incident,
  type Unit,
} from '../../../contracts/incidents';
import { FACILITY_LOOK } from '../map/facility-kinds';
import { facilityTooltip, type EmergencyFacility } from '../map/facility-layers';
import { LABEL_FONT } from '../map/fonts';
import { rgb } from '../map/palette';
import { PLAYING_LABEL } from './camera-layer';
import { GAUGE_LABEL_PX, incidentRadius, isFused } from './declutter';
import {
  AGENCY_LOOK,
  ASSIGNED_RING_COLOR,
  MAP_GLYPHS,
  SELECTED_RING_COLOR,
  STALE_UNIT_COLOR,
  UNIT_LOOK,
  priorityColor,
} from './look';
import { ETA_GLYPHS } from './unit-routes';

/**
 * deck.gl layers of the wall: emergency facilities (hospitals, fire stations), gauges (red over the warning level), units (by type, greyed when their position is stale, ringed when
 * assigned), lines from the selected incident to its units, and incidents (agency colour of the first record,
 * size and intensity by priority; fused incidents get a ring, the count of their records and one satellite dot
 * per agency), with a pulsing ring round incidents that are alerting.
 */

export const INCIDENT_LAYER_ID = 'wall-incidents';
const INCIDENT_PREFIX = 'wall-incident';
const UNIT_LAYER_ID = 'wall-units';
const GAUGE_LAYER_ID = 'wall-gauges';
const FACILITY_LAYER_ID = 'wall-facilities';
/** The facility kinds the wall can show: the ids of their layers in the mode profiles. */
export const WALL_FACILITY_KINDS = ['hospital', 'fire_station'] as const;
export type WallFacilityKind = (typeof WALL_FACILITY_KINDS)[number];
export type WallFacility = EmergencyFacility & { kind: WallFacilityKind };
const FACILITY_GLYPHS = WALL_FACILITY_KINDS.map((k) => FACILITY_LOOK[k].glyph);
const GAUGE_OVER: Color = [211, 47, 47, 235];
const GAUGE_NORMAL: Color = [2, 119, 189, 210];
const LEVEL_GLYPHS = '0123456789.-'.split('');

/** Always on top of the basemap (see map/facility-layers.ts). */
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;
const WHITE: Color = [255, 255, 255, 255];
const DARK: Color = [20, 32, 48, 235];

export interface Satellite {
  incident: Incident;
  source: FeedSource;
  /** Pixel offset from the incident's centre (before scaling). */
  offset: [number, number];
}

export interface WallMapData {
  incidents: Incident[];
  fused: Incident[];
  satellites: Satellite[];
  units: PlacedUnit[];
  gauges: GaugeReading[];
  facilities: WallFacility[];
  /** Where each incident's marker is drawn when not on its place (spread apart, see declutter.ts). */
  at: ReadonlyMap<number, [number, number]>;
  /** Unscaled pixels from each gauge down to its level label (below a marker drawn over the gauge). */
  gaugeDrops: ReadonlyMap<string, number>;
}

export type PlacedUnit = Unit & { lon: number; lat: number };

export interface WallLayerState {
  selectedId: number | null;
  alerting: ReadonlySet<number>;
  /** 0–1 phase of the alert pulse. */
  pulse: number;
  /** Epoch ms, for unit staleness (changes once a second). */
  now: number;
  /** 1 on a desktop, 2 on a 4K wall. */
  scale: number;
}

const leadSource = (inc: Incident): FeedSource => inc.records[0]?.source ?? inc.sources[0] ?? '110';

export function prepareMapData(
  incidents: Incident[],
  units: Unit[],
  gauges: GaugeReading[],
  facilities: WallFacility[] = [],
  placement: Pick<WallMapData, 'at' | 'gaugeDrops'> = { at: new Map(), gaugeDrops: new Map() },
): WallMapData {
  // Lower priorities first, so that the most urgent are drawn on top.
  const ordered = [...incidents].sort((a, b) => a.priority - b.priority || b.id - a.id);
  const fused = ordered.filter(isFused);
  const satellites: Satellite[] = [];
  for (const inc of fused) {
    const sources = [...new Set([...inc.records.map((r) => r.source), ...inc.sources])];
    const r = incidentRadius(inc) + 9;
    sources.forEach((source, i) => {
      const angle = ((-90 + (i * 360) / sources.length) * Math.PI) / 180;
      satellites.push({ incident: inc, source, offset: [Math.cos(angle) * r, Math.sin(angle) * r] });
    });
  }
  const placed = units.filter((u): u is PlacedUnit => u.lon !== null && u.lat !== null);
  // Stations over the warning level on top of the others.
  const stations = [...gauges].sort((a, b) => Number(a.overWarning) - Number(b.overWarning));
  return { incidents: ordered, fused, satellites, units: placed, gauges: stations, facilities, ...placement };
}

const isStale = (u: Unit, now: number) => u.staleAt !== null && Date.parse(u.staleAt) < now;
const isAssigned = (u: Unit) =>
  u.incidentId !== null || u.status === 'assigned' || u.status === 'en_route' || u.status === 'on_scene';

function withAlpha(hex: string, alpha: number): Color {
  const [r, g, b] = rgb(hex);
  return [r, g, b, Math.round(alpha)];
}

let dotIcon: string | null = null;
/** A white disc drawn once on a canvas (a data URL: nothing is fetched), tinted per agency by the icon layer. */
function dotUrl(): string {
  if (dotIcon) return dotIcon;
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#fff';
    ctx.beginPath();
    ctx.arc(32, 32, 30, 0, Math.PI * 2);
    ctx.fill();
  }
  dotIcon = canvas.toDataURL('image/png');
  return dotIcon;
}

export function wallLayers(data: WallMapData, s: WallLayerState): Layer[] {
  const k = s.scale;
  const pos = (i: Incident): [number, number] => data.at.get(i.id) ?? [i.place.lon, i.place.lat];
  const selected = s.selectedId === null ? null : (data.incidents.find((i) => i.id === s.selectedId) ?? null);
  const alerting = data.incidents.filter((i) => s.alerting.has(i.id));
  const links = selected
    ? data.units
        .filter((u) => u.incidentId === selected.id || selected.unitIds.includes(u.id))
        .map((u) => ({ unit: u, incident: selected }))
    : [];
  const nowSecond = Math.floor(s.now / 1000);

  return [
    new ScatterplotLayer<WallFacility>({
      id: FACILITY_LAYER_ID,
      data: data.facilities,
      getPosition: (f) => [f.lon, f.lat],
      getFillColor: (f) => withAlpha(FACILITY_LOOK[f.kind].color, 215),
      getRadius: 6 * k,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: WHITE,
      getLineWidth: 1.5 * k,
      lineWidthUnits: 'pixels',
      pickable: true,
      parameters: ON_TOP,
    }),
    new TextLayer<WallFacility>({
      id: `${FACILITY_LAYER_ID}-glyph`,
      data: data.facilities,
      getPosition: (f) => [f.lon, f.lat],
      getText: (f) => FACILITY_LOOK[f.kind].glyph,
      getSize: 8 * k,
      getColor: WHITE,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: FACILITY_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
    // A gauge: a water-drop blue disc, red with a wider white ring once the station reaches its warning level.
    new ScatterplotLayer<GaugeReading>({
      id: GAUGE_LAYER_ID,
      data: data.gauges,
      getPosition: (g) => [g.lon, g.lat],
      getFillColor: (g) => (g.overWarning ? GAUGE_OVER : GAUGE_NORMAL),
      getRadius: (g) => (g.overWarning ? 8 : 6) * k,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: WHITE,
      getLineWidth: (g) => (g.overWarning ? 2.5 : 1.5) * k,
      lineWidthUnits: 'pixels',
      pickable: true,
      parameters: ON_TOP,
    }),
    new LineLayer<{ unit: PlacedUnit; incident: Incident }>({
      id: 'wall-assignment-lines',
      data: links,
      getSourcePosition: (l) => pos(l.incident),
      getTargetPosition: (l) => [l.unit.lon, l.unit.lat],
      getColor: withAlpha(ASSIGNED_RING_COLOR, 220),
      getWidth: 2.5 * k,
      widthUnits: 'pixels',
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<PlacedUnit>({
      id: UNIT_LAYER_ID,
      data: data.units,
      getPosition: (u) => [u.lon, u.lat],
      getFillColor: (u) => (isStale(u, s.now) ? withAlpha(STALE_UNIT_COLOR, 170) : withAlpha(UNIT_LOOK[u.type].color, 240)),
      getRadius: 7 * k,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: (u) => (isAssigned(u) ? withAlpha(ASSIGNED_RING_COLOR, 255) : WHITE),
      getLineWidth: (u) => (isAssigned(u) ? 3 * k : 1.5 * k),
      lineWidthUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [0, 229, 255, 160],
      updateTriggers: { getFillColor: nowSecond },
      parameters: ON_TOP,
    }),
    new TextLayer<PlacedUnit>({
      id: `${UNIT_LAYER_ID}-glyph`,
      data: data.units,
      getPosition: (u) => [u.lon, u.lat],
      getText: (u) => UNIT_LOOK[u.type].glyph,
      getSize: 9 * k,
      getColor: WHITE,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: MAP_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<Incident>({
      id: `${INCIDENT_PREFIX}-pulse`,
      data: alerting,
      getPosition: pos,
      getRadius: (i) => (incidentRadius(i) + 6 + s.pulse * 26) * k,
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      getLineColor: (i) => withAlpha(priorityColor(i.priority), 255 * (1 - s.pulse)),
      getLineWidth: 4 * k,
      lineWidthUnits: 'pixels',
      updateTriggers: { getRadius: s.pulse, getLineColor: s.pulse },
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<Incident>({
      id: `${INCIDENT_PREFIX}-fused`,
      data: data.fused,
      getPosition: pos,
      getRadius: (i) => (incidentRadius(i) + 9) * k,
      radiusUnits: 'pixels',
      filled: true,
      getFillColor: [255, 255, 255, 150],
      stroked: true,
      getLineColor: DARK,
      getLineWidth: 2 * k,
      lineWidthUnits: 'pixels',
      pickable: true,
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<Incident>({
      id: INCIDENT_LAYER_ID,
      data: data.incidents,
      getPosition: pos,
      // Intensity by priority: low priorities are paler.
      getFillColor: (i) => withAlpha(AGENCY_LOOK[leadSource(i)].color, 120 + Math.min(Math.max(i.priority, 0), 10) * 13.5),
      getRadius: (i) => incidentRadius(i) * k,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: (i) => (i.id === s.selectedId ? withAlpha(SELECTED_RING_COLOR, 255) : WHITE),
      getLineWidth: (i) => (i.id === s.selectedId ? 4 * k : 2 * k),
      lineWidthUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 221, 0, 200],
      updateTriggers: { getLineColor: s.selectedId, getLineWidth: s.selectedId },
      parameters: ON_TOP,
    }),
    new IconLayer<Satellite>({
      id: `${INCIDENT_PREFIX}-sources`,
      data: data.satellites,
      getPosition: (d) => pos(d.incident),
      getIcon: () => ({ id: 'dot', url: dotUrl(), width: 64, height: 64, mask: true }),
      getColor: (d) => withAlpha(AGENCY_LOOK[d.source].color, 255),
      getSize: 9 * k,
      sizeUnits: 'pixels',
      getPixelOffset: (d) => [d.offset[0] * k, d.offset[1] * k],
      pickable: true,
      parameters: ON_TOP,
    }),
    new TextLayer<Incident>({
      id: `${INCIDENT_PREFIX}-glyph`,
      data: data.incidents,
      getPosition: pos,
      getText: (i) => AGENCY_LOOK[leadSource(i)].glyph,
      getSize: (i) => incidentRadius(i) * 1.05 * k,
      getColor: WHITE,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: MAP_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
    new TextLayer<Incident>({
      id: `${INCIDENT_PREFIX}-count`,
      data: data.fused,
      getPosition: pos,
      getText: (i) => String(Math.max(i.records.length, i.sources.length)),
      getSize: 11 * k,
      getColor: WHITE,
      getPixelOffset: (i) => [(incidentRadius(i) + 9) * 0.75 * k, -(incidentRadius(i) + 9) * 0.75 * k],
      background: true,
      getBackgroundColor: DARK,
      backgroundPadding: [4 * k, 1 * k],
      backgroundBorderRadius: 6 * k,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: MAP_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
    // The water level under every gauge, on top of everything: a station over its warning level usually carries a
    // gauge-alarm incident drawn right over its disc.
    new TextLayer<GaugeReading>({
      id: `${GAUGE_LAYER_ID}-level`,
      data: data.gauges.filter((g) => g.waterLevelM !== null),
      getPosition: (g) => [g.lon, g.lat],
      getText: (g) => (g.waterLevelM ?? 0).toFixed(2),
      getSize: 11 * k,
      getColor: WHITE,
      getPixelOffset: (g) => [0, (data.gaugeDrops.get(g.stationId) ?? GAUGE_LABEL_PX) * k],
      background: true,
      getBackgroundColor: (g) => (g.overWarning ? GAUGE_OVER : GAUGE_NORMAL),
      backgroundPadding: [4 * k, 1 * k],
      backgroundBorderRadius: 4 * k,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: LEVEL_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'top',
      pickable: true,
      parameters: ON_TOP,
    }),
  ];
}

/** The incident under a picked point (its disc, ring or satellite dots), if any. */
export function pickedIncidentId(info: PickingInfo): number | null {
  if (!info.layer?.id.startsWith(INCIDENT_PREFIX) || !info.object) return null;
  const obj = info.object as Incident | Satellite;
  return 'incident' in obj ? obj.incident.id : obj.id;
}

/** Hover text of whatever is under the pointer. */
export function wallTooltip(info: PickingInfo): string | null {
  if (!info.layer || !info.object) return null;
  if (info.layer.id.startsWith(INCIDENT_PREFIX)) {
    const obj = info.object as Incident | Satellite;
    const inc = 'incident' in obj ? obj.incident : obj;
    return [
      `#${inc.id} ${inc.title}`,
      `${INCIDENT_CATEGORY_LABELS[inc.category] ?? inc.category} · ${INCIDENT_STATE_LABELS[inc.status]} · 优先级 ${inc.priority}`,
      inc.records.length > 1 ? `${inc.records.length} 条来源记录` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
  if (info.layer.id === UNIT_LAYER_ID) {
    const u = info.object as Unit;
    return `${u.callsign}（${UNIT_TYPE_LABELS[u.type]}）\n${UNIT_STATUS_LABELS[u.status]}${u.incidentId !== null ? ` · 警情 #${u.incidentId}` : ''}`;
  }
  if (info.layer.id.startsWith(GAUGE_LAYER_ID)) {
    const g = info.object as GaugeReading;
    const level = g.waterLevelM !== null ? `水位 ${g.waterLevelM.toFixed(2)} 米` : '';
    const warning = g.warningLevelM !== null ? `警戒水位 ${g.warningLevelM.toFixed(2)} 米` : '';
    const rain = g.rainfallMm !== null ? `雨量 ${g.rainfallMm} 毫米` : '';
    return [`水位站：${g.name}`, level, warning, rain, g.overWarning ? '超警戒' : ''].filter(Boolean).join('\n');
  }
  if (info.layer.id === FACILITY_LAYER_ID) return facilityTooltip(info.object as WallFacility);
  return null;
}

/** Waits until the bundled font covers the marker glyphs, so that deck.gl's atlas is drawn with it. */
export async function loadWallFont(): Promise<void> {
  const extra = PLAYING_LABEL + ETA_GLYPHS.join('');
  await document.fonts.load(`700 32px "${LABEL_FONT}"`, [...MAP_GLYPHS, ...FACILITY_GLYPHS, ...LEVEL_GLYPHS, extra].join(''));
}

/** Keeps the hospitals and fire stations among the facilities the API returned. */
export function wallFacilitiesOf(list: readonly EmergencyFacility[]): WallFacility[] {
  return list.filter((f): f is WallFacility => (WALL_FACILITY_KINDS as readonly string[]).includes(f.kind));
}
