/**
 * The glass-to-glass page of the media benchmark (bundled for the browser by the benchmark): receives one camera
 * through mediasoup-client as the video wall does, and on every frame Chromium presents (requestVideoFrameCallback)
 * draws the frame's top rows to a canvas, reads the time stamp burnt into them and keeps now − stamp.
 */
import { Device } from 'mediasoup-client';
import type { ConsumerOptions, RtpCapabilities, TransportOptions } from 'mediasoup-client/types';
import { STAMP_HEIGHT, readStampRgba } from './media-stamp';

type Signal = (msg: { type: string; [k: string]: unknown }) => Promise<unknown>;

interface BenchWindow {
  benchSignal: Signal;
  benchStart: (epochMs: number, paintedWidth: number) => Promise<void>;
  benchTake: () => Promise<{
    /** [stamp, now − stamp] per presented frame. */
    samples: [number, number][];
    unreadable: number;
    frames: number;
    width: number;
    height: number;
    /** The receiver's jitter buffer: mean time a frame waited in it so far, ms (getStats). */
    jitterBufferMs: number | null;
  }>;
  benchNow: () => number;
}

const w = window as unknown as BenchWindow;
const samples: [number, number][] = [];
let unreadable = 0;
let frames = 0;
let size = { width: 0, height: 0 };
let receiver: { getStats: () => Promise<RTCStatsReport> } | null = null;

w.benchNow = () => performance.timeOrigin + performance.now();

w.benchTake = async () => {
  let jitterBufferMs: number | null = null;
  for (const s of ((await receiver?.getStats()) ?? new Map()).values() as IterableIterator<Record<string, unknown>>) {
    const emitted = Number(s.jitterBufferEmittedCount ?? 0);
    if (s.type === 'inbound-rtp' && emitted > 0) jitterBufferMs = (Number(s.jitterBufferDelay) / emitted) * 1000;
  }
  return { samples: samples.splice(0), unreadable, frames, ...size, jitterBufferMs };
};

w.benchStart = async (epochMs, paintedWidth) => {
  const device = new Device();
  await device.load({ routerRtpCapabilities: (await w.benchSignal({ type: 'capabilities' })) as RtpCapabilities });
  const transport = device.createRecvTransport((await w.benchSignal({ type: 'transport' })) as TransportOptions);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    w.benchSignal({ type: 'connect', dtlsParameters }).then(() => done(), fail);
  });
  const consumer = await transport.consume(
    (await w.benchSignal({ type: 'consume', rtpCapabilities: device.rtpCapabilities })) as ConsumerOptions,
  );
  receiver = consumer;
  await w.benchSignal({ type: 'resume' });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([consumer.track]);
  document.body.append(video);
  await video.play();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
    const at = performance.timeOrigin + performance.now();
    frames++;
    size = { width: meta.width, height: meta.height };
    const scale = meta.width / paintedWidth;
    const band = Math.ceil(STAMP_HEIGHT * scale);
    if (canvas.width !== meta.width || canvas.height !== band) {
      canvas.width = meta.width;
      canvas.height = band;
    }
    ctx.drawImage(video, 0, 0, meta.width, meta.height);
    const stamp = readStampRgba(ctx.getImageData(0, 0, meta.width, band).data, meta.width, scale);
    if (stamp === null) unreadable++;
    else samples.push([stamp, at - epochMs - stamp]);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
};
