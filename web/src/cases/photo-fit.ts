/**
 * What a photo must fit before it is uploaded, and the JPEG byte work to shrink one without losing its EXIF
 * (the gateway keeps the EXIF GPS position as its own field). Pure; the canvas part is in photo-shrink.ts.
 */

export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
}

/** The gateway's limits (data/cityops/settings.json `photo.maxBytes`, `photo.maxPixels`); it checks them again. */
export const PHOTO_LIMITS: PhotoLimits = { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 };

/** A shrunk photo's size: 12 megapixels (4000 × 3000) is far more than the 1,600 px views the centre looks at. */
const SHRUNK_PIXELS = 12_000_000;

/** Whether a photo is over a limit and must be shrunk on the phone. */
export const needsShrinking = (bytes: number, width: number, height: number, limits: PhotoLimits = PHOTO_LIMITS): boolean =>
  bytes > limits.maxBytes || width * height > limits.maxPixels;

/** The size to draw a photo at: its own proportions, about `pixels` (never enlarged), whole pixels. */
export function shrunkSize(width: number, height: number, pixels = SHRUNK_PIXELS): { width: number; height: number } {
  const scale = Math.min(1, Math.sqrt(pixels / (width * height)));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const SOI = 0xd8;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The markers of a JPEG up to its image data: [marker, start of the segment (its 0xFF), total length]. */
function segments(jpeg: Uint8Array): [number, number, number][] {
  if (jpeg[0] !== 0xff || jpeg[1] !== SOI) return [];
  const found: [number, number, number][] = [];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
    found.push([marker, at, length]);
    if (marker === SOS) break;
    at += length;
  }
  return found;
}

/** The EXIF segment (APP1 "Exif") of a JPEG, marker and length included, or null; `jpeg` may be just its head. */
export function exifSegment(jpeg: Uint8Array): Uint8Array<ArrayBuffer> | null {
  for (const [marker, start, length] of segments(jpeg)) {
    if (marker !== APP1 || start + length > jpeg.length) continue;
    if (EXIF_ID.every((b, i) => jpeg[start + 4 + i] === b)) return jpeg.slice(start, start + length);
  }
  return null;
}

/**
 * A copy of an EXIF segment saying the picture is upright (Orientation 1): the canvas drew it turned already, and
 * the gateway would turn it once more.
 */
export function withUprightOrientation(app1: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = app1.slice();
  const tiff = 10; // FF E1, length, "Exif\0\0"
  if (out.length < tiff + 8) return out;
  const little = out[tiff] === 0x49; // "II"
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const ifd0 = tiff + view.getUint32(tiff + 4, little);
  if (ifd0 + 2 > out.length) return out;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > out.length) break;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) view.setUint16(entry + 8, 1, little);
  }
  return out;
}

/** The JPEG with `app1` put in after its start (and its JFIF segment, if it has one); an EXIF it had is replaced. */
export function withExif(jpeg: Uint8Array<ArrayBuffer>, app1: Uint8Array): Uint8Array<ArrayBuffer> {
  const segs = segments(jpeg);
  if (segs.length === 0) return jpeg;
  const old = segs.find(([m, s]) => m === APP1 && EXIF_ID.every((b, i) => jpeg[s + 4 + i] === b));
  const base = old ? concat(jpeg.subarray(0, old[1]), jpeg.subarray(old[1] + old[2])) : jpeg;
  const jfif = segments(base).find(([m]) => m === APP0);
  const at = jfif ? jfif[1] + jfif[2] : 2;
  return concat(base.subarray(0, at), app1, base.subarray(at));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
