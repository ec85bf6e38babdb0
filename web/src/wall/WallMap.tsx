import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
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
import { clusterLayers, clusterTooltip, pickedCluster } from './cluster-layers';
import { CLUSTER_MAX_ZOOM, clusterIndex, declutter, gaugeLabelDrops } from './declutter';
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
import { useReducedMotion } from '../ui/useReducedMotion';
import { routeLayers, type UnitRoute } from './unit-routes';

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
  /** More deck.gl layers, drawn under the incidents and units (a replay's unit tracks). */
  underlays?: readonly Layer[];
  /** Layers that depend on the zoom (shelters grouped until street zoom), drawn over the underlays. */
  zoomLayers?: (zoom: number) => readonly Layer[];
  /** Tooltip text of objects of those layers. */
  tooltip?: (info: PickingInfo) => string | null;
  /** A click on an object that is neither an incident nor a camera. */
  onPick?: (info: PickingInfo, map: MapLibreMap) => void;
  /** Drives of the recommended units to the selected incident, drawn with their ETAs. */
  routes?: readonly UnitRoute[];
}

const PULSE_PERIOD_MS = 1400;
const PULSE_FRAME_MS = 50;
/** The pulse's phase drawn still when motion is reduced: the ring at its widest. */
const STILL_PULSE = 0.5;

/**
 * The Harbin map of the wall with the layers asked for (unit grid, incidents, units, gauges, hospitals, fire
 * stations); a click on an incident selects it. The selected incident is drawn even while the incident layer is off,
 * so that the map's flight to it ends on a marker.
 */
