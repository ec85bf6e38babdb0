import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { processPhoto } from '../../gateway/cases/photos';
import { loadSettings } from '../../gateway/cases/tables';
import {
  PHOTO_LIMITS,
  exifSegment,
  needsShrinking,
  shrunkSize,
  withExif,
  withUprightOrientation,
} from '../../web/src/cases/photo-fit';

/**
 * Shrinking a photo on the phone: which photos must be shrunk, to what size, and that the EXIF carried over to the
 * shrunk JPEG still gives the gateway its GPS position and says "upright" (the canvas turned the pixels already).
 */

const settings = loadSettings().photo;

it('knows the gateway’s limits as data/cityops/settings.json states them', () => {
  const file = JSON.parse(readFileSync(path.join(__dirname, '../../data/cityops/settings.json'), 'utf8')) as {
    photo: { maxBytes: number; maxPixels: number };
  };
  expect(PHOTO_LIMITS).toEqual({ maxBytes: file.photo.maxBytes, maxPixels: file.photo.maxPixels });
  expect(PHOTO_LIMITS).toEqual({ maxBytes: settings.maxBytes, maxPixels: settings.maxPixels });
});

it('shrinks only photos over a limit: 50 megapixels, or more than 10 MB', () => {
  expect(needsShrinking(4_000_000, 4000, 3000)).toBe(false);
  expect(needsShrinking(PHOTO_LIMITS.maxBytes, 6000, 6000)).toBe(false);
  expect(needsShrinking(9_000_000, 8160, 6120)).toBe(true);
  expect(needsShrinking(PHOTO_LIMITS.maxBytes + 1, 4000, 3000)).toBe(true);
});

it('shrinks to 12 megapixels in the same proportions, never enlarging', () => {
  expect(shrunkSize(8160, 6120)).toEqual({ width: 4000, height: 3000 });
  expect(shrunkSize(6120, 8160)).toEqual({ width: 3000, height: 4000 });
  expect(shrunkSize(2000, 1000)).toEqual({ width: 2000, height: 1000 });
  const s = shrunkSize(12000, 4000);
  expect(s.width * s.height).toBeLessThanOrEqual(12_010_000);
  expect(Math.abs(s.width / s.height - 3)).toBeLessThan(0.01);
});

const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '45/1 45/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 38/1 0/1' };

/** A phone photo: 400 × 300 stored sideways with orientation 6 (to be turned 90° clockwise), GPS and time. */
const phonePhoto = () =>
  sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 90, g: 120, b: 150 } } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'HarbinTestCam' }, IFD2: { DateTimeOriginal: '2026:11:20 09:15:00' }, IFD3: GPS })
    .toBuffer();

/** What a canvas gives: the upright pixels (300 × 400), a JFIF JPEG without EXIF. */
const canvasJpeg = () =>
  sharp({ create: { width: 300, height: 400, channels: 3, background: { r: 90, g: 120, b: 150 } } })
    .jpeg({ quality: 80 })
    .toBuffer();

it('finds the EXIF segment of a JPEG, also in just its head', async () => {
  const photo = new Uint8Array(await phonePhoto());
  const app1 = exifSegment(photo)!;
  expect(app1).not.toBeNull();
  expect([app1[0], app1[1]]).toEqual([0xff, 0xe1]);
  expect(Buffer.from(app1.subarray(4, 10)).toString('latin1')).toBe('Exif\0\0');
  expect(app1.length).toBe(((app1[2]! << 8) | app1[3]!) + 2);
  expect(exifSegment(photo.subarray(0, 2 + 18 + app1.length + 64))).toEqual(app1);
  expect(exifSegment(new Uint8Array(await canvasJpeg()))).toBeNull();
  expect(exifSegment(new Uint8Array([1, 2, 3]))).toBeNull();
});

it('carries GPS and time over to the shrunk JPEG, marked upright, so the gateway keeps both and turns nothing', async () => {
  const original = new Uint8Array(await phonePhoto());
  expect((await sharp(Buffer.from(original)).metadata()).orientation).toBe(6);
  const shrunk = withExif(new Uint8Array(await canvasJpeg()), withUprightOrientation(exifSegment(original)!));
  const meta = await sharp(Buffer.from(shrunk)).metadata();
  expect(meta.orientation).toBe(1);
  expect([meta.width, meta.height]).toEqual([300, 400]);
  const processed = await processPhoto(Buffer.from(shrunk), settings);
  expect([processed.width, processed.height]).toEqual([300, 400]);
  expect(processed.exifGps!.lat).toBeCloseTo(45 + 45 / 60 + 30 / 3600, 5);
  expect(processed.exifGps!.lon).toBeCloseTo(126 + 38 / 60, 5);
  expect(processed.takenAt).not.toBeNull();
  // Without the orientation reset the gateway would turn the upright picture once more.
  const turned = await processPhoto(Buffer.from(withExif(new Uint8Array(await canvasJpeg()), exifSegment(original)!)), settings);
  expect([turned.width, turned.height]).toEqual([400, 300]);
});

it('replaces an EXIF segment the JPEG already had instead of adding a second', async () => {
  const original = new Uint8Array(await phonePhoto());
  const app1 = withUprightOrientation(exifSegment(original)!);
  const once = withExif(original, app1);
  expect(once.length).toBe(original.length);
  expect((await sharp(Buffer.from(once)).metadata()).orientation).toBe(1);
});
