import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GaugeReading, Incident, Unit } from '../../../contracts/incidents';
import { INITIAL_VISIBILITY } from '../map/layer-groups';
import { MapView, type MapHandles } from '../map/MapView';
import { useTileLayerVisibility } from '../map/useMapLayers';
import { loadWallFont, pickedIncidentId, prepareMapData, wallLayers, wallTooltip } from './incident-layers';

interface Props {
  incidents: Incident[];
  units: Unit[];
  gauges: GaugeReading[];
  selectedId: number | null;
  alerting: ReadonlySet<number>;
  now: number;
  scale: number;
  /** Whether the unit grid is drawn (the daily mode's layers include it). */
  showGrid: boolean;
  /** Fly to this incident; `n` changes on every request, so the same incident can be asked for twice. */
  focus: { id: number; n: number } | null;
  onSelect: (id: number) => void;
}

const PULSE_PERIOD_MS = 1400;
const PULSE_FRAME_MS = 50;

/** The Harbin map of the wall with the incident, unit and gauge layers; a click on an incident selects it. */
export function WallMap({ incidents, units, gauges, selectedId, alerting, now, scale, showGrid, focus, onSelect }: Props) {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [fontReady, setFontReady] = useState(false);
  const [pulse, setPulse] = useState(0);

  useEffect(() => {
    // Draw even if the font cannot be loaded: a fallback glyph beats no marker.
    loadWallFont()
      .catch(() => undefined)
      .finally(() => setFontReady(true));
  }, []);

  const visibility = useMemo(() => ({ ...INITIAL_VISIBILITY, grid: showGrid }), [showGrid]);
  useTileLayerVisibility(handles, visibility);

  // The pulse animates only while something is alerting.
  const animating = alerting.size > 0;
  useEffect(() => {
    if (!animating) {
      setPulse(0);
      return;
    }
    const t0 = performance.now();
    const timer = window.setInterval(
      () => setPulse(((performance.now() - t0) % PULSE_PERIOD_MS) / PULSE_PERIOD_MS),
      PULSE_FRAME_MS,
    );
    return () => window.clearInterval(timer);
  }, [animating]);

  const data = useMemo(() => prepareMapData(incidents, units, gauges), [incidents, units, gauges]);
  const nowSecond = Math.floor(now / 1000) * 1000;

  useEffect(() => {
    if (!handles || !fontReady) return;
    handles.overlay.setProps({
      layers: wallLayers(data, { selectedId, alerting, pulse, now: nowSecond, scale }),
      getTooltip: (info) => {
        const text = wallTooltip(info);
        return text && { text, className: 'wall-tooltip' };
      },
    });
  }, [handles, fontReady, data, selectedId, alerting, pulse, nowSecond, scale]);

  // Only a new focus request moves the map, not later updates of the incident.
  const incidentsRef = useRef(incidents);
  incidentsRef.current = incidents;
  useEffect(() => {
    if (!handles || !focus) return;
    const inc = incidentsRef.current.find((i) => i.id === focus.id);
    if (!inc) return;
    handles.map.flyTo({ center: [inc.place.lon, inc.place.lat], zoom: Math.max(handles.map.getZoom(), 14), duration: 1200 });
  }, [handles, focus]);

  const onClick = useCallback(
    (e: MapMouseEvent, { overlay }: MapHandles) => {
      const info = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 6 * scale });
      const id = info ? pickedIncidentId(info) : null;
      if (id !== null) onSelect(id);
    },
    [onSelect, scale],
  );

  return <MapView onReady={setHandles} onClick={onClick} />;
}
