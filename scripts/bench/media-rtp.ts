import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import path from 'node:path';
import type { types } from 'mediasoup';
import { PAYLOAD_TYPE } from '../../media/ingest/ffmpeg';
import type { CameraRoom } from '../../media/sfu/camera-room';
import { cpuShare, plainVp8Capabilities } from './media-common';
import { nowMs } from './stats';

/** Marks the payloads the benchmark sends, followed by the packet's index. */
const MAGIC = 0x4852424e;
export const PACKET_BYTES = 1200;
/** Packets per video frame and frames per second: 4 × 1,200 B × 25 fps ≈ 1 Mbit/s, a camera's sub-stream. */
export const PACKETS_PER_FRAME = 4;
export const FPS = 25;
export const KEYFRAME_EVERY = 25;

/**
 * One RTP packet of a VP8 stream as a camera sends it: a one-byte payload descriptor (start of partition 0), the
 * first byte of a VP8 frame (its lowest bit clear on a key frame, which mediasoup reads to start a consumer), then the
 * marker and the packet's index, padded to PACKET_BYTES.
 */
export function vp8Packet(index: number, ssrc: number): Buffer {
  const frame = Math.floor(index / PACKETS_PER_FRAME);
  const first = index % PACKETS_PER_FRAME === 0;
  const last = index % PACKETS_PER_FRAME === PACKETS_PER_FRAME - 1;
  const b = Buffer.alloc(PACKET_BYTES);
  b[0] = 0x80;
  b[1] = (last ? 0x80 : 0) | PAYLOAD_TYPE.VP8;
  b.writeUInt16BE(index & 0xffff, 2);
  b.writeUInt32BE((frame * (90000 / FPS)) >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  b[12] = first ? 0x10 : 0x00;
  b[13] = first && frame % KEYFRAME_EVERY === 0 ? 0x00 : 0x01;
  b.writeUInt32BE(MAGIC, 14);
  b.writeUInt32BE(index >>> 0, 18);
  return b;
}

/** The index a benchmark packet carries, wherever the forwarder put its RTP header (CSRCs, extensions), or -1. */
export function packetIndex(msg: Buffer): number {
  if (msg.length < 12 || (msg[0]! & 0xc0) !== 0x80) return -1;
  const pt = msg[1]! & 0x7f;
  if (pt >= 72 && pt <= 76) return -1; // RTCP
  let off = 12 + 4 * (msg[0]! & 0x0f);
  if (msg[0]! & 0x10) off += 4 + 4 * msg.readUInt16BE(off + 2);
  for (let i = off; i + 8 <= Math.min(msg.length, off + 16); i++)
    if (msg.readUInt32BE(i) === MAGIC) return msg.readUInt32BE(i + 4);
  return -1;
}

export function bindSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) =>
    s.bind(0, '127.0.0.1', () => {
      s.setRecvBufferSize(8 * 1024 * 1024);
      resolve(s);
    }),
  );
}

/** A plain Node relay in its own process (scripts/bench/media-relay.ts). */
export class NodeRelay {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<NodeRelay> {
    const child = fork(path.join(__dirname, 'media-relay.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'ignore' as never });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`the relay exited (${String(code)})`)));
    });
    return new NodeRelay(child, port);
  }

  get pid(): number {
    return this.child.pid!;
  }

  set(targets: number[], fanout: number): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('message', () => resolve());
      this.child.send({ targets, fanout });
    });
  }

  /** How many datagrams the relay has sent. */
  sent(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (m: { sent: number }) => resolve(m.sent));
      this.child.send({ query: true });
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** A consumer of the room's camera on a PlainTransport that sends to a local UDP port. */
export async function plainConsumer(
  room: CameraRoom,
  sinkPort: number,
): Promise<{ transport: types.PlainTransport; consumer: types.Consumer }> {
  const transport = await room.router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: false,
  });
  await transport.connect({ ip: '127.0.0.1', port: sinkPort });
  const consumer = await transport.consume({ producerId: room.producer.id, rtpCapabilities: plainVp8Capabilities(room.router) });
  return { transport, consumer };
}

