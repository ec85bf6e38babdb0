import { useEffect, useState } from 'react';
import { messageOf } from '../api/http';
import { ApiError } from '../api/http';
import type { PlayingView, VideoClient } from './media-client';

export type ViewStatus = 'idle' | 'connecting' | 'playing' | 'reconnecting' | 'error';

export interface ViewStats {
  framesDecoded: number;
  fps: number | null;
  /** Mean time a frame waited in the browser's jitter buffer, ms: the receiving side's part of the latency. */
  bufferMs: number | null;
  width: number | null;
  height: number | null;
}

export interface CameraViewState {
  status: ViewStatus;
  message: string | null;
  view: PlayingView | null;
  stats: ViewStats | null;
}

const IDLE: CameraViewState = { status: 'idle', message: null, view: null, stats: null };
const STATS_MS = 1000;
/** A lost view is opened again after this pause (a camera source that keeps failing is not hammered). */
const REOPEN_DELAY_MS = 1000;

async function readStats(view: PlayingView): Promise<ViewStats | null> {
  const report = await view.consumer.getStats();
  for (const s of report.values() as IterableIterator<Record<string, unknown>>) {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
    const emitted = Number(s.jitterBufferEmittedCount ?? 0);
    return {
      framesDecoded: Number(s.framesDecoded ?? 0),
      fps: typeof s.framesPerSecond === 'number' ? s.framesPerSecond : null,
      bufferMs: emitted > 0 ? Math.round((Number(s.jitterBufferDelay ?? 0) / emitted) * 1000) : null,
      width: typeof s.frameWidth === 'number' ? s.frameWidth : null,
      height: typeof s.frameHeight === 'number' ? s.frameHeight : null,
    };
  }
  return null;
}

/**
 * Plays one camera while `cameraId` is set: opens the view, re-opens it when the server asks (a worker died), closes
 * it on change or unmount, and reads the receiver's stats every second.
 */
export function useCameraView(client: VideoClient | null, cameraId: string | null): CameraViewState {
  const [state, setState] = useState<CameraViewState>(IDLE);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!client || !cameraId) {
      setState(IDLE);
      return;
    }
    let cancelled = false;
    let view: PlayingView | null = null;
    let statsTimer: number | undefined;
    let retryTimer: number | undefined;
    setState((s) => ({ ...IDLE, status: attempt > 0 ? 'reconnecting' : 'connecting', message: s.message }));
    const offLost = client.onLost((lost) => {
      if (!view || lost.viewId !== view.viewId) return;
      view = null;
      if (lost.reopen) {
        setState({ ...IDLE, status: 'reconnecting', message: lost.reason });
        window.clearInterval(statsTimer);
        retryTimer = window.setTimeout(() => !cancelled && setAttempt((n) => n + 1), REOPEN_DELAY_MS);
      } else setState({ ...IDLE, status: 'error', message: `视频已停止（${lost.reason}）` });
    });
    client.open(cameraId).then(
      (opened) => {
        if (cancelled) {
          opened.close();
          return;
        }
        view = opened;
        setState({ status: 'playing', message: null, view: opened, stats: null });
        statsTimer = window.setInterval(() => {
          if (!view) return;
          void readStats(view)
            .then((stats) => !cancelled && setState((s) => (s.view === opened ? { ...s, stats } : s)))
            .catch(() => undefined);
        }, STATS_MS);
      },
      (err: unknown) => {
        if (cancelled) return;
        setState({ ...IDLE, status: 'error', message: messageOf(err) });
        // A refusal stands; anything else (the connection or the service coming back) is tried again shortly.
        const final = err instanceof ApiError && ['forbidden', 'not_found', 'bad_request'].includes(err.code);
        if (!final) retryTimer = window.setTimeout(() => !cancelled && setAttempt((n) => n + 1), 5000);
      },
    );
    return () => {
      cancelled = true;
      offLost();
      window.clearInterval(statsTimer);
      window.clearTimeout(retryTimer);
      view?.close();
    };
  }, [client, cameraId, attempt]);

  return state;
}
