/**
 * A time stamp burnt into video frames as black and white blocks, readable from decoded pixels without OCR. The band
 * is one row of 16 × 32 px blocks at the top of the frame (aligned to macroblocks, so VP8 and H.264 keep its edges):
 * a white and a black marker block (the decoder's threshold is their mid-point), 32 bits of the value (most
 * significant first), then 6 bits holding how many of those 32 are set, so a damaged band is rejected, not misread.
 * Browser-safe: the latency page decodes with the same code.
 */

export const STAMP_BLOCK = 16;
export const STAMP_HEIGHT = 32;
const VALUE_BITS = 32;
const CHECK_BITS = 6;
/** Blocks in the band: two markers, the value, the check. */
export const STAMP_BLOCKS = 2 + VALUE_BITS + CHECK_BITS;
/** The narrowest frame that holds the band. */
export const STAMP_MIN_WIDTH = STAMP_BLOCKS * STAMP_BLOCK;

/** Luma of white and black in video range (BT.601 limited). */
const WHITE = 235;
const BLACK = 16;

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x >>>= 1) n += x & 1;
  return n;
}

/** The band's blocks, left to right: true for white. */
export function stampBits(value: number): boolean[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`stamp value ${value} is not a uint32`);
  const bits = [true, false];
  for (let i = VALUE_BITS - 1; i >= 0; i--) bits.push(((value >>> i) & 1) === 1);
  const check = popcount(value);
  for (let i = CHECK_BITS - 1; i >= 0; i--) bits.push(((check >>> i) & 1) === 1);
  return bits;
}

/** Paints the band into the top rows of an 8-bit luma plane `width` pixels wide. */
export function paintStamp(luma: Uint8Array, width: number, value: number): void {
  if (width < STAMP_MIN_WIDTH) throw new Error(`a ${width} px frame is narrower than the stamp (${STAMP_MIN_WIDTH} px)`);
  const bits = stampBits(value);
  for (let y = 0; y < STAMP_HEIGHT; y++) {
    const row = y * width;
    for (let b = 0; b < STAMP_BLOCKS; b++) luma.fill(bits[b] ? WHITE : BLACK, row + b * STAMP_BLOCK, row + (b + 1) * STAMP_BLOCK);
    luma.fill(BLACK, row + STAMP_MIN_WIDTH, row + width);
  }
}

/**
 * Reads the band back. `sample(x, y)` is the brightness (0–255) of a pixel of the decoded frame; each block is read as
 * the mean of its centre 8 × 16 px, so blurred edges do not matter. `scale` is decoded width / painted width.
 * Returns null when the markers are not there or the check does not match.
 */
export function readStamp(sample: (x: number, y: number) => number, scale = 1): number | null {
  const mean = (block: number) => {
    let sum = 0;
    let n = 0;
    for (let y = 8; y < 24; y += 2)
      for (let x = 4; x < 12; x += 2) {
        sum += sample(Math.floor((block * STAMP_BLOCK + x) * scale), Math.floor(y * scale));
        n++;
      }
    return sum / n;
  };
  const white = mean(0);
  const black = mean(1);
  if (white - black < 100) return null;
  const mid = (white + black) / 2;
  let value = 0;
  for (let i = 0; i < VALUE_BITS; i++) value = value * 2 + (mean(2 + i) > mid ? 1 : 0);
  let check = 0;
  for (let i = 0; i < CHECK_BITS; i++) check = check * 2 + (mean(2 + VALUE_BITS + i) > mid ? 1 : 0);
  return check === popcount(value) ? value : null;
}

/** Reads the band from RGBA pixels (a canvas's ImageData) `width` pixels wide. */
export function readStampRgba(rgba: Uint8ClampedArray | Uint8Array, width: number, scale = 1): number | null {
  return readStamp((x, y) => {
    const i = (y * width + x) * 4;
    return 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
  }, scale);
}

/** Reads the band from an 8-bit luma plane `width` pixels wide. */
export function readStampLuma(luma: Uint8Array, width: number, scale = 1): number | null {
  return readStamp((x, y) => luma[y * width + x]!, scale);
}
