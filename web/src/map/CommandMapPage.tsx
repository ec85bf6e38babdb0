import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { GeocodeHit } from '../api/endpoints';
import { SessionControls } from '../identity/UserMenu';
import { AboutPanel } from '../ui/AboutPanel';
import { LayerPanel } from '../ui/LayerPanel';
import { LocatePopup, type MapTarget } from '../ui/LocatePopup';
import { SearchBox } from '../ui/SearchBox';
import { EMERGENCY_KINDS } from './facility-kinds';
import { pickedFacility } from './facility-layers';
import { INITIAL_VISIBILITY, type LayerGroupId, type LayerVisibility } from './layer-groups';
import { MapView, type MapHandles } from './MapView';
import { useFacilityOverlay, useTileLayerVisibility } from './useMapLayers';

const ABOUT_HASH = '#about';

/** Zoom a search result is shown at, by what it names. */
const PICK_ZOOM: Record<GeocodeHit['kind'], number> = { district: 12, street: 14, road: 16, place: 15, poi: 16.5 };

/**
 * 指挥一张图, the command-centre map page (open to visitors: its base data is public): header with search, the map,
 * layer panel with legend, popup and 关于.
 */
export function CommandMapPage() {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [visibility, setVisibility] = useState<LayerVisibility>(INITIAL_VISIBILITY);
  const [target, setTarget] = useState<MapTarget | null>(null);
  const [aboutOpen, setAboutOpen] = useAboutHash();

  useTileLayerVisibility(handles, visibility);
  const facilities = useFacilityOverlay(handles, visibility);

  const counts = useMemo(() => {
    const c: Partial<Record<LayerGroupId, number>> = {};
    for (const kind of EMERGENCY_KINDS) c[kind] = facilities.all.filter((f) => f.kind === kind).length;
    return c;
  }, [facilities.all]);

  const onMapClick = useCallback(
    (e: MapMouseEvent, { overlay }: MapHandles) => {
      const info = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 });
      const facility = info ? pickedFacility(info, facilities.shown) : null;
      setTarget(facility ? { lon: facility.lon, lat: facility.lat, facility } : { lon: e.lngLat.lng, lat: e.lngLat.lat });
    },
    [facilities.shown],
  );

  const onPick = useCallback(
    (hit: GeocodeHit) => {
      handles?.map.flyTo({ center: [hit.lon, hit.lat], zoom: PICK_ZOOM[hit.kind], duration: 1500 });
      // A facility found by name gets the same popup as a click on its marker.
      const facility =
        hit.kind === 'poi'
          ? facilities.all.find((f) => f.name === hit.name && Math.abs(f.lon - hit.lon) + Math.abs(f.lat - hit.lat) < 1e-5)
          : undefined;
      setTarget({ lon: hit.lon, lat: hit.lat, facility });
    },
    [handles, facilities.all],
  );

  const toggle = useCallback((id: LayerGroupId) => setVisibility((v) => ({ ...v, [id]: !v[id] })), []);

  return (
    <div className="app">
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">指挥一张图</span>
        <SearchBox onPick={onPick} />
        <button type="button" className="header-button" onClick={() => setAboutOpen(true)}>
          关于
        </button>
        <SessionControls />
      </header>
      <main className="app-main">
        <MapView onReady={setHandles} onClick={onMapClick} />
        <LayerPanel visibility={visibility} counts={counts} onToggle={toggle} />
        {facilities.error && <div className="notice map-overlay-ui">{facilities.error}</div>}
        {handles && target && <LocatePopup map={handles.map} target={target} onClose={() => setTarget(null)} />}
      </main>
      {aboutOpen && <AboutPanel onClose={() => setAboutOpen(false)} />}
    </div>
  );
}

/** The 关于 panel is open while the address ends in `#about`, so it can be linked and closed with Back. */
function useAboutHash(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(() => window.location.hash === ABOUT_HASH);
  useEffect(() => {
    const sync = () => setOpen(window.location.hash === ABOUT_HASH);
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  const set = useCallback((next: boolean) => {
    if (next) window.location.hash = ABOUT_HASH;
    else window.history.replaceState(null, '', window.location.pathname + window.location.search);
    setOpen(next);
  }, []);
  return [open, set];
}
