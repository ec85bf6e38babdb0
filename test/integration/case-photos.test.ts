import { rmSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import request from 'supertest';
import type { CasePhoto } from '../../contracts/cases';
import { createCaseTestApp, filesUnder, reportCase, sampleJpeg, type CaseTestApp } from '../support/cases';

/**
 * Photo uploads: what is accepted (content-checked images, orientation applied, metadata stripped from what is
 * served, EXIF GPS kept as a field, originals restricted) and 500 malformed uploads of 20 kinds, each refused
 * with a 4xx and a message, none a 5xx, no file left behind.
 */
let t: CaseTestApp;
let good: Buffer;
const cookie = () => t.users.inspector!.cookie;
beforeAll(async () => {
  t = await createCaseTestApp();
  good = await sampleJpeg({ seed: 7 });
});
afterAll(async () => {
  await t.close();
});

const upload = (body: Buffer | string, type: string, query = 'stage=report') =>
  request(t.app).post(`/api/cases/photos?${query}`).set('Cookie', cookie()).set('Content-Type', type).send(body);

function png(width: number, height: number, idat: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BOUNDARY = 'harbin-test-boundary-7f3a';
const multipart = (fileName: string, data: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="${fileName}"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);

describe('accepted photos', () => {
  it('applies the orientation, serves derivatives without metadata and keeps EXIF GPS as a field', async () => {
    const res = await upload(good, 'image/jpeg');
    expect(res.status).toBe(201);
    const p = res.body as CasePhoto;
    // 96×64 with orientation 6 (rotate 90°) is 64 wide and 96 high once applied.
    expect([p.width, p.height]).toEqual([64, 96]);
    expect(p.exifGps!.lat).toBeCloseTo(45 + 45 / 60 + 30 / 3600, 6);
    expect(p.exifGps!.lon).toBeCloseTo(126 + 38 / 60, 6);
    expect(p.takenAt).toBe('2026-11-20T09:15:00.000Z');
    const view = await request(t.app).get(p.viewUrl).set('Cookie', cookie()).buffer(true);
    expect(view.status).toBe(200);
    expect(view.headers['content-type']).toBe('image/webp');
    const meta = await sharp(view.body as Buffer).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([64, 96]);
    const thumb = await request(t.app).get(p.thumbUrl).set('Cookie', cookie()).buffer(true);
    expect((await sharp(thumb.body as Buffer).metadata()).exif).toBeUndefined();
    // The same bytes again return the same photo (the phone's outbox resubmits).
    const again = await upload(good, 'image/jpeg');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(p.id);
  });

  it('accepts PNG and WebP, and a multipart field "photo"', async () => {
    const pngImg = await sharp({ create: { width: 20, height: 10, channels: 4, background: '#33aa55' } })
      .png()
      .toBuffer();
    expect((await upload(pngImg, 'image/png')).status).toBe(201);
    const webp = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#123456' } })
      .webp()
      .toBuffer();
    expect((await upload(webp, 'image/webp')).status).toBe(201);
    const form = await request(t.app)
      .post('/api/cases/photos?stage=report')
      .set('Cookie', cookie())
      .attach('photo', await sampleJpeg({ seed: 99 }), { filename: 'IMG_0001.JPG', contentType: 'image/jpeg' });
    expect(form.status).toBe(201);
  });

  it('refuses AVIF (a HEIF container, but not HEIC) with a message', async () => {
    const avif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#abcdef' } })
      .avif()
      .toBuffer();
    const res = await upload(avif, 'image/avif');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/av1|HEIF/i);
  });

  it('keeps the original in restricted storage: only roles with the right fetch it, and it is audited', async () => {
    const jpeg = await sampleJpeg({ seed: 11 });
    const p = (await upload(jpeg, 'image/jpeg')).body as CasePhoto;
    const r = await reportCase(t, cookie(), { photoIds: [p.id] });
    expect(r.status).toBe(201);
    const path = `/api/cases/photos/${p.id}/original`;
    expect((await request(t.app).get(path).set('Cookie', cookie())).status).toBe(403);
    expect((await request(t.app).get(path)).status).toBe(401);
    const orig = await request(t.app).get(path).set('Cookie', t.users.dispatcher!.cookie).buffer(true);
    expect(orig.status).toBe(200);
    expect(Buffer.compare(orig.body as Buffer, jpeg)).toBe(0);
    const [a] = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'case.photo_original' AND object = $1`,
      [`case_photo:${p.id}`],
    );
    expect(Number(a!.n)).toBe(1);
    // The derivative is visible through the case's scope; an unrelated inspector does not see it.
    expect((await request(t.app).get(p.viewUrl).set('Cookie', t.users.inspector2!.cookie)).status).toBe(404);
    expect((await request(t.app).get(p.viewUrl).set('Cookie', t.users.dispatcher!.cookie)).status).toBe(200);
    // Stored files sit under DATA_DIR, never reachable by a URL path.
    expect(filesUnder(t.dataDir).some((f) => f.includes(`${'/original/'}`))).toBe(true);
    expect(
      (await request(t.app).get('/api/cases/photos/..%2F..%2Fetc%2Fpasswd/view').set('Cookie', cookie())).status,
    ).toBeLessThan(500);
  });

  it('answers 404 with a message, not 500, when a recorded photo file is missing from storage', async () => {
    const p = (await upload(await sampleJpeg({ seed: 12 }), 'image/jpeg')).body as CasePhoto;
    for (const f of filesUnder(t.dataDir).filter((f) => f.includes('-view.webp'))) rmSync(f);
    const res = await request(t.app).get(p.viewUrl).set('Cookie', cookie());
    expect(res.status).toBe(404);
    expect((res.body as { error: { message: string } }).error.message).toContain('照片文件已不在存储中');
  });
});

describe('500 malformed uploads of 20 kinds', () => {
  it('answers each with a 4xx and a clear message, never a 5xx, and leaves no file behind', async () => {
    const jpeg = await sampleJpeg({ seed: 3, width: 200, height: 150 });
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .gif()
      .toBuffer();
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } })
      .tiff()
      .toBuffer();
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>';
    const bomb = png(60000, 60000, deflateSync(Buffer.alloc(1024)));
    const brokenPng = png(16, 16, Buffer.from('this is not zlib data at all'));
    const before = filesUnder(t.dataDir).length;

    type Kind = { name: string; send: () => request.Test; status?: number };
    const raw =
      (body: Buffer | string, type: string, query?: string, headers: Record<string, string> = {}) =>
      () => {
        let r = upload(body, type, query);
        for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
        return r;
      };
    const kinds: Kind[] = [
      { name: '0-byte body', send: raw(Buffer.alloc(0), 'image/jpeg') },
      { name: 'truncated JPEG', send: raw(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg') },
      { name: 'SVG with script', send: raw(svg, 'image/svg+xml') },
      { name: 'pixel bomb (60000×60000 PNG header)', send: raw(bomb, 'image/png'), status: 413 },
      { name: 'PDF sent as JPEG', send: raw('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF', 'image/jpeg') },
      {
        name: 'path-traversal file name (multipart)',
        // Built by hand: form encoders reduce a file name to its base name before sending it.
        send: () =>
          request(t.app)
            .post('/api/cases/photos?stage=report')
            .set('Cookie', cookie())
            .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
            .send(multipart('../../../etc/passwd', jpeg)),
      },
      { name: 'oversized body (10 MB + 1)', send: raw(Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), 'image/jpeg'), status: 413 },
      { name: 'GIF (not accepted)', send: raw(gif, 'image/gif') },
      { name: 'TIFF (not accepted)', send: raw(tiff, 'image/tiff') },
      {
        name: 'random bytes',
        send: raw(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'application/octet-stream'),
      },
      { name: 'JSON body', send: raw('{"photo":"data:image/jpeg;base64,AAAA"}', 'application/json') },
      {
        name: 'multipart with the wrong field name',
        send: () =>
          request(t.app)
            .post('/api/cases/photos?stage=report')
            .set('Cookie', cookie())
            .attach('image', jpeg, { filename: 'a.jpg', contentType: 'image/jpeg' }),
      },
      {
        name: 'multipart with two files',
        send: () =>
          request(t.app)
            .post('/api/cases/photos?stage=report')
            .set('Cookie', cookie())
            .attach('photo', jpeg, { filename: 'a.jpg', contentType: 'image/jpeg' })
            .attach('photo', jpeg, { filename: 'b.jpg', contentType: 'image/jpeg' }),
      },
      {
        name: 'JPEG magic then garbage',
        send: raw(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]), 'image/jpeg'),
      },
      { name: 'PNG with a corrupt IDAT', send: raw(brokenPng, 'image/png') },
      { name: 'unknown stage', send: raw(jpeg, 'image/jpeg', 'stage=selfie') },
      { name: 'case that does not exist', send: raw(jpeg, 'image/jpeg', 'stage=feedback&caseId=999999999'), status: 404 },
      {
        name: 'Windows path in X-File-Name',
        send: raw(jpeg, 'image/jpeg', undefined, { 'X-File-Name': 'C:%5Cwindows%5Cevil.jpg' }),
      },
      { name: 'NUL byte in X-File-Name', send: raw(jpeg, 'image/jpeg', undefined, { 'X-File-Name': 'evil%00.jpg' }) },
      { name: 'HTML disguised as PNG', send: raw('<html><body><script>document.cookie</script></body></html>', 'image/png') },
    ];
    expect(kinds).toHaveLength(20);
    const failures: string[] = [];
    let total = 0;
    for (const kind of kinds) {
      for (let i = 0; i < 25; i++) {
        const res = await kind.send();
        total++;
        const message = (res.body as { error?: { message?: string } })?.error?.message ?? '';
        const ok =
          res.status >= 400 &&
          res.status < 500 &&
          (kind.status === undefined || res.status === kind.status) &&
          message.length > 10;
        if (!ok) failures.push(`${kind.name}: ${res.status} ${message || res.text?.slice(0, 100)}`);
        if (i === 0 && ok && kind.status === undefined && res.status !== 400)
          failures.push(`${kind.name}: expected 400, got ${res.status}`);
      }
    }
    expect(total).toBe(500);
    expect([...new Set(failures)]).toEqual([]);
    const after = filesUnder(t.dataDir);
    expect(after.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(after.length).toBe(before);
    const [n] = await t.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM case_photo WHERE uploader_id = $1 AND case_id IS NULL',
      [t.users.inspector!.id],
    );
    expect(Number(n!.n)).toBeLessThan(10);
  });
});