/**
 * UDP sinks that cost no CPU to receive: sockets bound by a process that never reads them (the kernel drops what
 * overflows their buffers), so the measured process is not competing with its receivers for the machine's cores.
 */
async function idleSinks(count: number): Promise<{ ports: number[]; stop: () => void }> {
  const script = [
    'import json, socket, sys',
    'socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(int(sys.argv[1]))]',
    "[s.bind(('127.0.0.1', 0)) for s in socks]",
    'print(json.dumps([s.getsockname()[1] for s in socks]), flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as number[]));
    child.once('error', reject);
  });
  return { ports, stop: () => child.kill('SIGKILL') };
}

/**
 * Sends the stream at its real rate until stopped; `to` picks the destinations of each packet (none: the packet is
 * skipped, as a paused camera's). `sent` counts the packets that went somewhere.
 */
export function paceStream(
  ssrc: number,
  to: (index: number) => { socket: Socket; port: number }[],
  onSent?: (index: number, atMs: number, to: { socket: Socket; port: number }) => void,
): { stop: () => void; sent: () => number } {
  const pps = PACKETS_PER_FRAME * FPS;
  const start = nowMs();
  let index = 0;
  let sent = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((nowMs() - start) / 1000) * pps);
    while (index < due) {
      const pkt = vp8Packet(index, ssrc);
      const dests = to(index);
      for (const d of dests) {
        onSent?.(index, nowMs(), d);
        d.socket.send(pkt, d.port, '127.0.0.1');
      }
      if (dests.length) sent++;
      index++;
    }
    setTimeout(tick, 2);
  };
  tick();
  return { stop: () => (stopped = true), sent: () => sent };
}

/**
 * SFU-added delay, packet by packet: the same packets go, alternately first, into the camera room's PlainTransport
 * (out through a consumer's PlainTransport) and through a Node relay process, both back to sockets of this process.
 * The delay of a packet is its receive time minus its send time on this process's monotonic clock.
 */
export async function measureForwardDelay(
  room: CameraRoom,
  ssrc: number,
  seconds: number,
): Promise<{ sfu: number[]; relay: number[]; sent: number; lostSfu: number; lostRelay: number }> {
  const out = await bindSocket();
  const sfuIn = await bindSocket();
  const relayIn = await bindSocket();
  const relay = await NodeRelay.start();
  const { transport: consumer } = await plainConsumer(room, sfuIn.address().port);
  await relay.set([relayIn.address().port], 1);
  const ingestPort = room.ingest.tuple.localPort;
  const sentAt = { sfu: new Map<number, number>(), relay: new Map<number, number>() };
  const delays = { sfu: [] as number[], relay: [] as number[] };
  let measuring = false;
  const receive = (which: 'sfu' | 'relay') => (msg: Buffer) => {
    const t = nowMs();
    const i = packetIndex(msg);
    const s = sentAt[which].get(i);
    if (s === undefined) return;
    sentAt[which].delete(i);
    if (measuring) delays[which].push(t - s);
  };
  sfuIn.on('message', receive('sfu'));
  relayIn.on('message', receive('relay'));
  const sfuDest = { socket: out, port: ingestPort };
  const relayDest = { socket: out, port: relay.port };
  const stream = paceStream(
    ssrc,
    (i) => (i % 2 === 0 ? [sfuDest, relayDest] : [relayDest, sfuDest]),
    (i, t, d) => (d === sfuDest ? sentAt.sfu : sentAt.relay).set(i, t),
  );
  try {
    // Warm-up: the consumer starts at the first key frame.
    await new Promise((r) => setTimeout(r, 2000));
    const first = stream.sent();
    measuring = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const sent = stream.sent() - first;
    stream.stop();
    await new Promise((r) => setTimeout(r, 300));
    return {
      sfu: delays.sfu,
      relay: delays.relay,
      sent,
      lostSfu: Math.max(0, sent - delays.sfu.length),
      lostRelay: Math.max(0, sent - delays.relay.length),
    };
  } finally {
    stream.stop();
    consumer.close();
    relay.stop();
    for (const s of [out, sfuIn, relayIn]) s.close();
  }
}

