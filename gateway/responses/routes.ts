import express, { Router, type Request } from 'express';
import {
  declareInput,
  dismissInput,
  endInput,
  levelChangeInput,
  responseIdParam,
  responseListQuery,
  taskIdParam,
  taskListQuery,
  taskNoteInput,
  taskPhotoParam,
  taskTransitionInput,
  type ResponseListResponse,
  type SuggestionListResponse,
  type TaskListResponse,
} from '../../contracts/responses';
import { auditChange } from '../audit/change-detail';
import { identityOf } from '../auth/identity';
import { principalOf } from '../auth/request';
import { changeHead } from '../changes/log';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { changeLevel, declareResponse, dismissSuggestion, endResponse, type ResponseActor } from './commands';
import { activeTasks, loadResponses, loadSuggestions, loadTasks, responseIdsByStatus } from './store';
import { addNote, addPhoto, readPhoto, transitionTask } from './tasks';

/** Plans, responses, suggestions and the departments' task boards over HTTP (see contracts/responses.ts). */
function responseRoutes({ responses: ctx }: ReadyState, deps: AppDeps): Router {
  const { policy } = identityOf(deps);
  const r = Router();
  const actor = (req: Request): ResponseActor => {
    const p = principalOf(req);
    return {
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      roleName: policy.roleName(p.role),
      departmentId: p.department?.id ?? null,
    };
  };

  r.get('/plans', (_req, res) => {
    res.json(ctx.plans);
  });

  r.get('/responses', async (req, res) => {
    const { status } = parseInput(responseListQuery, req.query);
    const seq = await changeHead(ctx.db);
    const body: ResponseListResponse = {
      responses: await loadResponses(ctx.db, await responseIdsByStatus(ctx.db, status), ctx.plansById),
      seq,
    };
    res.json(body);
  });

  r.post('/responses', async (req, res) => {
    const input = parseInput(declareInput, req.body ?? {});
    const response = await declareResponse(ctx, input, actor(req));
    auditChange(req, {
      response: response.id,
      plan: response.planId,
      level: { from: null, to: response.level },
      drill: response.drill,
    });
    res.status(201).json(response);
  });

  r.get('/responses/suggestions', async (_req, res) => {
    const seq = await changeHead(ctx.db);
    const body: SuggestionListResponse = { suggestions: await loadSuggestions(ctx.db, { open: true }, ctx.plansById), seq };
    res.json(body);
  });

  r.post('/responses/suggestions/:id/dismiss', async (req, res) => {
    const { id } = parseInput(responseIdParam, req.params);
    const { reason } = parseInput(dismissInput, req.body ?? {});
    await dismissSuggestion(ctx, id, reason, actor(req));
    auditChange(req, { suggestion: id, status: { from: 'open', to: 'dismissed' } });
    const [suggestion] = await loadSuggestions(ctx.db, { ids: [id] }, ctx.plansById);
    res.json(suggestion);
  });

  r.get('/responses/tasks', async (req, res) => {
    const { scope } = parseInput(taskListQuery, req.query);
    const p = principalOf(req);
    // A department's console sees its own tasks; the centre (and anyone asking for all) sees every task.
    const department = scope === 'mine' && p.role === 'handler' ? (p.department?.id ?? '') : null;
    const seq = await changeHead(ctx.db);
    const body: TaskListResponse = { tasks: await activeTasks(ctx.db, department), seq };
    res.json(body);
  });

  r.get('/responses/tasks/:id', async (req, res) => {
    const { id } = parseInput(taskIdParam, req.params);
    const [task] = await loadTasks(ctx.db, [id]);
    if (!task) throw new AppError('not_found', `没有此应急任务：${id}`);
    res.json(task);
  });

  r.post('/responses/tasks/:id/transition', async (req, res) => {
    const { id } = parseInput(taskIdParam, req.params);
    const { action } = parseInput(taskTransitionInput, req.body ?? {});
    const { task, from } = await transitionTask(ctx, id, action, actor(req));
    auditChange(req, { task: id, action, state: { from, to: task.state } });
    res.json(task);
  });

  r.post('/responses/tasks/:id/notes', async (req, res) => {
    const { id } = parseInput(taskIdParam, req.params);
    const input = parseInput(taskNoteInput, req.body ?? {});
    const task = await addNote(ctx, id, input, actor(req));
    auditChange(req, { task: id, note: task.notes.length, checked: input.checked });
    res.status(201).json(task);
  });

  r.post('/responses/tasks/:id/photos', express.raw({ type: () => true, limit: ctx.photo.maxBytes }), async (req, res) => {
    const { id } = parseInput(taskIdParam, req.params);
    if (!Buffer.isBuffer(req.body)) {
      throw new AppError(
        'bad_request',
        '请以图片作为请求体上传（Content-Type: image/jpeg 等）/ send the image itself as the body',
      );
    }
    const task = await addPhoto(ctx, id, req.body, actor(req));
    auditChange(req, { task: id, photos: task.photos.length });
    res.status(201).json(task);
  });

  r.get('/responses/tasks/:id/photos/:photoId/:variant', async (req, res) => {
    const { id, photoId, variant } = parseInput(taskPhotoParam, req.params);
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.send(await readPhoto(ctx, id, photoId, variant));
  });

  r.get('/responses/:id', async (req, res) => {
    const { id } = parseInput(responseIdParam, req.params);
    const [response] = await loadResponses(ctx.db, [id], ctx.plansById);
    if (!response) throw new AppError('not_found', `没有此应急响应：${id}`);
    res.json(response);
  });

  r.post('/responses/:id/level', async (req, res) => {
    const { id } = parseInput(responseIdParam, req.params);
    const { level, reason } = parseInput(levelChangeInput, req.body ?? {});
    const { response, from } = await changeLevel(ctx, id, level, reason, actor(req));
    auditChange(req, { response: id, level: { from, to: response.level } });
    res.json(response);
  });

  r.post('/responses/:id/end', async (req, res) => {
    const { id } = parseInput(responseIdParam, req.params);
    const { reason } = parseInput(endInput, req.body ?? {});
    const response = await endResponse(ctx, id, reason, actor(req));
    auditChange(req, { response: id, status: { from: 'active', to: 'ended' } });
    res.json(response);
  });

  return r;
}

export const responsesCapability: Capability = {
  name: 'responses',
  ready: { paths: ['/plans', '/responses'], routes: responseRoutes },
};
