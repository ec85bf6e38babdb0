import type { LayersList } from '@deck.gl/core';
import { useEffect, useState } from 'react';
import { isAbort } from '../api/http';
import { useLiveTiles } from '../map/live-tiles';
import type { MapHandles } from '../map/MapView';
import { useRealtime } from '../shell/realtime';
import { addIncidentTiles, setIncidentTilesVisible } from './incident-tiles';
import { plannerTooltip } from './map-layers';

/** Tile layers of the planner map refreshed live. */
const LIVE_LAYERS = ['incidents'] as const;

/**
 * The planner's map: draws the active panel's deck.gl layers with their tooltip, and the live incident tiles
 * (refreshed as incidents change) unless the person hides them or `liveSuppressed` (a density view or the
 * playback, which the live dots would hide).
 */
export function usePlannerMap(layers: LayersList, liveSuppressed: boolean) {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [liveServed, setLiveServed] = useState(false);
  const [showLive, setShowLive] = useState(true);
  const { socket } = useRealtime();
  const live = useLiveTiles(handles?.map ?? null, socket, LIVE_LAYERS);
  const liveShown = showLive && !liveSuppressed;

  useEffect(() => {
    if (!handles) return;
    const ac = new AbortController();
    addIncidentTiles(handles.map, ac.signal).then(setLiveServed, (err: unknown) => {
      if (!isAbort(err)) console.warn('incident tiles:', err);
    });
    return () => ac.abort();
  }, [handles]);

  useEffect(() => {
    if (handles && liveServed) setIncidentTilesVisible(handles.map, liveShown);
  }, [handles, liveServed, liveShown]);

  useEffect(() => {
    handles?.overlay.setProps({ layers, getTooltip: plannerTooltip });
  }, [handles, layers]);

  return { handles, setHandles, live, liveServed, showLive, setShowLive, liveShown };
}
