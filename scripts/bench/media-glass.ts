import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { types } from 'mediasoup';
import { launchBrowser } from '../../test/support/browser';
import { PAYLOAD_TYPE } from '../../media/ingest/ffmpeg';
import type { CameraRoom } from '../../media/sfu/camera-room';
import { paintStamp, readStampLuma } from './media-stamp';

export const GLASS_WIDTH = 640;
export const GLASS_HEIGHT = 360;
export const GLASS_FPS = 30;

/** A moving test picture (a grey ramp and a sliding square, so the encoder has motion to code) with the stamp on top. */
export class StampedFrames {
  private readonly base: Uint8Array;
  private readonly frame: Buffer;
  private n = 0;

  constructor(
    readonly width = GLASS_WIDTH,
    readonly height = GLASS_HEIGHT,
  ) {
    this.base = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) this.base[y * width + x] = 40 + Math.round((160 * (x + y)) / (width + height));
    this.frame = Buffer.alloc((width * height * 3) / 2, 128);
  }

  /** The next yuv420p frame, stamped with `value`. */
  next(value: number): Buffer {
    const { width, height } = this;
    const luma = this.frame.subarray(0, width * height);
    luma.set(this.base);
    const box = 64;
    const x0 = (this.n * 6) % (width - box);
    const y0 = 80 + ((this.n * 3) % (height - 80 - box));
    for (let y = y0; y < y0 + box; y++) luma.fill(220, y * width + x0, y * width + x0 + box);
    paintStamp(luma, width, value);
    this.n++;
    return this.frame;
  }
}

/**
 * ffmpeg encoding raw frames from stdin once with the simulated cameras' VP8 settings (media/ingest/ffmpeg.ts) and
 * sending the same encoded frames two ways (the tee muxer): as RTP to the camera room's PlainTransport, and as IVF on
 * stdout for the reference decoder.
 */
