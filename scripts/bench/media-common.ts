import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { types } from 'mediasoup';
import type { CameraRecord } from '../../media/cameras/store';
import { CameraRoom } from '../../media/sfu/camera-room';
import type { PoolWorker } from '../../media/sfu/pool';
import { locateMediasoupWorker } from '../../media/worker/locate';

/** A real mediasoup worker for the benchmarks, started the way the pool starts one. */
export async function startBenchWorker(): Promise<PoolWorker> {
  const where = locateMediasoupWorker();
  if (!where.available) throw new Error(`media benchmark: ${where.reason}`);
  const mediasoup = await import('mediasoup');
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999, workerBin: where.bin });
  return { index: 0, worker };
}

/**
 * A real camera room for a camera of kind `rtp` (a media gateway's plain RTP): its PlainTransport waits for RTP on
 * 127.0.0.1 and its producer declares VP8 with a fixed SSRC. The benchmark is the media gateway.
 */
export async function openBenchRoom(slot: PoolWorker, id: string): Promise<{ room: CameraRoom; ssrc: number }> {
  const camera: CameraRecord = {
    id,
    name: id,
    lon: 126.63,
    lat: 45.75,
    direction: 0,
    ownerKind: 'public_security',
    districtAdcode: '230102',
    districtName: null,
    group: 'bench',
    codec: 'VP8',
    sourceKind: 'rtp',
    source: { kind: 'rtp' },
  };
  const room = await CameraRoom.open(camera, slot, { log: pino({ level: 'silent' }), onIngestEnded: () => undefined });
  const ssrc = room.producer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error('the camera producer has no SSRC');
  return { room, ssrc };
}

/** The router's capabilities cut to VP8 without header extensions: what a plain RTP receiver takes. */
export function plainVp8Capabilities(router: types.Router): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter((c) => c.mimeType === 'video/VP8'),
    headerExtensions: [],
  };
}

/** CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces: the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Share of one core a process used over `ms` (1 = one full core). */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
}

export const pctCore = (share: number): string => `${(share * 100).toFixed(1)} %`;
