import { auditChange } from '../audit/change-detail';
import express, { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  CASE_EVENTS,
  caseEventInputs,
  caseIdParam,
  caseListQuery,
  channelKeyInput,
  duplicateQuery,
  evaluationQuery,
  photoUploadQuery,
  reportCaseInput,
  type CalendarSummary,
  type CaseEvent,
} from '../../contracts/cases';
import { identityOf } from '../auth/identity';
import type { Principal } from '../auth/principal';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import { evaluate, evaluateRoles, exportEvaluation } from '../cases/evaluation';
import { checkFileName } from '../cases/photos';
import type { CaseActor, CaseScope } from '../cases/service';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';
import { unsafeTextError } from '../http/text-safety';
import { ready } from '../http/ready';
import type { Policy } from '../policy/policy';
import { caseScopePredicate } from '../policy/scope';

const photoIdParam = z.object({
  photoId: z.coerce
    .number()
    .int()
    .positive('photo id is a positive integer')
    .max(Number.MAX_SAFE_INTEGER, 'photo id is too large'),
});

export const actorFrom = (p: Principal): CaseActor => ({
  id: p.userId,
  name: p.displayName,
  role: p.role,
  departmentId: p.department?.id ?? null,
});

/** The `city_case` columns under the `c` alias that the case scope reads. */
export const CASE_SCOPE_COLUMNS = {
  department: 'c.department_id',
  reporter: 'c.reporter_id',
  inspector: 'c.inspector_id',
  grid: 'c.grid_code',
} as const;

/** The policy's case scope over the `c` alias (gateway/policy/scope.ts; the same rule filters live changes). */
export const scopeFor = (policy: Policy, p: Principal): CaseScope => caseScopePredicate(policy, p, CASE_SCOPE_COLUMNS, 1);

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
      throw new AppError('bad_request', 'X-File-Name is not valid percent-encoding');
    }
  }
  return { body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), fileName };
}

/** 数字城管: categories, cases and their workflow, photos, duplicates, evaluation and channel keys. */
export function caseRoutes(deps: AppDeps): Router {
  const r = Router();
  const policy = () => identityOf(deps).policy;

  r.get('/cases/categories', (req, res) => {
    res.json(ready(deps.readiness, req).cases.tables.categories.tree);
  });

  r.get('/cases/calendar', (req, res) => {
    const f = ready(deps.readiness, req).cases.tables.calendar.file;
    const body: CalendarSummary = {
      version: f.version,
      timezone: f.timezone,
      workingHours: f.workingHours,
      holidays: f.holidays,
      workingWeekends: f.workingWeekends,
      warnFraction: f.warnFraction,
    };
    res.json(body);
  });

  r.get('/cases/duplicates', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const q = parseInput(duplicateQuery, req.query);
    res.json(await cases.service.duplicates(q, scopeFor(policy(), principalOf(req))));
  });

  r.get('/cases/evaluation', async (req, res) => {
    const { cases, db } = ready(deps.readiness, req);
    const q = parseInput(evaluationQuery, req.query);
    res.json(await evaluate(db, cases.tables, q, scopeFor(policy(), principalOf(req))));
  });

  r.get('/cases/evaluation/roles', async (req, res) => {
    const { cases, db } = ready(deps.readiness, req);
    const q = parseInput(evaluationQuery, req.query);
    res.json(await evaluateRoles(db, cases.tables, q));
  });

  r.get('/cases/evaluation/export', async (req, res) => {
    const { cases, db } = ready(deps.readiness, req);
    const q = parseInput(evaluationQuery, req.query);
    if (q.format === 'json') throw new AppError('bad_request', 'format is csv or xlsx for an export');
    const result = await evaluate(db, cases.tables, q, scopeFor(policy(), principalOf(req)));
    const file = await exportEvaluation(result, q.format);
    res.setHeader('Content-Type', file.mime);
    res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    res.send(file.data);
  });

  r.post('/cases/channels', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const p = principalOf(req);
    const { channel, name } = parseInput(channelKeyInput, req.body ?? {});
    const issued = await cases.service.issueChannelKey(channel, name, p.username);
    await identityOf(deps).audit.append({
      ...origin(req),
      action: 'case.channel_admin',
      outcome: 'ok',
      actor: actorOf(p),
      object: `case_channel:${issued.id}`,
      detail: { channel, name },
    });
    res.status(201).json(issued);
  });

  let readPhoto: RequestHandler | null = null;
  r.post('/cases/photos', (req, res, next) => {
    const { cases } = ready(deps.readiness, req);
    readPhoto ??= photoBody(cases.tables.settings.photo.maxBytes);
    readPhoto(req, res, next);
  });
  r.post('/cases/photos', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const p = principalOf(req);
    const q = parseInput(photoUploadQuery, req.query);
    const { body, fileName } = uploaded(req);
    checkFileName(fileName);
    const { photo, created } = await cases.service.upload(body, q, actorFrom(p), scopeFor(policy(), p));
    if (created) {
      await identityOf(deps).audit.append({
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
      const { cases } = ready(deps.readiness, req);
      const p = principalOf(req);
      const { photoId } = parseInput(photoIdParam, req.params);
      const file = await cases.service.photoFile(photoId, variant, p.userId, scopeFor(policy(), p));
      if (variant === 'original') {
        await identityOf(deps).audit.append({
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

  r.get('/cases', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const q = parseInput(caseListQuery, req.query);
    const p = principalOf(req);
    res.json(await cases.service.list(q, scopeFor(policy(), p), p.userId));
  });

  r.post('/cases', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const p = principalOf(req);
    const input = parseInput(reportCaseInput, req.body ?? {});
    const result = await cases.service.report(input, actorFrom(p));
    res.status(result.created ? 201 : 200).json(result);
  });

  r.get('/cases/:id', async (req, res) => {
    const { cases } = ready(deps.readiness, req);
    const p = principalOf(req);
    const { id } = parseInput(caseIdParam, req.params);
    res.json(await cases.service.detail(id, p.role, scopeFor(policy(), p)));
  });

  for (const event of CASE_EVENTS) {
    r.post(`/cases/:id/${event}`, async (req, res) => {
      const { cases } = ready(deps.readiness, req);
      const p = principalOf(req);
      const { id } = parseInput(caseIdParam, req.params);
      const input = parseInput(caseEventInputs[event] as z.ZodType, req.body ?? {});
      const detail = await cases.service.apply(id, event as CaseEvent, input as never, actorFrom(p), scopeFor(policy(), p));
      // The step this event wrote says what it changed: the state from → to and its details (department, extension…).
      const step = detail.steps
        .filter((s) => s.event === event)
        .reduce<(typeof detail.steps)[number] | null>((a, b) => (a && a.seq > b.seq ? a : b), null);
      auditChange(req, { case: id, event, state: { from: step?.from ?? null, to: detail.state }, step: step?.data ?? null });
      res.json({ case: detail });
    });
  }

  return r;
}
