import { useEffect, useMemo, useState } from 'react';
import { nearestCamerasSchema, type Camera, type NearestCamera } from '../../../contracts/media';
import { getJson, isAbort } from '../api/http';
import type { RealtimeSocket } from '../api/socket';
import { videoApi } from '../video/api';
import { VideoClient } from '../video/media-client';

/** How many cameras the incident detail lists. */
export const NEAREST_CAMERAS = 3;

export const wallCameraApi = {
  /** The cameras nearest a point that the caller may view, nearest first, with distances in metres. */
  nearest: async (lon: number, lat: number, limit: number, signal?: AbortSignal): Promise<NearestCamera[]> => {
    const q = new URLSearchParams({ lon: lon.toFixed(6), lat: lat.toFixed(6), limit: String(limit) });
    return (await getJson(`/api/cameras/nearest?${q.toString()}`, nearestCamerasSchema, signal)).cameras;
  },
};

/** The cameras the caller may list (GET /api/cameras), read once when `enabled`; none otherwise. */
export function useWallCameras(enabled: boolean): Camera[] {
  const [cameras, setCameras] = useState<Camera[]>(NO_CAMERAS);
  useEffect(() => {
    if (!enabled) {
      setCameras(NO_CAMERAS);
      return;
    }
    const ac = new AbortController();
    videoApi.cameras(ac.signal).then(
      (list) => setCameras(list.cameras),
      (err: unknown) => !isAbort(err) && console.warn('wall cameras:', err),
    );
    return () => ac.abort();
  }, [enabled]);
  return cameras;
}

const NO_CAMERAS: Camera[] = [];

/** The wall's video client over the session's socket (the same client the video wall uses), when it may view. */
export function useWallVideoClient(socket: RealtimeSocket | null): VideoClient | null {
  return useMemo(() => (socket ? new VideoClient(socket) : null), [socket]);
}
