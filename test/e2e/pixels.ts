import { PNG } from 'pngjs';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Rgb = readonly [number, number, number];

const inside = (r: Rect, x: number, y: number) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;

/** Pixel counts over an area of a screenshot, leaving out rectangles covered by panels and controls. */
export class PixelSample {
  private readonly data: Buffer;
  private readonly width: number;
  private readonly height: number;

  constructor(
    image: Buffer,
    private readonly area: Rect,
    private readonly exclude: readonly Rect[] = [],
  ) {
    const png = PNG.sync.read(image);
    this.data = png.data;
    this.width = png.width;
    this.height = png.height;
  }

  /** Share (0–1) of the sampled pixels for which `test(byteOffset)` holds. */
  private share(test: (i: number) => boolean): number {
    let hits = 0;
    let total = 0;
    const x0 = Math.max(0, Math.round(this.area.x));
    const y0 = Math.max(0, Math.round(this.area.y));
    const x1 = Math.min(this.width, Math.round(this.area.x + this.area.width));
    const y1 = Math.min(this.height, Math.round(this.area.y + this.area.height));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (this.exclude.some((r) => inside(r, x, y))) continue;
        total++;
        if (test((y * this.width + x) * 4)) hits++;
      }
    }
    if (total === 0) throw new Error('the sampled area is empty: every pixel is excluded or outside the image');
    return hits / total;
  }

  private rgb(i: number, data = this.data): Rgb {
    return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
  }

  /** Share of pixels within `tolerance` (sum of channel differences) of one of `colours`. */
  shareNear(colours: readonly Rgb[], tolerance = 12): number {
    return this.share((i) => {
      const [r, g, b] = this.rgb(i);
      return colours.some(([R, G, B]) => Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B) <= tolerance);
    });
  }

  /** Share of pixels darker than `maxLuminance` (ITU-R BT.601 luma, 0–255). */
  shareDarkerThan(maxLuminance: number): number {
    return this.share((i) => {
      const [r, g, b] = this.rgb(i);
      return 0.299 * r + 0.587 * g + 0.114 * b < maxLuminance;
    });
  }

  /** Share of pixels that differ from the same pixel of `other` (same size) by more than `tolerance`. */
  shareDifferentFrom(other: Buffer, tolerance = 24): number {
    const png = PNG.sync.read(other);
    if (png.width !== this.width || png.height !== this.height) throw new Error('screenshots differ in size');
    return this.share((i) => {
      const [r, g, b] = this.rgb(i);
      const [R, G, B] = this.rgb(i, png.data);
      return Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B) > tolerance;
    });
  }
}