function encoderArgs(ssrc: number, rtpPort: number, rtcpPort: number): string[] {
  const rtp = `[f=rtp:ssrc=${ssrc}:payload_type=${PAYLOAD_TYPE.VP8}]rtp://127.0.0.1:${rtpPort}?rtcpport=${rtcpPort}&pkt_size=1200`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${GLASS_WIDTH}x${GLASS_HEIGHT}`, '-framerate', String(GLASS_FPS)],
    ...['-i', 'pipe:0', '-an'],
    ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '16', '-b:v', '600k', '-g', String(GLASS_FPS)],
    ...['-map', '0:v', '-f', 'tee', '-flush_packets', '1', `${rtp}|[f=ivf]pipe:1`],
  ];
}

/** ffmpeg decoding IVF from stdin to 8-bit grey frames on stdout, buffering nothing it need not. */
const decoderArgs = [
  ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
  ...['-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0'],
  ...['-f', 'ivf', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', '-flush_packets', '1', 'pipe:1'],
];

export interface GlassResult {
  /** Camera to Chromium tile through the SFU, ms per presented frame. */
  browser: number[];
  /** Camera to a local ffmpeg decode of the same encoded frames, ms per decoded frame. */
  local: number[];
  /** Per frame seen by both: the browser's latency minus the local decode's (what SFU, WebRTC and Chromium add). */
  paired: number[];
  browserUnreadable: number;
  browserFrames: number;
  localUnreadable: number;
  sentFrames: number;
  /** Chromium's clock minus Node's (ms), measured before and after, with the round trip each was measured over. */
  clock: { before: { offset: number; rtt: number }; after: { offset: number; rtt: number } };
  decodedSize: string;
  /** Chromium's mean jitter-buffer wait per frame over the run (getStats), ms. */
  jitterBufferMs: number | null;
}

async function bundlePage(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.join(__dirname, 'media-page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function serve(script: string): Promise<Server> {
  const html = `<!doctype html><meta charset="utf-8"><title>glass to glass</title><body style="margin:0;background:#000"><script src="/page.js"></script></body>`;
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Glass to glass: Node paints frames stamped with their capture time (ms since `epoch` on Node's Date.now()), one
 * ffmpeg encodes them (VP8) and sends them as RTP into the camera room; headless Chromium receives the camera with
 * mediasoup-client over WebRTC on loopback and reads each presented frame's stamp. The same encoded frames go to a
 * local ffmpeg decoder as well (the reference: encode and decode without SFU, network stack or browser).
 */
export async function measureGlassToGlass(
  room: CameraRoom,
  ssrc: number,
  seconds: number,
  { warmupSeconds = 4, minFrames = 300, maxSeconds = 90 } = {},
): Promise<GlassResult> {
  const server = await serve(await bundlePage());
  const browser = await launchBrowser({
    args: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
  });
  const procs: ChildProcess[] = [];
  let transport: types.WebRtcTransport | null = null;
  let consumer: types.Consumer | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    const page = await (await browser.newContext({ viewport: { width: 800, height: 500 } })).newPage();
    await page.exposeFunction(
      'benchSignal',
      async (msg: { type: string; dtlsParameters?: unknown; rtpCapabilities?: unknown }) => {
        switch (msg.type) {
          case 'capabilities':
            return room.router.rtpCapabilities;
          case 'transport':
            transport = await room.createRecvTransport({ ip: '127.0.0.1' });
            return {
              id: transport.id,
              iceParameters: transport.iceParameters,
              iceCandidates: transport.iceCandidates,
              dtlsParameters: transport.dtlsParameters,
            };
          case 'connect':
            await transport!.connect({ dtlsParameters: msg.dtlsParameters as types.DtlsParameters });
            return null;
          case 'consume':
            consumer = await transport!.consume({
              producerId: room.producer.id,
              rtpCapabilities: msg.rtpCapabilities as types.RtpCapabilities,
              paused: true,
            });
            return { id: consumer.id, producerId: room.producer.id, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
          case 'resume':
            await consumer!.resume();
            await consumer!.requestKeyFrame();
            return null;
          default:
            throw new Error(`unknown signal ${msg.type}`);
        }
      },
    );
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const clockOffset = async () => {
      let best = { offset: 0, rtt: Infinity };
      for (let i = 0; i < 20; i++) {
        const t0 = Date.now();
        const b = await page.evaluate(() => (globalThis as unknown as { benchNow: () => number }).benchNow());
        const t1 = Date.now();
        if (t1 - t0 < best.rtt) best = { offset: b - (t0 + t1) / 2, rtt: t1 - t0 };
      }
      return best;
    };
    const before = await clockOffset();

    const epoch = Date.now();
    const encoder = spawn('ffmpeg', encoderArgs(ssrc, room.ingest.tuple.localPort, room.ingest.rtcpTuple!.localPort), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const decoder = spawn('ffmpeg', decoderArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    procs.push(encoder, decoder);
    let errors = '';
    for (const p of procs) p.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString()).slice(-1000)));
    encoder.stdout!.pipe(decoder.stdin!);
    encoder.stdin!.on('error', () => undefined);
    decoder.stdin!.on('error', () => undefined);

    let measuring = false;
    const local: number[] = [];
    const localByStamp = new Map<number, number>();
    let localUnreadable = 0;
    const frameBytes = GLASS_WIDTH * GLASS_HEIGHT;
    let pending: Buffer = Buffer.alloc(0);
    decoder.stdout!.on('data', (chunk: Buffer) => {
      const at = Date.now();
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        const stamp = readStampLuma(pending.subarray(0, frameBytes), GLASS_WIDTH);
        pending = pending.subarray(frameBytes);
        if (!measuring) continue;
        if (stamp === null) localUnreadable++;
        else {
          local.push(at - epoch - stamp);
          localByStamp.set(stamp, at - epoch - stamp);
        }
      }
    });

    const frames = new StampedFrames();
    let ticks = 0;
    let sent = 0;
    const startedAt = performance.now();
    // A camera drops the frames its encoder has no time for: a frame is only written when ffmpeg has taken the
    // previous one, so no queue builds in the pipe (while ffmpeg starts, or when the machine is busy).
    const tick = () => {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * GLASS_FPS);
      if (ticks <= due) {
        ticks = due + 1;
        if (encoder.stdin!.writableLength === 0) {
          encoder.stdin!.write(Buffer.from(frames.next(Date.now() - epoch)));
          sent++;
        }
      }
      timer = setTimeout(tick, Math.max(1, startedAt + (ticks * 1000) / GLASS_FPS - performance.now()));
    };
    tick();

    await page.evaluate(
      ([e, w]) => (globalThis as unknown as { benchStart: (e: number, w: number) => Promise<void> }).benchStart(e, w),
      [epoch + before.offset, GLASS_WIDTH] as const,
    );
    await page.waitForTimeout(warmupSeconds * 1000);
    type Take = {
      samples: [number, number][];
      unreadable: number;
      frames: number;
      width: number;
      height: number;
      jitterBufferMs: number | null;
    };
    const take = () => page.evaluate(() => (globalThis as unknown as { benchTake: () => Promise<Take> }).benchTake());
    const start = await take();
    measuring = true;
    const sentBefore = sent;
    // At least `seconds`, and on until `minFrames` frames were read in Chromium (a busy machine drops frames).
    const began = Date.now();
    const read: [number, number][] = [];
    let end = start;
    while (Date.now() - began < seconds * 1000 || (read.length < minFrames && Date.now() - began < maxSeconds * 1000)) {
      await page.waitForTimeout(1000);
      end = await take();
      read.push(...end.samples);
    }
    measuring = false;
    const sentFrames = sent - sentBefore;
    const after = await clockOffset();
    if (!read.length)
      throw new Error(`glass to glass: Chromium read no stamped frame (${end.frames} frames; ffmpeg: ${errors.trim()})`);
    return {
      browser: read.map(([, ms]) => ms),
      local,
      paired: read.filter(([st]) => localByStamp.has(st)).map(([st, ms]) => ms - localByStamp.get(st)!),
      browserUnreadable: end.unreadable - start.unreadable,
      browserFrames: end.frames - start.frames,
      localUnreadable,
      sentFrames,
      clock: { before, after },
      decodedSize: `${end.width}×${end.height}`,
      jitterBufferMs: end.jitterBufferMs,
    };
  } finally {
    if (timer) clearTimeout(timer);
    for (const p of procs) p.kill('SIGKILL');
    await browser.close();
    server.close();
    (transport as types.WebRtcTransport | null)?.close();
  }
}
