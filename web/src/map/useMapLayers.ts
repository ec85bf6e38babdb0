import { useEffect, useMemo, useState } from 'react';
import type { Facility } from '../../../contracts';
import { facilities as fetchFacilities } from '../api/endpoints';
import { isAbort } from '../api/http';
import { EMERGENCY_KINDS } from './facility-kinds';
import {
  emergencyOnly,
  facilityLayers,
  facilityTooltip,
  loadMarkerFont,
  pickedFacility,
  type EmergencyFacility,
} from './facility-layers';
import { LAYER_GROUPS, type LayerVisibility } from './layer-groups';
import type { MapHandles } from './MapView';

/** Shows or hides the MapLibre layers of every tile-backed layer group. */
export function useTileLayerVisibility(handles: MapHandles | null, visibility: LayerVisibility): void {
  useEffect(() => {
    if (!handles) return;
    for (const group of LAYER_GROUPS) {
      if (group.target !== 'tiles') continue;
      for (const id of group.layerIds) {
        handles.map.setLayoutProperty(id, 'visibility', visibility[group.id] ? 'visible' : 'none');
      }
    }
  }, [handles, visibility]);
}

export interface FacilityState {
  /** The facilities currently drawn (visible kinds only), in the order deck.gl picks them. */
  shown: EmergencyFacility[];
  all: EmergencyFacility[];
  error: string | null;
}

/** Loads the emergency facilities once and keeps the deck.gl markers in step with the layer switches. */
export function useFacilityOverlay(handles: MapHandles | null, visibility: LayerVisibility): FacilityState {
  const [all, setAll] = useState<EmergencyFacility[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fontReady, setFontReady] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    fetchFacilities(EMERGENCY_KINDS, ac.signal).then(
      (list: Facility[]) => setAll(emergencyOnly(list)),
      (err: unknown) => {
        if (!isAbort(err)) setError(`应急设施加载失败：${String(err)}`);
      },
    );
    // Draw the markers even if the font cannot be loaded: a fallback glyph beats no marker.
    const fontSettled = () => setFontReady(true);
    loadMarkerFont().then(fontSettled, fontSettled);
    return () => ac.abort();
  }, []);

  const shown = useMemo(() => all.filter((f) => visibility[f.kind]), [all, visibility]);

  useEffect(() => {
    if (!handles || !fontReady) return;
    handles.overlay.setProps({
      layers: facilityLayers(shown),
      getTooltip: (info) => {
        const f = pickedFacility(info, shown);
        return f && { text: facilityTooltip(f), className: 'facility-tooltip' };
      },
    });
  }, [handles, shown, fontReady]);

  return { shown, all, error };
}
