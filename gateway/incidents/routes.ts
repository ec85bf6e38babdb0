import { auditChange } from '../audit/change-detail';
import { Router } from 'express';
import { z } from 'zod';
import {
  dispatchInput,
  incidentIdParam,
  incidentListQuery,
  incidentTransitionInput,
  mergeInput,
  OPEN_STATES,
  splitInput,
  unitStatusInput,
  type IncidentListResponse,
  type IncidentState,
  type UnitListResponse,
} from '../../contracts/incidents';
import { identityOf } from '../auth/identity';
import { principalOf } from '../auth/request';
import { changeHead } from '../changes/log';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { commandKpis } from './kpis';
import { incidentIds, loadIncidents } from './store';
import { listUnits, unitWriteGuard } from './units';

const unitIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a unit id is 1–64 letters, digits, "_" or "-"') });

/**
 * Incidents, units and the wall's KPIs. Lists carry the change-log head read before them, so a client that
 * applies every change after it misses nothing.
 */
function incidentRoutes({ db, command }: ReadyState, deps: AppDeps): Router {
  const { policy } = identityOf(deps);
  const r = Router();

  r.get('/incidents', async (req, res) => {
    const { status, limit } = parseInput(incidentListQuery, req.query);
    const states: readonly IncidentState[] =
      status === 'open' ? OPEN_STATES : status === 'all' ? [...OPEN_STATES, 'resolved', 'closed', 'cancelled'] : [status];
    const seq = await changeHead(db);
    const body: IncidentListResponse = { incidents: await loadIncidents(db, await incidentIds(db, states, limit)), seq };
    res.json(body);
  });

  r.get('/incidents/:id', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    const [incident] = await loadIncidents(db, [id]);
    if (!incident) throw new AppError('not_found', `没有警情 #${id}：请核对编号，或刷新警情列表`);
    res.json(incident);
  });

  r.get('/incidents/:id/recommendations', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    res.json(await command.actions.recommend(id));
  });

  r.post('/incidents/:id/transition', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    const { action, note } = parseInput(incidentTransitionInput, req.body ?? {});
    if (action === 'dispatch') throw new AppError('bad_request', '派遣请使用专门的接口 POST /incidents/{id}/dispatch');
    const seen: { before?: string } = {};
    const incident = await command.actions.transition(id, action, principalOf(req).username, note ?? null, (s) => {
      seen.before = s;
    });
    auditChange(req, { incident: id, action, status: { from: seen.before ?? null, to: incident.status } });
    res.json(incident);
  });

  r.post('/incidents/:id/dispatch', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    const { unitIds, note } = parseInput(dispatchInput, req.body ?? {});
    const p = principalOf(req);
    res.json(await command.actions.dispatch(id, unitIds, p.username, note ?? null, unitWriteGuard(policy, p)));
  });

  r.post('/incidents/:id/split', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    const { recordId } = parseInput(splitInput, req.body ?? {});
    res.json(await command.actions.split(id, recordId, principalOf(req).username));
  });

  r.post('/incidents/:id/merge', async (req, res) => {
    const { id } = parseInput(incidentIdParam, req.params);
    const { incidentId } = parseInput(mergeInput, req.body ?? {});
    res.json(await command.actions.merge(id, incidentId, principalOf(req).username));
  });

  r.get('/units', async (req, res) => {
    const seq = await changeHead(db);
    const body: UnitListResponse = { units: await listUnits(db), seq };
    res.json(body);
  });

  r.post('/units/:id/status', async (req, res) => {
    const { id } = parseInput(unitIdParam, req.params);
    const { status, note } = parseInput(unitStatusInput, req.body ?? {});
    const p = principalOf(req);
    const seen: { before?: string } = {};
    const unit = await command.actions.unitStatus(id, status, p.username, note ?? null, unitWriteGuard(policy, p), (s) => {
      seen.before = s;
    });
    auditChange(req, { unit: id, status: { from: seen.before ?? null, to: unit.status } });
    res.json(unit);
  });

  r.get('/command/kpis', async (req, res) => {
    res.json(await commandKpis(db));
  });

  return r;
}

export const incidentsCapability: Capability = {
  name: 'incidents',
  ready: { paths: ['/incidents', '/units', '/command'], routes: incidentRoutes },
};
