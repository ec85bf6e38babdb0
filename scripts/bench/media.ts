import os from 'node:os';
import { openBenchRoom, pctCore, startBenchWorker } from './media-common';
import { measureGlassToGlass } from './media-glass';
import { measureCapacity, measureForwardDelay, FPS, PACKET_BYTES, PACKETS_PER_FRAME } from './media-rtp';
import type { Report } from './report';
import type { StandaloneContext } from './context';
import { fmt, ratio, summarise } from './stats';

const SECTION = 'Video service';
const GLASS_SECONDS = 15;
const FORWARD_SECONDS = 20;
const CPU_LIMIT = 0.7;
const STEP = 50;
const MAX_CONSUMERS = 1500;

const load = () => os.loadavg()[0]!.toFixed(1);
/** A duration that may be negative (a difference of two latencies). */
const signed = (ms: number) => (ms < 0 ? `−${fmt(-ms)}` : fmt(ms));

/**
 * The video service on one real mediasoup worker, each figure beside its reference in the same run: glass-to-glass
 * latency to a Chromium tile (reference: the same encoded frames decoded by a local ffmpeg), the delay the SFU adds
 * to an RTP packet (reference: a Node `dgram` relay process), and how many consumers one worker carries under 70 % of
 * a core (reference: a Node `dgram` fan-out of the same stream to as many destinations).
 */