export interface CapacityStep {
  consumers: number;
  sfuCpu: number;
  relayCpu: number;
  /** Packets sent per packet of the stream and destination: 1 when every consumer forwarded all (a sample of them). */
  sfuDelivered: number;
  relayDelivered: number;
}

/**
 * Consumers per worker: one ~1 Mbit/s producer, consumers added `step` at a time on PlainTransports sending to local
 * UDP sinks; at each step the worker's CPU (from /proc) over `sampleMs` while the stream goes to the room, then the
 * relay's CPU while the same stream goes to a Node fan-out to as many destinations, the two phases alternating.
 * What was forwarded is read from the consumers' own counters (a sample of ten) and the relay's. Stops when the
 * worker is past `limit` of a core or forwards less than 95 %, twice in a row, or at `max`.
 */
export async function measureCapacity(
  room: CameraRoom,
  ssrc: number,
  opts: { step: number; max: number; sampleMs: number; limit: number },
): Promise<CapacityStep[]> {
  const out = await bindSocket();
  const sinks = await idleSinks(8);
  const sinkPorts = sinks.ports;
  const relay = await NodeRelay.start();
  const consumers: { transport: types.PlainTransport; consumer: types.Consumer }[] = [];
  const forwarded = async (which: 'sfu' | 'relay', n: number): Promise<number> => {
    if (which === 'relay') return (await relay.sent()) / n;
    const sample = consumers.filter((_, i) => i % Math.max(1, Math.floor(consumers.length / 10)) === 0).slice(0, 10);
    const counts = await Promise.all(
      sample.map(async (c) => (await c.consumer.getStats()).find((x) => x.type === 'outbound-rtp')?.packetCount ?? 0),
    );
    return counts.reduce((a, b) => a + b, 0) / (sample.length || 1);
  };
  let target: 'sfu' | 'relay' | 'none' = 'sfu';
  const dest = {
    sfu: [{ socket: out, port: room.ingest.tuple.localPort }],
    relay: [{ socket: out, port: relay.port }],
    none: [],
  };
  const stream = paceStream(ssrc, () => dest[target]);
  const steps: CapacityStep[] = [];
  const phase = async (which: 'sfu' | 'relay', pid: number, n: number) => {
    target = which;
    await new Promise((r) => setTimeout(r, 1200));
    // The counters are read while the stream holds still, so what was sent and what was forwarded cover one window.
    const still = async () => {
      target = 'none';
      await new Promise((r) => setTimeout(r, 300));
      return { forwarded: await forwarded(which, n), sent: stream.sent() };
    };
    const a = await still();
    target = which;
    const cpu = await cpuShare(pid, opts.sampleMs);
    const b = await still();
    const delivered = (b.forwarded - a.forwarded) / Math.max(1, b.sent - a.sent);
    return { cpu, delivered };
  };
  try {
    let over = 0;
    for (let n = opts.step; n <= opts.max; n += opts.step) {
      while (consumers.length < n) consumers.push(await plainConsumer(room, sinkPorts[consumers.length % sinkPorts.length]!));
      await relay.set(sinkPorts, n);
      const sfu = await phase('sfu', room.slot.worker.pid, n);
      const rel = await phase('relay', relay.pid, n);
      steps.push({
        consumers: n,
        sfuCpu: sfu.cpu,
        relayCpu: rel.cpu,
        sfuDelivered: sfu.delivered,
        relayDelivered: rel.delivered,
      });
      console.log(
        `media capacity: ${n} consumers, worker ${(sfu.cpu * 100).toFixed(1)} % (${(sfu.delivered * 100).toFixed(0)} % delivered), ` +
          `relay ${(rel.cpu * 100).toFixed(1)} % (${(rel.delivered * 100).toFixed(0)} % delivered)`,
      );
      over = sfu.cpu > opts.limit || sfu.delivered < 0.95 ? over + 1 : 0;
      if (over >= 2) break;
    }
    return steps;
  } finally {
    stream.stop();
    for (const c of consumers) c.transport.close();
    relay.stop();
    out.close();
    sinks.stop();
  }
}
