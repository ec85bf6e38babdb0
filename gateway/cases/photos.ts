import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { AppError } from '../http/errors';
import type { CaseSettings } from './tables';

/**
 * Case photos: one image per upload, checked by its content (never by its name or declared type), bounded in
 * bytes and pixels, EXIF GPS and time read once from the original, orientation applied, and derivatives
 * re-encoded without any metadata. Originals go to restricted storage under DATA_DIR; nothing there is served
 * by path.
 */

export interface ProcessedPhoto {
  sha256: string;
  format: string;
  bytes: number;
  width: number;
  height: number;
  exifGps: { lon: number; lat: number } | null;
  takenAt: Date | null;
  view: Buffer;
  thumb: Buffer;
}

const FORMAT_LABEL: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', heif: 'HEIC/HEIF' };
const EXT: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', heif: 'heic' };

/** A client file name is only checked (refused when it carries a path or control characters), never used. */
export function checkFileName(name: string | undefined | null): void {
  if (name === undefined || name === null || name === '') return;
  if (name.length > 255) throw new AppError('bad_request', '文件名过长 / the file name is longer than 255 characters');
  const control = [...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (control || /[/\\]|\.\./.test(name) || /^[A-Za-z]:/.test(name)) {
    throw new AppError(
      'bad_request',
      `文件名不能包含路径或控制字符 / the file name must not contain a path: ${JSON.stringify(name.slice(0, 80))}`,
    );
  }
}

const dms = (v: unknown): number | null => {
  if (!Array.isArray(v) || v.length < 1 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  const [d, m = 0, s = 0] = v as number[];
  return d! + m / 60 + s / 3600;
};

/** GPS position and capture time from an EXIF block (as sharp returns it); null when absent or implausible. */
export function readExif(exif: Buffer | undefined): { gps: { lon: number; lat: number } | null; takenAt: Date | null } {
  if (!exif || exif.length < 8) return { gps: null, takenAt: null };
  try {
    const raw = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
    const tags = exifReader(raw);
    const g = tags.GPSInfo;
    let gps: { lon: number; lat: number } | null = null;
    const lat = dms(g?.GPSLatitude);
    const lon = dms(g?.GPSLongitude);
    if (lat !== null && lon !== null) {
      const la = g?.GPSLatitudeRef === 'S' ? -lat : lat;
      const lo = g?.GPSLongitudeRef === 'W' ? -lon : lon;
      if (Math.abs(la) <= 90 && Math.abs(lo) <= 180 && !(la === 0 && lo === 0)) gps = { lon: lo, lat: la };
    }
    const t = tags.Photo?.DateTimeOriginal ?? tags.Image?.DateTime;
    const takenAt = t instanceof Date && Number.isFinite(t.getTime()) ? t : null;
    return { gps, takenAt };
  } catch {
    // A broken EXIF block does not make the picture unusable: it is simply not read.
    return { gps: null, takenAt: null };
  }
}

export async function processPhoto(body: Buffer, s: CaseSettings['photo']): Promise<ProcessedPhoto> {
  if (!body.length) throw new AppError('bad_request', '请求体为空：请以请求体发送一张图片 / the body is empty: send one image');
  if (body.length > s.maxBytes) {
    throw new AppError(
      'payload_too_large',
      `图片超过 ${Math.round(s.maxBytes / 1048576)} MB / the image is larger than ${s.maxBytes} bytes`,
    );
  }
  const opts = { limitInputPixels: s.maxPixels, failOn: 'warning' as const, sequentialRead: true };
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // Only the header is read here, without the pixel limit, so that a pixel bomb is named as one below.
    meta = await sharp(body, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError(
      'bad_request',
      `无法识别的图片，只接受 ${s.formats.map((f) => FORMAT_LABEL[f]).join('、')} / not a readable image: send JPEG, PNG, WebP or HEIC`,
    );
  }
  const format = meta.format as string | undefined;
  if (!format || !(s.formats as readonly string[]).includes(format)) {
    throw new AppError(
      'bad_request',
      `不支持的图片类型 ${format ?? '未知'}，只接受 JPEG、PNG、WebP、HEIC / unsupported image type "${format ?? 'unknown'}": JPEG, PNG, WebP or HEIC only`,
    );
  }
  // HEIF is a container: HEIC is its HEVC flavour; AVIF (AV1) is a different format and not on the list.
  if (format === 'heif' && meta.compression !== 'hevc') {
    throw new AppError(
      'bad_request',
      `不支持的图片类型 ${meta.compression ?? 'heif'}，只接受 JPEG、PNG、WebP、HEIC / unsupported HEIF flavour "${meta.compression ?? 'unknown'}": JPEG, PNG, WebP or HEIC only`,
    );
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (!w || !h) throw new AppError('bad_request', '图片没有有效尺寸 / the image has no valid size');
  if (w * h > s.maxPixels) {
    throw new AppError(
      'payload_too_large',
      `图片 ${w}×${h} 超过 ${Math.round(s.maxPixels / 1e6)} 百万像素 / the image has ${w}×${h} pixels, more than ${s.maxPixels}`,
    );
  }
  if ((meta.pages ?? 1) > 1) throw new AppError('bad_request', '只接受单帧图片 / animated or multi-page images are not accepted');
  const { gps, takenAt } = readExif(meta.exif);
  let view: Buffer;
  let thumb: Buffer;
  let width: number;
  let height: number;
  try {
    // .rotate() applies the EXIF orientation; the WebP encoder writes no EXIF, XMP or ICC unless asked to.
    const oriented = await sharp(body, opts).rotate().toBuffer({ resolveWithObject: true });
    width = oriented.info.width;
    height = oriented.info.height;
    const fit = (edge: number) =>
      sharp(oriented.data, { limitInputPixels: s.maxPixels })
        .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toBuffer();
    [view, thumb] = await Promise.all([fit(s.viewMaxEdge), fit(s.thumbMaxEdge)]);
  } catch (err) {
    if (format === 'heif') {
      throw new AppError(
        'bad_request',
        'HEIC 图片无法解码（此服务器不支持 HEVC 编码的 HEIC），请改用 JPEG / this HEIC image cannot be decoded: send JPEG',
      );
    }
    const why = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 120) : 'decode failed';
    throw new AppError('bad_request', `图片已损坏或不完整 / the image is damaged or truncated (${why})`);
  }
  return {
    sha256: createHash('sha256').update(body).digest('hex'),
    format,
    bytes: body.length,
    width,
    height,
    exifGps: gps,
    takenAt,
    view,
    thumb,
  };
}

/** Where photos live under DATA_DIR: `original/` (restricted, 0600) and `derived/` (served through the API). */
export class PhotoStore {
  constructor(private readonly root: string) {}

  static under(dataDir: string): PhotoStore {
    return new PhotoStore(path.join(dataDir, 'case-photos'));
  }

  /** Writes a file atomically (temporary name, then rename); the temporary file is removed on failure. */
  private async put(rel: string, data: Buffer, mode: number): Promise<void> {
    const full = this.resolve(rel);
    await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    const tmp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data, { mode, flag: 'wx' });
      await rename(tmp, full);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Saves the original and its derivatives; returns their paths relative to the store. */
  async save(p: ProcessedPhoto, original: Buffer): Promise<{ original: string; view: string; thumb: string }> {
    const dir = p.sha256.slice(0, 2);
    const paths = {
      original: path.posix.join('original', dir, `${p.sha256}.${EXT[p.format] ?? 'bin'}`),
      view: path.posix.join('derived', dir, `${p.sha256}-view.webp`),
      thumb: path.posix.join('derived', dir, `${p.sha256}-thumb.webp`),
    };
    await this.put(paths.original, original, 0o600);
    await this.put(paths.view, p.view, 0o640);
    await this.put(paths.thumb, p.thumb, 0o640);
    return paths;
  }

  /** A stored file; one the database records but storage no longer holds (lost, or restored without photos) is a 404. */
  async read(rel: string): Promise<Buffer> {
    try {
      return await readFile(this.resolve(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new AppError('not_found', `照片文件已不在存储中（${path.posix.basename(rel)}），请联系系统管理员从备份恢复`);
    }
  }

  /** The absolute path of a stored file; stored paths are generated here, but are checked to stay inside. */
  resolve(rel: string): string {
    const full = path.resolve(this.root, rel);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new AppError('not_found', '没有这个照片文件');
    return full;
  }

  get directory(): string {
    return this.root;
  }
}

export const MIME_OF: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heif: 'image/heic',
};