export async function benchMedia(_ctx: StandaloneContext, report: Report): Promise<void> {
  const slot = await startBenchWorker();
  try {
    const loadBefore = load();
    // a. glass to glass
    const glassRoom = await openBenchRoom(slot, 'bench-glass');
    const glass = await measureGlassToGlass(glassRoom.room, glassRoom.ssrc, GLASS_SECONDS);
    await glassRoom.room.close();
    const g = summarise(glass.browser);
    const l = summarise(glass.local);
    report.add({
      section: SECTION,
      figure: `glass to glass, camera → Chromium tile through the SFU (p50 / p95 of ${g.n} frames)`,
      backend: 'mediasoup',
      value: `${fmt(g.p50)} / ${fmt(g.p95)}`,
      reference: `${fmt(l.p50)} / ${fmt(l.p95)} (same encoded frames decoded by a local ffmpeg, ${l.n} frames)`,
      ratio: `${ratio(g.p50, l.p50)} / ${ratio(g.p95, l.p95)}`,
      target: 'p95 ≤ 500 ms on loopback',
      verdict: g.p95 <= 500 ? 'meets' : 'misses',
    });
    const p = summarise(glass.paired);
    report.add({
      section: SECTION,
      figure: `glass to glass: what SFU, WebRTC and Chromium add, per frame seen by both (p50 / p95 of ${p.n})`,
      backend: 'mediasoup',
      value: `${signed(p.p50)} / ${signed(p.p95)}`,
      reference: 'the same frame through the local decoder (paired difference; below zero: Chromium showed it first)',
      ratio: 'n/a',
      target: 'info',
      verdict: 'info',
    });
    const skew = (o: { offset: number; rtt: number }) => `${o.offset.toFixed(1)} ms (round trip ${o.rtt} ms)`;
    report.note(
      `${SECTION} — glass to glass: Node paints 640×360 frames at up to 30 fps with the capture time (Date.now(), ms since ` +
        `a shared epoch) as 40 black/white 16×32 px blocks on the top rows (markers, 32 bits, a 6-bit check: ` +
        `scripts/bench/media-stamp.ts), dropping a frame when ffmpeg has not taken the previous one; one ffmpeg encodes ` +
        `them with the simulated cameras' VP8 settings and sends the same packets as RTP into a camera room's ` +
        `PlainTransport and, as IVF, to a local ffmpeg decoder (the reference: encode + decode, no SFU, network or ` +
        `browser). Headless Chromium receives the camera over WebRTC on loopback with mediasoup-client and reads the ` +
        `stamp of every presented frame (requestVideoFrameCallback → canvas) against performance.timeOrigin + ` +
        `performance.now(), for at least ${GLASS_SECONDS} s and until 300 frames were read (at most 90 s), after 4 s of ` +
        `warm-up. Clocks: Chromium minus Node ${skew(glass.clock.before)} before, ${skew(glass.clock.after)} ` +
        `after (corrected by the first). ${glass.sentFrames} frames sent, ${glass.browserFrames} presented ` +
        `(${glass.decodedSize}), ${glass.browserUnreadable} unreadable in Chromium, ${glass.localUnreadable} locally; ` +
        `Chromium's jitter buffer held a frame ${glass.jitterBufferMs === null ? 'n/a' : fmt(glass.jitterBufferMs)} on average ` +
        `(getStats), part of the difference to the reference; ` +
        `load average ${loadBefore} on ${os.cpus().length} cores at the start.`,
    );

    // b. SFU-added delay
    const fwdRoom = await openBenchRoom(slot, 'bench-forward');
    const fwd = await measureForwardDelay(fwdRoom.room, fwdRoom.ssrc, FORWARD_SECONDS);
    await fwdRoom.room.close();
    const s = summarise(fwd.sfu);
    const r = summarise(fwd.relay);
    report.add({
      section: SECTION,
      figure: `delay added to an RTP packet, PlainTransport in → consumer PlainTransport out (p50 / p95 of ${s.n})`,
      backend: 'mediasoup',
      value: `${fmt(s.p50)} / ${fmt(s.p95)}`,
      reference: `${fmt(r.p50)} / ${fmt(r.p95)} (Node dgram relay process, same packets)`,
      ratio: `${ratio(s.p50, r.p50)} / ${ratio(s.p95, r.p95)}`,
      target: 'info',
      verdict: 'info',
    });
    report.note(
      `${SECTION} — packet delay: a VP8 stream of ${PACKET_BYTES} B RTP packets (${PACKETS_PER_FRAME} a frame, ${FPS} fps, ` +
        `≈ ${((PACKET_BYTES * PACKETS_PER_FRAME * FPS * 8) / 1e6).toFixed(2)} Mbit/s, a key frame a second) sent by Node to ` +
        `the worker and to the relay, alternately first, for ${FORWARD_SECONDS} s; each packet matched by the index in its ` +
        `payload (mediasoup rewrites sequence numbers and SSRC); receive minus send time on Node's monotonic clock. ` +
        `${fwd.sent} packets sent, ${fwd.lostSfu} not received through the SFU, ${fwd.lostRelay} through the relay.`,
    );

    // c. consumers per worker
    const loadCapacity = load();
    const capRoom = await openBenchRoom(slot, 'bench-capacity');
    const steps = await measureCapacity(capRoom.room, capRoom.ssrc, {
      step: STEP,
      max: MAX_CONSUMERS,
      sampleMs: 2500,
      limit: CPU_LIMIT,
    });
    await capRoom.room.close();
    const carried = (x: (typeof steps)[number]) => x.sfuCpu <= CPU_LIMIT && x.sfuDelivered >= 0.95;
    const under = steps.filter(carried);
    const best = under[under.length - 1];
    const exceeded = steps.some((x) => !carried(x));
    const per100 = (cpu: number, n: number) => (cpu / n) * 100;
    const ref = best ?? steps[0]!;
    // The worker's CPU against consumers over the carried steps (least squares): where it would reach 70 % of a core.
    const fit = (() => {
      const n = under.length;
      if (n < 2) return null;
      const mx = under.reduce((a, x) => a + x.consumers, 0) / n;
      const my = under.reduce((a, x) => a + x.sfuCpu, 0) / n;
      const sxy = under.reduce((a, x) => a + (x.consumers - mx) * (x.sfuCpu - my), 0);
      const sxx = under.reduce((a, x) => a + (x.consumers - mx) ** 2, 0);
      const slope = sxy / sxx;
      return slope > 0 ? Math.round((CPU_LIMIT - (my - slope * mx)) / slope) : null;
    })();
    report.add({
      section: SECTION,
      figure: 'consumers per worker at ≤ 70 % of a core (one 1 Mbit/s camera, PlainTransport consumers to local UDP sinks)',
      backend: 'mediasoup',
      value: best
        ? `${exceeded ? '' : '≥ '}${best.consumers} (${pctCore(best.sfuCpu)}, ${pctCore(per100(ref.sfuCpu, ref.consumers))} per 100` +
          `${fit ? `; ≈ ${fit} at 70 % by the fitted line` : ''})`
        : `< ${STEP}`,
      reference: `Node dgram fan-out to ${ref.consumers}: ${pctCore(ref.relayCpu)}, ${pctCore(per100(ref.relayCpu, ref.consumers))} per 100`,
      ratio: ratio(ref.sfuCpu, ref.relayCpu),
      target: '≥ 500 (mediasoup guidance)',
      verdict: best && best.consumers >= 500 ? 'meets' : 'misses',
    });
    report.note(
      `${SECTION} — consumers per worker (load average ${loadCapacity} at the start): CPU of the worker process (/proc/<pid>/stat, 2.5 s per step after 1.2 s to ` +
        `settle) with ${STEP} more PlainTransport consumers a step, the stream switched between the worker and the fan-out ` +
        `relay each phase, both sending to 8 sockets a process holds without reading them (receiving costs no CPU); a ` +
        `count is carried when the worker stays ≤ 70 % of a core and its consumers forward ≥ 95 % of the packets ` +
        `(packet counters of ten consumers; the relay's own count). Consumers: worker % / relay % of a core (forwarded ` +
        `share): ${steps
          .map(
            (x) =>
              `${x.consumers}: ${(x.sfuCpu * 100).toFixed(0)} / ${(x.relayCpu * 100).toFixed(0)} ` +
              `(${(x.sfuDelivered * 100).toFixed(0)} % / ${(x.relayDelivered * 100).toFixed(0)} %)`,
          )
          .join(', ')}; load average ${load()} at the end. With a load average of L on ${os.cpus().length} cores a ` +
        `runnable process gets about ${os.cpus().length}/L of a core: when the machine is that busy the worker falls ` +
        `behind (forwards less) well before it uses 70 % of a core, and the fitted line says where it would reach it.`,
    );
  } finally {
    slot.worker.close();
  }
}
