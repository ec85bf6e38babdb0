import { useEffect, useState } from 'react';
import type { Camera, NearestCamera } from '../../../contracts/media';
import { isAbort } from '../api/http';
import { messageOf } from '../api/http';
import { NEAREST_CAMERAS, wallCameraApi } from './camera-api';
import { directionLabel } from './camera-layer';
import { distance } from './format';

interface Props {
  lon: number;
  lat: number;
  /** The camera playing in the popup, marked in the list. */
  openId: string | null;
  /** Null when the caller may list cameras but not view them. */
  onOpen: ((camera: Camera) => void) | null;
}

/** 附近摄像机: the cameras nearest an incident that the caller may see, each one click from its live video. */
export function CameraNearest({ lon, lat, openId, onOpen }: Props) {
  const [state, setState] = useState<{ cameras: NearestCamera[] | null; error: string | null }>({ cameras: null, error: null });

  useEffect(() => {
    const ac = new AbortController();
    setState({ cameras: null, error: null });
    wallCameraApi.nearest(lon, lat, NEAREST_CAMERAS, ac.signal).then(
      (cameras) => setState({ cameras, error: null }),
      (err: unknown) => !isAbort(err) && setState({ cameras: null, error: messageOf(err) }),
    );
    return () => ac.abort();
  }, [lon, lat]);

  return (
    <section className="wall-block wall-nearest-cameras" aria-label="附近摄像机" data-testid="nearest-cameras">
      <h3>附近摄像机</h3>
      {state.error && <p className="warning">{state.error}</p>}
      {!state.error && state.cameras === null && <p className="muted">正在查找…</p>}
      {state.cameras?.length === 0 && <p className="muted">附近没有可调阅的摄像机</p>}
      {state.cameras && state.cameras.length > 0 && (
        <ul>
          {state.cameras.map((c) => (
            <li key={c.id} data-testid="nearest-camera" data-camera-id={c.id} className={c.id === openId ? 'open' : ''}>
              <span className="wall-nearest-camera-name">{c.name}</span>
              <span className="muted">
                {distance(c.distanceM)} · {directionLabel(c.direction)}
              </span>
              {onOpen && (
                <button type="button" className="wall-action" data-testid="open-camera" onClick={() => onOpen(c)}>
                  调阅
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
