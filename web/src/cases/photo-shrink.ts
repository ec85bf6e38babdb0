import {
  PHOTO_LIMITS,
  exifSegment,
  needsShrinking,
  shrunkSize,
  withExif,
  withUprightOrientation,
  type PhotoLimits,
} from './photo-fit';

/** Enough of a JPEG's head to hold its EXIF (an APP1 segment is at most 64 KiB). */
const HEAD_BYTES = 256 * 1024;
const QUALITIES = [0.9, 0.8, 0.7, 0.6];

const loaded = (img: HTMLImageElement): Promise<void> =>
  new Promise((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('image not decodable here'));
  });

const jpegOf = (canvas: HTMLCanvasElement, quality: number): Promise<Blob> =>
  new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas could not encode'))), 'image/jpeg', quality),
  );

/**
 * A photo the gateway will take: one within the limits is returned as it is (its bytes untouched); one over them
 * (a 50-megapixel phone photo, a 20 MB file) is drawn upright at 12 megapixels on a canvas and encoded as JPEG,
 * with its EXIF (GPS, time) carried over. What the browser cannot decode (HEIC in most browsers) goes as it is,
 * for the gateway to judge.
 */
async function fitPhoto(file: File, limits: PhotoLimits = PHOTO_LIMITS): Promise<File> {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return file;
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    const ready = loaded(img);
    img.src = url;
    await ready;
    // The image element is drawn upright (EXIF orientation applied), so its natural size is the upright size.
    const { naturalWidth: w, naturalHeight: h } = img;
    if (!needsShrinking(file.size, w, h, limits)) return file;
    const size = shrunkSize(w, h);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(img, 0, 0, size.width, size.height);
    let blob: Blob | null = null;
    for (const q of QUALITIES) {
      blob = await jpegOf(canvas, q);
      if (blob.size <= limits.maxBytes) break;
    }
    canvas.width = canvas.height = 0;
    if (!blob) return file;
    let bytes = new Uint8Array(await blob.arrayBuffer());
    if (file.type === 'image/jpeg') {
      const exif = exifSegment(new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer()));
      if (exif) bytes = withExif(bytes, withUprightOrientation(exif));
    }
    const name = file.name.replace(/\.[^.]*$/, '') || 'photo';
    return new File([bytes], `${name}.jpg`, { type: 'image/jpeg', lastModified: file.lastModified });
  } catch {
    return file;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Every photo fitted, one after the other (a phone has memory for one large decode at a time). */
export async function fitPhotos(files: readonly File[], limits: PhotoLimits = PHOTO_LIMITS): Promise<File[]> {
  const out: File[] = [];
  for (const f of files) out.push(await fitPhoto(f, limits));
  return out;
}