export function WallMap(props: Props) {
  const { incidents, units, gauges, selectedId, alerting, now, scale, layers, focus, onSelect } = props;
  const { cameras = NO_CAMERAS, openCameraId = null, onCameraSelect, underlays = NO_UNDERLAYS } = props;
  const { zoomLayers, tooltip, onPick, routes = NO_ROUTES } = props;
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const zoom = useMapZoom(handles);
  const zoomed = useMemo(() => (zoomLayers ? zoomLayers(zoom) : NO_UNDERLAYS), [zoomLayers, zoom]);
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

  // The pulse animates only while something is alerting, and never for a person who asked for less motion: their
  // alerting markers keep the ring drawn still at its widest.
  const reducedMotion = useReducedMotion();
  const animating = alerting.size > 0 && !reducedMotion;
  useEffect(() => {
    if (!animating) {
      setPulse(reducedMotion ? STILL_PULSE : 0);
      return;
    }
    const t0 = performance.now();
    const timer = window.setInterval(
      () => setPulse(((performance.now() - t0) % PULSE_PERIOD_MS) / PULSE_PERIOD_MS),
      PULSE_FRAME_MS,
    );
    return () => window.clearInterval(timer);
  }, [animating, reducedMotion]);

  // With the incident layer off, only the selected incident (if any) is drawn.
  const onlyIncident = shows('incidents') ? undefined : selectedId;
  const visible = useMemo(
    () => (onlyIncident === undefined ? incidents : incidents.filter((i) => i.id === onlyIncident)),
    [incidents, onlyIncident],
  );
  // Clustered up to street zoom, spread apart from there; the selected and the alerting ones always on their own.
  const apart = useMemo(() => new Set([...alerting, ...(selectedId === null ? [] : [selectedId])]), [alerting, selectedId]);
  const index = useMemo(
    () =>
      clusterIndex(
        visible.filter((i) => !apart.has(i.id)),
        scale,
      ),
    [visible, apart, scale],
  );
  const marks = useMemo(() => declutter(visible, index, zoom, scale, apart), [visible, index, zoom, scale, apart]);
  const shownGauges = shows('gauges') ? gauges : NO_GAUGES;
  const data = useMemo(
    () =>
      prepareMapData(
        marks.singles.map((m) => m.incident),
        shows('units') ? units : [],
        shownGauges,
        facilities.filter((f) => shows(f.kind)),
        {
          at: new Map(marks.singles.filter((m) => m.spread).map((m) => [m.incident.id, [m.lon, m.lat]])),
          gaugeDrops: gaugeLabelDrops(shownGauges, marks, zoom, scale),
        },
      ),
    [shows, marks, units, shownGauges, facilities, zoom, scale],
  );
  const nowSecond = Math.floor(now / 1000) * 1000;

  useEffect(() => {
    if (!handles || !fontReady) return;
    handles.overlay.setProps({
      layers: [
        ...underlays,
        ...zoomed,
        ...routeLayers(routes, scale),
        ...cameraLayers(cameras, { scale, openId: openCameraId }),
        ...clusterLayers(marks, scale),
        ...wallLayers(data, { selectedId, alerting, pulse, now: nowSecond, scale }),
      ],
      getTooltip: (info) => {
        const text = wallTooltip(info) ?? clusterTooltip(info) ?? cameraTooltip(info) ?? tooltip?.(info) ?? null;
        return text && { text, className: 'wall-tooltip' };
      },
    });
  }, [
    handles,
    fontReady,
    data,
    marks,
    routes,
    selectedId,
    alerting,
    pulse,
    nowSecond,
    scale,
    cameras,
    openCameraId,
    underlays,
    zoomed,
    tooltip,
  ]);

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
    (e: MapMouseEvent, handles: MapHandles) => {
      const { overlay } = handles;
      const info = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 6 * scale });
      const cluster = info && pickedCluster(info);
      if (cluster) {
        // Zoom to where the cluster falls apart (at least one step, at most to single markers).
        const zoom = Math.min(Math.max(cluster.expansionZoom, handles.map.getZoom() + 1), CLUSTER_MAX_ZOOM + 1);
        handles.map.easeTo({ center: [cluster.lon, cluster.lat], zoom, duration: 600 });
        return;
      }
      const id = info ? pickedIncidentId(info) : null;
      if (id !== null) onSelect(id);
      const camera = info && id === null ? pickedCamera(info) : null;
      if (camera) onCameraSelect?.(camera);
      else if (info && id === null) onPick?.(info, handles.map);
    },
    [onSelect, onCameraSelect, onPick, scale],
  );

  return (
    <>
      <MapView onReady={setHandles} onClick={onClick} />
      {/* What is drawn, for people using assistive technology and for browser tests (the map itself is pixels). */}
      <ul hidden data-testid="wall-incident-marks" data-zoom={zoom.toFixed(2)}>
        {marks.clusters.map((c) => (
          <li
            key={`c${c.clusterId}`}
            data-kind="cluster"
            data-count={c.ids.length}
            data-ids={c.ids.join(',')}
            data-lon={c.lon}
            data-lat={c.lat}
          >
            {c.ids.length} 起警情
          </li>
        ))}
        {marks.singles.map((m) => (
          <li
            key={m.incident.id}
            data-kind="incident"
            data-id={m.incident.id}
            data-spread={m.spread}
            data-lon={m.lon}
            data-lat={m.lat}
          >
            警情 #{m.incident.id}
          </li>
        ))}
      </ul>
      <ul hidden data-testid="wall-routes">
        {routes.map((r) => (
          <li
            key={r.unitId}
            data-unit-id={r.unitId}
            data-eta-s={r.etaS}
            data-points={r.path.length}
            data-start={r.path[0]?.join(',')}
            data-end={r.path[r.path.length - 1]?.join(',')}
          >
            {r.callsign} 约 {Math.round(r.etaS / 60)} 分钟到达
          </li>
        ))}
      </ul>
      {openCameraId && <span hidden data-testid="wall-camera-playing" data-camera-id={openCameraId} />}
    </>
  );
}

/** The map's zoom, followed when a zoom ends (0 until the map is ready). */
function useMapZoom(handles: MapHandles | null): number {
  const [zoom, setZoom] = useState(0);
  useEffect(() => {
    if (!handles) return;
    const sync = () => setZoom(handles.map.getZoom());
    sync();
    handles.map.on('zoomend', sync);
    return () => {
      handles.map.off('zoomend', sync);
    };
  }, [handles]);
  return zoom;
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
const NO_UNDERLAYS: Layer[] = [];
const NO_GAUGES: GaugeReading[] = [];
const NO_ROUTES: UnitRoute[] = [];
