import express, { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { photoUploadQuery } from '../../contracts/cases';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';
import { unsafeTextError } from '../http/text-safety';
import { actorFrom, scopeFor } from './access';
import type { CaseContext } from './context';
import { readPhotoFile, storeUpload } from './photo-records';
import { checkFileName } from './photos';

/** Case photos over HTTP: one image per upload (raw body or a multipart form), and the stored files by variant. */

const photoIdParam = z.object({
  photoId: z.coerce
    .number()
    .int()
    .positive('photo id is a positive integer')
    .max(Number.MAX_SAFE_INTEGER, 'photo id is too large'),
});

/**
 * Reads the one image of an upload: either the raw body (any image content type) or a multipart form with one
 * file field `photo`. Multipart is held in memory (no temporary files); its file name is checked, never used.
 */
function photoBody(maxBytes: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit: maxBytes });
  const form = multer({
    storage: multer.memoryStorage(),
    // Keep the client's full file name so that a name carrying a path is refused rather than silently trimmed.
    preservePath: true,
    limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldNameSize: 100, fieldSize: 1024, headerPairs: 50 },
  }).single('photo');
  return (req, res, next) => {
    if (req.is('multipart/form-data')) {
      form(req, res, (err: unknown) => {
        // The form's text fields pass the same edge check as every JSON body (gateway/http/text-safety.ts).
        if (!err) return next(unsafeTextError(req.body) ?? undefined);
        if (err instanceof multer.MulterError) {
          const tooLarge = err.code === 'LIMIT_FILE_SIZE';
          return next(
            new AppError(
              tooLarge ? 'payload_too_large' : 'bad_request',
              tooLarge
                ? `图片超过 ${Math.round(maxBytes / 1048576)} MB / the image is larger than ${maxBytes} bytes`
                : `表单不合要求（只能含一个名为 photo 的文件）/ the form must carry exactly one file field "photo": ${err.message}`,
            ),
          );
        }
        next(
          new AppError(
            'bad_request',
            `表单无法解析 / the multipart body could not be read: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      });
      return;
    }
    if (Buffer.isBuffer(req.body)) return next();
    if (req.is('application/json') || req.is('application/x-www-form-urlencoded')) {
      return next(
        new AppError(
          'bad_request',
          '请以图片作为请求体上传（Content-Type: image/jpeg 等），或以 multipart 字段 photo 上传 / send the image itself as the body, or as multipart field "photo"',
        ),
      );
    }
    raw(req, res, next);
  };
}

function uploaded(req: Request): { body: Buffer; fileName: string | null } {
  if (req.file) return { body: req.file.buffer, fileName: req.file.originalname };
  if (req.is('multipart/form-data'))
    throw new AppError('bad_request', '表单中没有名为 photo 的文件 / the form has no file field "photo"');
  const header = req.get('X-File-Name');
  let fileName: string | null = null;
  if (header !== undefined) {
    try {
      fileName = decodeURIComponent(header);
    } catch {
      throw new AppError('bad_request', 'X-File-Name 不是有效的百分号编码：请用 encodeURIComponent 编码文件名');
    }
  }
  return { body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), fileName };
}

/** POST /api/cases/photos and GET /api/cases/photos/:photoId/{view|thumb|original}. */
export function photoRoutes(cases: CaseContext, deps: AppDeps): Router {
  const r = Router();
  const identity = identityOf(deps);

  r.post('/cases/photos', photoBody(cases.tables.settings.photo.maxBytes), async (req, res) => {
    const p = principalOf(req);
    const q = parseInput(photoUploadQuery, req.query);
    const { body, fileName } = uploaded(req);
    checkFileName(fileName);
    const { photo, created } = await storeUpload(cases, body, q, actorFrom(p), scopeFor(identity.policy, p));
    if (created) {
      await identity.audit.append({
        ...origin(req),
        action: 'case.photo',
        outcome: 'ok',
        actor: actorOf(p),
        object: `case_photo:${photo.id}`,
        detail: { stage: photo.stage, caseId: photo.caseId, exifGps: photo.exifGps !== null },
      });
    }
    res.status(created ? 201 : 200).json(photo);
  });

  for (const variant of ['view', 'thumb', 'original'] as const) {
    r.get(`/cases/photos/:photoId/${variant}`, async (req, res) => {
      const p = principalOf(req);
      const { photoId } = parseInput(photoIdParam, req.params);
      const file = await readPhotoFile(cases, photoId, variant, p.userId, scopeFor(identity.policy, p));
      if (variant === 'original') {
        await identity.audit.append({
          ...origin(req),
          action: 'case.photo_original',
          outcome: 'ok',
          actor: actorOf(p),
          object: `case_photo:${photoId}`,
          detail: { caseId: file.caseId },
        });
        res.setHeader('Content-Disposition', `attachment; filename="case-photo-${photoId}"`);
      }
      res.setHeader('Content-Type', file.mime);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.send(file.data);
    });
  }

  return r;
}
