import { spawn, type ChildProcess } from 'node:child_process';
import type { CameraCodec } from '../../contracts/media';

export const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** RTP payload types the simulated cameras send with (the PlainTransport producer declares the same). */
export const PAYLOAD_TYPE: Record<CameraCodec, number> = { VP8: 101, H264: 102 };

export interface SimulatedCameraArgs {
  name: string;
  pattern: string;
  codec: CameraCodec;
  ssrc: number;
  rtpPort: number;
  rtcpPort: number;
  /** The wall-clock time (ms since the epoch) the clock overlay starts from. */
  startedAtMs: number;
  width?: number;
  height?: number;
  fps?: number;
}

/** A text for drawtext: camera names are checked to hold none of the filter graph's special characters. */
function drawtextValue(text: string): string {
  if (/['"\\:%,;[\]=]/.test(text)) throw new Error(`camera name "${text}" holds a character ffmpeg's filter graph reserves`);
  return `'${text}'`;
}

/**
 * ffmpeg's arguments for a simulated camera: a test pattern with the camera's Chinese name and a Beijing-time clock
 * with milliseconds burnt in (so end-to-end latency can be read off a screenshot), encoded in real time, sent as RTP
 * to both ports of a PlainTransport. The UDP sockets are connected (`connect=1`): once the transport's ports close —
 * the room closed, its worker died, or the gateway died and its workers with it — the next packet fails with
 * "connection refused" and ffmpeg exits, so a simulated camera never outlives what it feeds. `-progress pipe:1`
 * reports the frames sent.
 */
export function simulatedCameraArgs(a: SimulatedCameraArgs): string[] {
  const w = a.width ?? 640;
  const h = a.height ?? 360;
  const fps = a.fps ?? 15;
  const base = a.startedAtMs / 1000;
  const frac = (a.startedAtMs % 1000) / 1000;
  const font = `fontfile=${CJK_FONT}`;
  const clock =
    `%{pts\\:localtime\\:${base.toFixed(3)}\\:%F %T}.` + `%{eif\\:mod(floor((t+${frac.toFixed(3)})*1000)\\,1000)\\:d\\:3}`;
  const filters = [
    `drawtext=${font}:text=${drawtextValue(a.name)}:fontsize=${Math.round(h / 12)}:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6:x=(w-tw)/2:y=${Math.round(h / 9)}`,
    `drawtext=${font}:text='${clock}':fontsize=${Math.round(h / 15)}:fontcolor=yellow:box=1:boxcolor=black@0.6:boxborderw=6:x=12:y=h-th-14`,
  ].join(',');
  const encoder =
    a.codec === 'VP8'
      ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '16', '-b:v', '600k', '-g', String(fps)]
      : [
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-profile:v',
          'baseline',
          '-level',
          '3.1',
          '-pix_fmt',
          'yuv420p',
          '-b:v',
          '600k',
          '-g',
          String(fps),
          '-bsf:v',
          'h264_mp4toannexb',
        ];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-progress',
    'pipe:1',
    '-stats_period',
    '0.5',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `${a.pattern}=size=${w}x${h}:rate=${fps}`,
    '-vf',
    filters,
    '-an',
    ...encoder,
    '-f',
    'rtp',
    '-ssrc',
    String(a.ssrc),
    '-payload_type',
    String(PAYLOAD_TYPE[a.codec]),
    `rtp://127.0.0.1:${a.rtpPort}?rtcpport=${a.rtcpPort}&pkt_size=1200&connect=1`,
  ];
}

/** A running ffmpeg: its process, its last error lines, and how many frames it has sent. */
export class FfmpegProcess {
  readonly proc: ChildProcess;
  private errors = '';
  frames = 0;
  exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitedPromise: Promise<void>;

  constructor(args: string[], onExit: (self: FfmpegProcess) => void) {
    this.proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'Asia/Shanghai' } });
    this.proc.stdout?.on('data', (chunk: Buffer) => {
      const m = /frame=(\d+)\s*$/m.exec(chunk.toString());
      if (m) this.frames = Number(m[1]);
    });
    this.proc.stderr?.on('data', (chunk: Buffer) => {
      this.errors = (this.errors + chunk.toString()).slice(-2000);
    });
    this.proc.on('error', (err) => {
      this.errors += `cannot start ffmpeg (${err.message}); install Debian's ffmpeg`;
    });
    this.exitedPromise = new Promise((resolve) =>
      this.proc.once('close', (code, signal) => {
        this.exited = { code, signal };
        onExit(this);
        resolve();
      }),
    );
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get stderr(): string {
    return this.errors;
  }

  /** Kills ffmpeg (SIGKILL: it holds nothing worth flushing) and resolves once it has exited. */
  async stop(): Promise<void> {
    if (!this.exited && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    if (this.proc.pid === undefined) return;
    await this.exitedPromise;
  }

  /** Synchronous kill for process exit handlers. */
  killNow(): void {
    if (!this.exited && this.proc.pid !== undefined) this.proc.kill('SIGKILL');
  }
}
