import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GaugeReading, Incident, Unit } from '../../../contracts/incidents';
import type { Camera } from '../../../contracts/media';
import { facilities as fetchFacilities } from '../api/endpoints';
import { isAbort } from '../api/http';
import { emergencyOnly } from '../map/facility-layers';
import { INITIAL_VISIBILITY } from '../map/layer-groups';
import { MapView, type MapHandles } from '../map/MapView';
import { useTileLayerVisibility } from '../map/useMapLayers';
import { cameraLayers, cameraTooltip, pickedCamera } from './camera-layer';
import {
  loadWallFont,
  pickedIncidentId,
  prepareMapData,
  WALL_FACILITY_KINDS,
  wallFacilitiesOf,
  wallLayers,
  wallTooltip,
  type WallFacility,
} from './incident-layers';
import type { WallLayerId } from './mode-view';

interface Props {
  incidents: Incident[];
  units: Unit[];
  gauges: GaugeReading[];
  selectedId: number | null;
  alerting: ReadonlySet<number>;
  now: number;
  scale: number;
  /** The layers to draw (the mode's defaults and the operator's switches, see mode-view.ts). */
  layers: readonly WallLayerId[];
  /** Fly to this incident; `n` changes on every request, so the same incident can be asked for twice. */
  focus: { id: number; n: number } | null;
  onSelect: (id: number) => void;
  /** Cameras to draw (none when the caller may not list them); a click on one opens it. */
  cameras?: readonly Camera[];
  openCameraId?: string | null;
  onCameraSelect?: (camera: Camera) => void;
}

const PULSE_PERIOD_MS = 1400;
const PULSE_FRAME_MS = 50;

/**
 * The Harbin map of the wall with the layers asked for (unit grid, incidents, units, gauges, hospitals, fire
 * stations); a click on an incident selects it. The selected incident is drawn even while the incident layer is off,
 * so that the map's flight to it ends on a marker.
 */
export function WallMap(props: Props) {
  const { incidents, units, gauges, selectedId, alerting, now, scale, layers, focus, onSelect } = props;
  const { cameras = NO_CAMERAS, openCameraId = null, onCameraSelect } = props;
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [fontReady, setFontReady] = useState(false);
  const [pulse, setPulse] = useState(0);

  useEffect(() => {
    // Draw even if the font cannot be loaded: a fallback glyph beats no marker.
    loadWallFont()
      .catch(() => undefined)
      .finally(() => setFontReady(true));
  }, []);

  const shows = useCallback((id: WallLayerId) => layers.includes(id), [layers]);
  const showGrid = shows('grid');
  const visibility = useMemo(() => ({ ...INITIAL_VISIBILITY, grid: showGrid }), [showGrid]);
  useTileLayerVisibility(handles, visibility);
  const facilities = useWallFacilities(WALL_FACILITY_KINDS.some(shows));

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

  // With the incident layer off, only the selected incident (if any) is drawn.
  const onlyIncident = shows('incidents') ? undefined : selectedId;
  const data = useMemo(
    () =>
      prepareMapData(
        onlyIncident === undefined ? incidents : incidents.filter((i) => i.id === onlyIncident),
        shows('units') ? units : [],
        shows('gauges') ? gauges : [],
        facilities.filter((f) => shows(f.kind)),
      ),
    [shows, onlyIncident, incidents, units, gauges, facilities],
  );
  const nowSecond = Math.floor(now / 1000) * 1000;

  useEffect(() => {
    if (!handles || !fontReady) return;
    handles.overlay.setProps({
      layers: [
        ...cameraLayers(cameras, { scale, openId: openCameraId }),
        ...wallLayers(data, { selectedId, alerting, pulse, now: nowSecond, scale }),
      ],
      getTooltip: (info) => {
        const text = wallTooltip(info) ?? cameraTooltip(info);
        return text && { text, className: 'wall-tooltip' };
      },
    });
  }, [handles, fontReady, data, selectedId, alerting, pulse, nowSecond, scale, cameras, openCameraId]);

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
      const camera = info && id === null ? pickedCamera(info) : null;
      if (camera) onCameraSelect?.(camera);
    },
    [onSelect, onCameraSelect, scale],
  );

  return <MapView onReady={setHandles} onClick={onClick} />;
}

/** Hospitals and fire stations, read once when one of their layers is first shown (public base data). */
function useWallFacilities(wanted: boolean): WallFacility[] {
  const [list, setList] = useState<WallFacility[] | null>(null);
  const loaded = list !== null;
  useEffect(() => {
    if (!wanted || loaded) return;
    const ac = new AbortController();
    fetchFacilities(WALL_FACILITY_KINDS, ac.signal).then(
      (all) => setList(wallFacilitiesOf(emergencyOnly(all))),
      // Asked again the next time a facility layer is switched on.
      (err: unknown) => !isAbort(err) && console.warn('wall facilities:', err),
    );
    return () => ac.abort();
  }, [wanted, loaded]);
  return list ?? NO_FACILITIES;
}

const NO_FACILITIES: WallFacility[] = [];
const NO_CAMERAS: Camera[] = [];
