import { Router } from 'express';
import type { z } from 'zod';
import {
  CASE_EVENTS,
  caseEventInputs,
  caseIdParam,
  caseListQuery,
  channelKeyInput,
  duplicateQuery,
  evaluationQuery,
  reportCaseInput,
  type CalendarSummary,
  type CaseEvent,
  type CaseEventResponse,
  type CaseEventInput,
} from '../../contracts/cases';
import { evaluationCasesQuery, evaluationDepartmentsQuery, evaluationTrendQuery } from '../../contracts/cases/evaluation-detail';
import { auditChange } from '../audit/change-detail';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, inputError, parseInput } from '../http/errors';
import { actorFrom, scopeFor } from './access';
import { issueChannelKey } from './channels';
import type { CaseContext } from './context';
import { findDuplicates } from './duplicates';
import { evaluate, evaluateRoles, exportEvaluation } from './evaluation';
import { evaluationCases, evaluationDepartments, evaluationTrend } from './evaluation-detail';
import { applyCaseEvent } from './events';
import { listCases } from './list';
import { photoRoutes } from './photo-routes';
import { reportCase } from './reporting';
import { readCase } from './store';

/** A body schema seen through the type of what it parses (a zod schema's own type hides it from a generic event). */
interface BodyParser<T> {
  safeParse(body: unknown): z.ZodSafeParseResult<T>;
}
/** Each event's body schema (contracts/cases/inputs.ts), checked here to parse exactly that event's input. */
const EVENT_BODIES: { [E in CaseEvent]: BodyParser<CaseEventInput<E>> } = caseEventInputs;

/** POST /api/cases/:id/{event}: the body checked by the event's own schema, so the effect gets its typed input. */
function eventRoute<E extends CaseEvent>(r: Router, cases: CaseContext, deps: AppDeps, event: E): void {
  const identity = identityOf(deps);
  r.post(`/cases/:id/${event}`, async (req, res) => {
    const p = principalOf(req);
    const { id } = parseInput(caseIdParam, req.params);
    const body = EVENT_BODIES[event].safeParse(req.body ?? {});
    if (!body.success) throw inputError(body.error);
    const input = body.data;
    const detail = await applyCaseEvent(cases, id, event, input, actorFrom(p), scopeFor(identity.policy, p));
    // The step this event wrote says what it changed: the state from → to and its details (department, extension…).
    const step = detail.steps
      .filter((s) => s.event === event)
      .reduce<(typeof detail.steps)[number] | null>((a, b) => (a && a.seq > b.seq ? a : b), null);
    auditChange(req, { case: id, event, state: { from: step?.from ?? null, to: detail.state }, step: step?.data ?? null });
    const answer: CaseEventResponse = { case: detail };
    res.json(answer);
  });
}

/** 数字城管: categories, cases and their workflow, photos, duplicates, evaluation and channel keys. */
function caseRoutes({ db, cases }: ReadyState, deps: AppDeps): Router {
  const r = Router();
  const identity = identityOf(deps);
  const scopeOf = (req: Parameters<typeof principalOf>[0]) => scopeFor(identity.policy, principalOf(req));

  r.get('/cases/categories', (_req, res) => {
    res.json(cases.tables.categories.tree);
  });

  r.get('/cases/calendar', (_req, res) => {
    const f = cases.tables.calendar.file;
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
    const q = parseInput(duplicateQuery, req.query);
    res.json(await findDuplicates(cases, q, scopeOf(req)));
  });

  r.get('/cases/evaluation', async (req, res) => {
    const q = parseInput(evaluationQuery, req.query);
    res.json(await evaluate(db, cases.tables, q, scopeOf(req)));
  });

  r.get('/cases/evaluation/roles', async (req, res) => {
    const q = parseInput(evaluationQuery, req.query);
    res.json(await evaluateRoles(db, cases.tables, q));
  });

  r.get('/cases/evaluation/trend', async (req, res) => {
    const q = parseInput(evaluationTrendQuery, req.query);
    res.json(await evaluationTrend(db, q, scopeOf(req)));
  });

  r.get('/cases/evaluation/cases', async (req, res) => {
    const q = parseInput(evaluationCasesQuery, req.query);
    res.json(await evaluationCases(db, cases.tables, q, scopeOf(req)));
  });

  r.get('/cases/evaluation/departments', async (req, res) => {
    const q = parseInput(evaluationDepartmentsQuery, req.query);
    res.json(await evaluationDepartments(db, q, scopeOf(req)));
  });

  r.get('/cases/evaluation/export', async (req, res) => {
    const q = parseInput(evaluationQuery, req.query);
    if (q.format === 'json') throw new AppError('bad_request', '导出格式须为 csv 或 xlsx');
    const result = await evaluate(db, cases.tables, q, scopeOf(req));
    const file = await exportEvaluation(result, q.format);
    res.setHeader('Content-Type', file.mime);
    res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    res.send(file.data);
  });

  r.post('/cases/channels', async (req, res) => {
    const p = principalOf(req);
    const { channel, name } = parseInput(channelKeyInput, req.body ?? {});
    const issued = await issueChannelKey(db, channel, name, p.username);
    await identity.audit.append({
      ...origin(req),
      action: 'case.channel_admin',
      outcome: 'ok',
      actor: actorOf(p),
      object: `case_channel:${issued.id}`,
      detail: { channel, name },
    });
    res.status(201).json(issued);
  });

  r.use(photoRoutes(cases, deps));

  r.get('/cases', async (req, res) => {
    const q = parseInput(caseListQuery, req.query);
    const p = principalOf(req);
    res.json(await listCases(cases, q, scopeFor(identity.policy, p), p.userId));
  });

  r.post('/cases', async (req, res) => {
    const p = principalOf(req);
    const input = parseInput(reportCaseInput, req.body ?? {});
    const result = await reportCase(cases, input, actorFrom(p));
    res.status(result.created ? 201 : 200).json(result);
  });

  r.get('/cases/:id', async (req, res) => {
    const p = principalOf(req);
    const { id } = parseInput(caseIdParam, req.params);
    res.json(await readCase(cases, id, p.role, scopeFor(identity.policy, p)));
  });

  for (const event of CASE_EVENTS) eventRoute(r, cases, deps, event);

  return r;
}

/** The case API under /api/cases, served once the case context is built. */
export const casesCapability: Capability = {
  name: 'cases',
  ready: { paths: ['/cases'], routes: caseRoutes },
};
