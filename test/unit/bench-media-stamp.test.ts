import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { GLASS_HEIGHT, GLASS_WIDTH, StampedFrames } from '../../scripts/bench/media-glass';
import { packetIndex, vp8Packet } from '../../scripts/bench/media-rtp';
import {
  STAMP_BLOCK,
  STAMP_HEIGHT,
  STAMP_MIN_WIDTH,
  paintStamp,
  readStampLuma,
  readStampRgba,
  stampBits,
} from '../../scripts/bench/media-stamp';

const W = 640;

describe('the time stamp burnt into benchmark frames', () => {
  it('reads back every uint32 it paints', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const luma = new Uint8Array(W * STAMP_HEIGHT);
        paintStamp(luma, W, v);
        expect(readStampLuma(luma, W)).toBe(v);
      }),
    );
  });

  it('survives noise and blurred block edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 2 ** 30 }), (v, seed) => {
        const luma = new Uint8Array(W * STAMP_HEIGHT);
        paintStamp(luma, W, v);
        let t = seed;
        for (let i = 0; i < luma.length; i++) {
          t = (t * 1103515245 + 12345) >>> 0;
          const noise = ((t >>> 16) % 61) - 30;
          // Edges of blocks smeared, as a codec does.
          const edge = i % STAMP_BLOCK < 2 || i % STAMP_BLOCK > STAMP_BLOCK - 3 ? 128 - luma[i]! : 0;
          luma[i] = Math.max(0, Math.min(255, luma[i]! + noise + edge / 2));
        }
        expect(readStampLuma(luma, W)).toBe(v);
      }),
      { numRuns: 50 },
    );
  });

  it('reads a frame scaled up by the decoder, from RGBA pixels', () => {
    const scale = 2;
    const v = 0xdeadbeef;
    const luma = new Uint8Array(W * STAMP_HEIGHT);
    paintStamp(luma, W, v);
    const big = W * scale;
    const rgba = new Uint8ClampedArray(big * STAMP_HEIGHT * scale * 4);
    for (let y = 0; y < STAMP_HEIGHT * scale; y++)
      for (let x = 0; x < big; x++) {
        const l = luma[Math.floor(y / scale) * W + Math.floor(x / scale)]!;
        rgba.set([l, l, l, 255], (y * big + x) * 4);
      }
    expect(readStampRgba(rgba, big, scale)).toBe(v);
  });

  it('rejects a band whose bits were damaged, and a frame without a band', () => {
    const luma = new Uint8Array(W * STAMP_HEIGHT);
    paintStamp(luma, W, 123456789);
    // Flip one value block: the check no longer matches.
    const bit = 2 + 31;
    const white = stampBits(123456789)[bit];
    for (let y = 0; y < STAMP_HEIGHT; y++)
      luma.fill(white ? 16 : 235, y * W + bit * STAMP_BLOCK, y * W + (bit + 1) * STAMP_BLOCK);
    expect(readStampLuma(luma, W)).toBeNull();
    expect(readStampLuma(new Uint8Array(W * STAMP_HEIGHT).fill(128), W)).toBeNull();
    expect(() => paintStamp(new Uint8Array(STAMP_MIN_WIDTH - 16), STAMP_MIN_WIDTH - 16, 1)).toThrow(/narrower/);
    expect(() => stampBits(2 ** 32)).toThrow(/uint32/);
  });

  it('survives a real VP8 encode and decode by ffmpeg at the cameras’ bit rate', () => {
    const frames = new StampedFrames();
    const values = Array.from({ length: 30 }, (_, i) => 1000 + i * 33);
    const input = Buffer.concat(values.map((v) => Buffer.from(frames.next(v))));
    const run = spawnSync(
      'sh',
      [
        '-c',
        `ffmpeg -hide_banner -loglevel error -f rawvideo -pix_fmt yuv420p -s ${GLASS_WIDTH}x${GLASS_HEIGHT} -framerate 30 -i pipe:0 ` +
          `-c:v libvpx -deadline realtime -cpu-used 16 -b:v 600k -g 30 -f ivf pipe:1 | ` +
          `ffmpeg -hide_banner -loglevel error -f ivf -i pipe:0 -f rawvideo -pix_fmt gray pipe:1`,
      ],
      { input, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(run.stderr.toString()).toBe('');
    const size = GLASS_WIDTH * GLASS_HEIGHT;
    const read = Array.from({ length: run.stdout.length / size }, (_, i) =>
      readStampLuma(run.stdout.subarray(i * size, (i + 1) * size), GLASS_WIDTH),
    );
    expect(read).toEqual(values);
  });
});

describe('the benchmark RTP packets', () => {
  it('carry their index through a forwarder that rewrites the header and adds extensions', () => {
    const p = vp8Packet(70000, 1234);
    expect(packetIndex(p)).toBe(70000);
    expect(p.readUInt16BE(2)).toBe(70000 & 0xffff);
    // A key frame starts every 25th frame: lowest bit of the VP8 header clear.
    expect(vp8Packet(0, 1)[13]! & 1).toBe(0);
    expect(vp8Packet(4, 1)[13]! & 1).toBe(1);
    // The same payload behind a one-byte-header extension of two words.
    const ext = Buffer.concat([
      Buffer.from([0x90]),
      p.subarray(1, 12),
      Buffer.from([0xbe, 0xde, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]),
      p.subarray(12),
    ]);
    expect(packetIndex(ext)).toBe(70000);
    expect(packetIndex(Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(-1);
  });
});
