import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { cachedWorkerBin, cacheKey } from '../../media/worker/cache';
import { locateMediasoupWorker } from '../../media/worker/locate';
import { launchBrowser } from '../support/browser';

/**
 * The real mediasoup worker, as scripts/mediasoup/build-worker.sh leaves it (npm test runs the script first): found
 * with no environment, fed real RTP (plain and SRTP) by Debian's ffmpeg, piped between routers over SRTP, and
 * forwarded over ICE + DTLS-SRTP to headless Chromium.
 */
type Mediasoup = typeof import('mediasoup');

const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];
const CAMERA_PT = 101;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, or fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** A simulated camera: ffmpeg's test pattern, VP8, one keyframe a second, sent as RTP (or SRTP) to both ports. */
function startCamera(opts: { ssrc: number; rtpPort: number; rtcpPort: number; srtpKeyBase64?: string }): {
  proc: ChildProcess;
  stderr: () => string;
} {
  const query = `rtcpport=${opts.rtcpPort}&pkt_size=1200`;
  const srtp = opts.srtpKeyBase64 ? ['-srtp_out_suite', 'AES_CM_128_HMAC_SHA1_80', '-srtp_out_params', opts.srtpKeyBase64] : [];
  const scheme = opts.srtpKeyBase64 ? 'srtp' : 'rtp';
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=15',
    '-t',
    '120',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '15',
    '-b:v',
    '300k',
    '-f',
    'rtp',
    '-ssrc',
    String(opts.ssrc),
    '-payload_type',
    String(CAMERA_PT),
    ...srtp,
    `${scheme}://127.0.0.1:${opts.rtpPort}?${query}`,
  ];
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  proc.on('error', (e) => {
    err += `spawn failed: ${e.message} (install Debian's ffmpeg: apt-get install -y ffmpeg)`;
  });
  return { proc, stderr: () => err };
}

async function receivedBytes(producer: types.Producer): Promise<number | undefined> {
  const stats = await producer.getStats();
  const bytes = stats.reduce((sum, s) => sum + s.byteCount, 0);
  return bytes > 0 ? bytes : undefined;
}

/** A simulated camera into a comedia PlainTransport (rtcpMux off: ffmpeg sends RTCP from another port). */
async function cameraProducer(
  router: types.Router,
  ssrc: number,
  srtpKeyBase64?: string,
): Promise<{ transport: types.PlainTransport; producer: types.Producer; camera: ReturnType<typeof startCamera> }> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: false,
    comedia: true,
    ...(srtpKeyBase64 ? { enableSrtp: true, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const } : {}),
  });
  if (srtpKeyBase64) {
    await transport.connect({ srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: srtpKeyBase64 } });
  }
  const producer = await transport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: CAMERA_PT, clockRate: 90000 }],
      encodings: [{ ssrc }],
    },
  });
  const rtcpPort = transport.rtcpTuple?.localPort;
  if (rtcpPort === undefined) throw new Error('PlainTransport with rtcpMux false has no RTCP port');
  const camera = startCamera({ ssrc, rtpPort: transport.tuple.localPort, rtcpPort, srtpKeyBase64 });
  return { transport, producer, camera };
}

/** The offer a WebRTC client would build from mediasoup's transport and consumer parameters (ICE-lite server). */
function consumerOffer(transport: types.WebRtcTransport, consumer: types.Consumer): string {
  const fingerprint = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fingerprint) throw new Error('no sha-256 DTLS fingerprint');
  const { codecs, encodings, headerExtensions, rtcp, mid } = consumer.rtpParameters;
  const encoding = encodings?.[0];
  if (!encoding?.ssrc) throw new Error('consumer has no SSRC');
  const lines = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid ?? '0'}`,
    'a=msid-semantic: WMS *',
    `m=video 9 UDP/TLS/RTP/SAVPF ${codecs.map((c) => c.payloadType).join(' ')}`,
    'c=IN IP4 127.0.0.1',
    `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
    `a=ice-pwd:${transport.iceParameters.password}`,
    `a=fingerprint:sha-256 ${fingerprint.value}`,
    'a=setup:actpass',
    `a=mid:${mid ?? '0'}`,
    'a=sendonly',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  for (const c of codecs) {
    lines.push(`a=rtpmap:${c.payloadType} ${c.mimeType.split('/')[1]}/${c.clockRate}`);
    const params = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    if (params.length > 0) lines.push(`a=fmtp:${c.payloadType} ${params.join(';')}`);
    for (const fb of c.rtcpFeedback ?? [])
      lines.push(`a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`);
  }
  for (const ext of headerExtensions ?? []) lines.push(`a=extmap:${ext.id} ${ext.uri}`);
  const cname = rtcp?.cname ?? 'camera';
  if (encoding.rtx?.ssrc) lines.push(`a=ssrc-group:FID ${encoding.ssrc} ${encoding.rtx.ssrc}`);
  for (const ssrc of [encoding.ssrc, encoding.rtx?.ssrc]) {
    if (ssrc) lines.push(`a=ssrc:${ssrc} cname:${cname}`, `a=ssrc:${ssrc} msid:camera video`);
  }
  for (const cand of transport.iceCandidates) {
    lines.push(
      `a=candidate:${cand.foundation} 1 ${cand.protocol} ${cand.priority} ${cand.address} ${cand.port} typ ${cand.type}`,
    );
  }
  lines.push('a=end-of-candidates');
  return `${lines.join('\r\n')}\r\n`;
}

