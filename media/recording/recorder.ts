import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';

/**
 * How long ffmpeg gets to write the file's index after SIGINT before it is killed. Killed while rewriting the header,
 * the file is unreadable, so a loaded machine gets ample time: the stop waits, the recording is kept.
 */
const FINISH_MS = 20_000;

/** How many seconds key frames are asked for, once a second, until ffmpeg has written the file's header. */
const KEY_FRAME_TRIES = 30;

/** Whether ffmpeg has begun the file (its header is written once it has seen a key frame). */
function hasHeader(file: string): boolean {
  try {
    return statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** Whether a UDP port on 127.0.0.1 is free now. */
function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** An even RTP port with a free odd RTCP port after it, for ffmpeg to listen on. */
async function freePortPair(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomInt(25000, 29990) & ~1;
    if (taken.has(port)) continue;
    if ((await udpFree(port)) && (await udpFree(port + 1))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free UDP port pair for the recorder');
}

interface Track {
  transport: types.PlainTransport;
  consumer: types.Consumer;
  port: number;
}

/** The SDP ffmpeg reads the consumers' RTP with: one media section per track, on the ports it listens on. */
export function recordingSdp(tracks: { kind: 'audio' | 'video'; port: number; rtpParameters: types.RtpParameters }[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=conference', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const t of tracks) {
    const codec = t.rtpParameters.codecs[0]!;
    const name = codec.mimeType.split('/')[1]!;
    lines.push(`m=${t.kind} ${t.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`);
    const fmtp = Object.entries(codec.parameters ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Records a conference room to a WebM (VP8) or Matroska (H.264) file: one PlainTransport per track on 127.0.0.1 (rtcpMux off) sending a
 * consumer's RTP to ports ffmpeg listens on, described to ffmpeg by an SDP file; ffmpeg copies VP8 and Opus into the
 * file without re-encoding. Key frames are asked for once ffmpeg listens, so the file starts with a picture. Stopping
 * sends SIGINT, which makes ffmpeg finish the file's index.
 */
export class RoomRecorder {
  private exited: Promise<void>;
  private done = false;

  private constructor(
    readonly file: string,
    private readonly sdpFile: string,
    private readonly tracks: Track[],
    private readonly proc: ChildProcess,
    private readonly log: Logger,
  ) {
    this.exited = new Promise((resolve) => proc.once('close', () => resolve()));
    proc.once('close', (code, signal) => {
      this.done = true;
      log.info({ file, code, signal }, 'conference recording ffmpeg exited');
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  static async start(router: types.Router, producers: types.Producer[], basePath: string, log: Logger): Promise<RoomRecorder> {
    const video = producers.find((p) => p.kind === 'video');
    if (!video) throw new Error('nothing to record: no video in the room');
    // VP8 and Opus go into WebM; H.264 (the cameras of the registry) into Matroska.
    const h264 = video.rtpParameters.codecs.some((c) => c.mimeType.toLowerCase() === 'video/h264');
    const file = `${basePath}${h264 ? '.mkv' : '.webm'}`;
    const tracks: Track[] = [];
    const taken = new Set<number>();
    try {
      for (const producer of producers) {
        const port = await freePortPair(taken);
        const transport = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: false,
          comedia: false,
        });
        await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: router.rtpCapabilities,
          paused: true,
        });
        tracks.push({ transport, consumer, port });
      }
    } catch (err) {
      for (const t of tracks) t.transport.close();
      throw err;
    }
    const sdpFile = `${file}.sdp`;
    writeFileSync(
      sdpFile,
      recordingSdp(tracks.map((t) => ({ kind: t.consumer.kind, port: t.port, rtpParameters: t.consumer.rtpParameters }))),
    );
    const proc = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-protocol_whitelist',
        'file,udp,rtp',
        // ffmpeg studies its input this long before writing: 1 s instead of 5 so short recordings are not empty.
        '-analyzeduration',
        '1000000',
        '-fflags',
        '+genpts',
        '-i',
        sdpFile,
        '-map',
        '0',
        '-c',
        'copy',
        '-f',
        h264 ? 'matroska' : 'webm',
        '-y',
        file,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr?.on('data', (chunk: Buffer) => log.warn({ file, ffmpeg: chunk.toString().trim() }, 'recording ffmpeg'));
    const rec = new RoomRecorder(file, sdpFile, tracks, proc, log);
    // ffmpeg opens its sockets after reading the SDP; RTP flows (and key frames are asked for) once it listens.
    await new Promise((r) => setTimeout(r, 700));
    for (const t of tracks) await t.consumer.resume();
    const askKeyFrames = () => {
      for (const t of tracks)
        if (t.consumer.kind === 'video' && !t.consumer.closed) void t.consumer.requestKeyFrame().catch(() => undefined);
    };
    // ffmpeg writes the file's header only after a key frame; a request sent before it listens (a slow start on a
    // loaded machine) is lost, and a browser's encoder sends none unasked. So ask every second until the header is on
    // disk, for at most KEY_FRAME_TRIES seconds.
    let tries = 0;
    const untilHeader = setInterval(() => {
      if (rec.done || hasHeader(file) || ++tries > KEY_FRAME_TRIES) clearInterval(untilHeader);
      else askKeyFrames();
    }, 1000);
    untilHeader.unref();
    askKeyFrames();
    return rec;
  }

  /** Stops the RTP and lets ffmpeg finish the file. */
  async stop(): Promise<void> {
    if (!this.done) this.proc.kill('SIGINT');
    const timer = setTimeout(() => !this.done && this.proc.kill('SIGKILL'), FINISH_MS);
    await this.exited;
    clearTimeout(timer);
    for (const t of this.tracks) if (!t.transport.closed) t.transport.close();
    rmSync(this.sdpFile, { force: true });
  }

  /** Synchronous kill for process exit handlers. */
  killNow(): void {
    if (!this.done) this.proc.kill('SIGKILL');
  }
}