describe('mediasoup worker (built offline against Debian libraries)', () => {
  let mediasoup: Mediasoup;
  let worker: types.Worker;
  let router: types.Router;
  const cameras: ChildProcess[] = [];

  beforeAll(async () => {
    // The acceptance interface: nothing in the environment points at the binary.
    delete process.env.MEDIASOUP_WORKER_BIN;
    const where = locateMediasoupWorker({ env: {} });
    if (!where.available) throw new Error(where.reason);
    mediasoup = await import('mediasoup');
  });

  afterAll(() => {
    for (const proc of cameras) proc.kill('SIGKILL');
    if (worker && !worker.closed) worker.close();
  });

  it('finds the worker at mediasoup default path, with no environment', () => {
    const where = locateMediasoupWorker({ env: {} });
    expect(where).toEqual({ available: true, bin: mediasoup.workerBin, version: mediasoup.version, source: 'default' });
    expect(mediasoup.version).toBe('3.27.1');
  });

  it('createWorker() works with no MEDIASOUP_WORKER_BIN', async () => {
    expect(process.env.MEDIASOUP_WORKER_BIN).toBeUndefined();
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    expect(worker.pid).toBeGreaterThan(0);
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  });

  it('creates a router with VP8 and opus', async () => {
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const mimeTypes = (router.rtpCapabilities.codecs ?? []).map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/rtx']));
  });

  it('creates a WebRtcTransport on 127.0.0.1', async () => {
    const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    expect(transport.iceCandidates).toEqual([expect.objectContaining({ address: '127.0.0.1', protocol: 'udp', type: 'host' })]);
    expect(transport.iceState).toBe('new');
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    transport.close();
  });

  it('receives real RTP from ffmpeg on a PlainTransport (rtcpMux off, comedia)', async () => {
    const { producer, camera } = await cameraProducer(router, 11111111);
    cameras.push(camera.proc);
    const bytes = await waitFor(`RTP from ffmpeg (${camera.stderr()})`, () => receivedBytes(producer));
    expect(bytes).toBeGreaterThan(0);
    const stats = await producer.getStats();
    expect(stats[0]).toEqual(expect.objectContaining({ type: 'inbound-rtp', ssrc: 11111111, mimeType: 'video/VP8' }));
    expect(stats[0]?.packetCount).toBeGreaterThan(0);
  });

  it('decrypts SRTP from ffmpeg and pipes it to another router over SRTP (libsrtp 2)', async () => {
    const key = randomBytes(30).toString('base64');
    const { producer, camera } = await cameraProducer(router, 22222222, key);
    cameras.push(camera.proc);
    await waitFor(`SRTP from ffmpeg (${camera.stderr()})`, () => receivedBytes(producer));

    const router2 = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const { pipeProducer } = await router.pipeToRouter({
      producerId: producer.id,
      router: router2,
      // Both routers live in one worker, where ids must be unique.
      keepId: false,
      enableSrtp: true,
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    });
    if (!pipeProducer) throw new Error('pipeToRouter returned no producer');
    const piped = await waitFor('SRTP over the pipe transport', () => receivedBytes(pipeProducer));
    expect(piped).toBeGreaterThan(0);
    router2.close();
  });

  it('forwards the camera to headless Chromium over ICE + DTLS-SRTP', async () => {
    const { producer, camera } = await cameraProducer(router, 33333333);
    cameras.push(camera.proc);
    await waitFor(`RTP from ffmpeg (${camera.stderr()})`, () => receivedBytes(producer));

    const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const offer = consumerOffer(transport, consumer);

    const browser = await launchBrowser({ args: ['--allow-loopback-in-peer-connection'] });
    try {
      const page = await browser.newPage();
      const answer = await page.evaluate(async (sdp: string) => {
        const pc = new RTCPeerConnection();
        (globalThis as unknown as { pc: RTCPeerConnection }).pc = pc;
        await pc.setRemoteDescription({ type: 'offer', sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        return pc.localDescription?.sdp ?? '';
      }, offer);
      const fingerprint = /^a=fingerprint:sha-256 (\S+)/m.exec(answer)?.[1];
      const setup = /^a=setup:(\w+)/m.exec(answer)?.[1];
      if (!fingerprint) throw new Error(`no fingerprint in the answer:\n${answer}`);
      await transport.connect({
        dtlsParameters: {
          role: setup === 'passive' ? 'server' : 'client',
          fingerprints: [{ algorithm: 'sha-256', value: fingerprint }],
        },
      });

      await waitFor(`DTLS (state ${transport.dtlsState})`, async () => (transport.dtlsState === 'connected' ? true : undefined));
      const inbound = await waitFor('decoded video in Chromium', async () => {
        const s = await page.evaluate(async () => {
          const pc = (globalThis as unknown as { pc: RTCPeerConnection }).pc;
          let found: { bytesReceived: number; framesDecoded: number } | undefined;
          (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') {
              found = { bytesReceived: r.bytesReceived ?? 0, framesDecoded: r.framesDecoded ?? 0 };
            }
          });
          return found;
        });
        return s && s.framesDecoded > 0 ? s : undefined;
      });
      expect(inbound.bytesReceived).toBeGreaterThan(0);
      expect(transport.iceState).toMatch(/connected|completed/);
      expect(worker.died).toBe(false);
    } finally {
      await browser.close();
      transport.close();
    }
  });

  it('closes the worker cleanly', async () => {
    const died = jest.fn();
    worker.on('died', died);
    const pid = worker.pid;
    worker.close();
    expect(worker.closed).toBe(true);
    await waitFor('the worker process to exit', async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    expect(died).not.toHaveBeenCalled();
  });
});

describe('locateMediasoupWorker', () => {
  let tmp: string;
  let realBin: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'msw-locate-'));
    const where = locateMediasoupWorker({ env: {} });
    if (!where.available) throw new Error(where.reason);
    realBin = where.bin;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A mediasoup package directory with no worker binary in it. */
  function emptyPackage(version: string): string {
    const dir = path.join(tmp, `pkg-${version}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'mediasoup', version }));
    return dir;
  }

  it('computes the same cache key as build-worker.sh', () => {
    // The script records the key of the build it copied next to the binary (absent for mediasoup's own download).
    const stamp = path.join(path.dirname(realBin), 'mediasoup-worker.build-key');
    if (!existsSync(stamp)) return;
    expect(readFileSync(stamp, 'utf8').trim()).toBe(cacheKey('3.27.1'));
    expect(existsSync(cachedWorkerBin('3.27.1'))).toBe(true);
  });

  it('uses the cached binary and sets MEDIASOUP_WORKER_BIN when the default path lacks it', () => {
    const cacheRoot = path.join(tmp, 'cache');
    const cached = path.join(cacheRoot, cacheKey('3.27.1'), 'mediasoup-worker');
    mkdirSync(path.dirname(cached), { recursive: true });
    copyFileSync(realBin, cached);
    const env: NodeJS.ProcessEnv = { MEDIASOUP_WORKER_CACHE_DIR: cacheRoot };
    const where = locateMediasoupWorker({ env, mediasoupDir: emptyPackage('3.27.1') });
    expect(where).toEqual({ available: true, bin: cached, version: '3.27.1', source: 'cache' });
    expect(env.MEDIASOUP_WORKER_BIN).toBe(cached);
  });

  it('says clearly that the worker is not built, without throwing', () => {
    const env: NodeJS.ProcessEnv = { MEDIASOUP_WORKER_CACHE_DIR: path.join(tmp, 'empty-cache') };
    const where = locateMediasoupWorker({ env, mediasoupDir: emptyPackage('9.9.9') });
    expect(where.available).toBe(false);
    if (!where.available) expect(where.reason).toMatch(/^mediasoup worker not built: run scripts\/mediasoup\/build-worker\.sh/);
    expect(env.MEDIASOUP_WORKER_BIN).toBeUndefined();
  });

  it('reports a MEDIASOUP_WORKER_BIN that does not run', () => {
    const notABinary = path.join(tmp, 'not-a-worker');
    writeFileSync(notABinary, 'not an executable', { mode: 0o644 });
    expect(locateMediasoupWorker({ env: { MEDIASOUP_WORKER_BIN: path.join(tmp, 'missing') } })).toEqual({
      available: false,
      reason: `MEDIASOUP_WORKER_BIN=${path.join(tmp, 'missing')} does not exist`,
    });
    expect(locateMediasoupWorker({ env: { MEDIASOUP_WORKER_BIN: notABinary } })).toEqual({
      available: false,
      reason: `MEDIASOUP_WORKER_BIN=${notABinary} is not executable`,
    });
  });

  it('reports a missing mediasoup package', () => {
    expect(locateMediasoupWorker({ env: {}, mediasoupDir: path.join(tmp, 'nowhere') })).toEqual({
      available: false,
      reason: 'the mediasoup package is not installed: run npm ci',
    });
  });
});
