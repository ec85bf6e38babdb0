import { Router } from 'express';
import { z } from 'zod';
import {
  handoverInputSchema,
  handoverListQuerySchema,
  rosterImportSchema,
  shiftInputSchema,
  shiftListQuerySchema,
  shiftPatchSchema,
} from '../../contracts/duty';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { dutyChanges } from './changes';
import { createHandover, listHandovers, receiveHandover } from './handovers';
import { parseRoster } from './roster-import';
import { cancelShift, createShifts, dutyNow, listShifts, shiftsById, updateShift } from './shifts';

const idParam = z.object({ id: z.uuid({ error: '编号格式不正确' }) });
const nowQuery = z
  .object({ at: z.iso.datetime({ offset: true, error: '时间须为 ISO 8601 格式（含时区）' }).optional() })
  .strict();
const DAY = 86_400_000;

/** Duty (值班): who is on duty now, the rosters' shifts, roster import, handover notes. */
function dutyRoutes({ db }: ReadyState, { readiness }: AppDeps): Router {
  const r = Router();

  r.get('/duty/now', async (req, res) => {
    const q = parseInput(nowQuery, req.query);
    res.json(await dutyNow(db, q.at ? new Date(q.at) : new Date()));
  });

  r.get('/duty/shifts', async (req, res) => {
    const q = parseInput(shiftListQuerySchema, req.query);
    const from = q.from ? new Date(q.from) : new Date(Date.now() - DAY);
    const to = q.to ? new Date(q.to) : new Date(from.getTime() + 8 * DAY);
    if (to <= from) throw new AppError('bad_request', '结束时间须晚于开始时间');
    if (to.getTime() - from.getTime() > 62 * DAY) throw new AppError('bad_request', '一次最多查询 62 天的排班');
    res.json({
      from: from.toISOString(),
      to: to.toISOString(),
      shifts: await listShifts(db, { from, to, departmentId: q.departmentId }),
    });
  });

  const writeShifts = async (inputs: Parameters<typeof createShifts>[1], actor: string) => {
    const { shifts, changes } = await db.transaction(async (tx) => {
      const ids = await createShifts(tx, inputs, actor, new Date());
      const created = await shiftsById(tx, ids);
      return { shifts: created, changes: await dutyChanges(tx, { shifts: created }) };
    });
    readiness.changes.publish(changes);
    return shifts;
  };

  r.post('/duty/shifts', async (req, res) => {
    const input = parseInput(shiftInputSchema, req.body ?? {});
    const [shift] = await writeShifts([input], principalOf(req).username);
    auditChange(req, { shift: { id: shift!.id, department: shift!.departmentId, user: shift!.userId, role: shift!.dutyRole } });
    res.status(201).json(shift);
  });

  r.post('/duty/shifts/import', async (req, res) => {
    const input = parseInput(rosterImportSchema, req.body ?? {});
    const parsed = await parseRoster(db, input);
    const shifts = await writeShifts(parsed, principalOf(req).username);
    auditChange(req, { imported: { shifts: shifts.length, departments: [...new Set(shifts.map((s) => s.departmentId))] } });
    res.status(201).json({ imported: shifts.length, shifts });
  });

  r.patch('/duty/shifts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const patch = parseInput(shiftPatchSchema, req.body ?? {});
    const { before, after, changes } = await db.transaction(async (tx) => {
      const result = await updateShift(tx, id, patch, new Date());
      return { ...result, changes: await dutyChanges(tx, { shifts: [result.after] }) };
    });
    readiness.changes.publish(changes);
    auditChange(req, {
      shift: id,
      dutyRole: { from: before.dutyRole, to: after.dutyRole },
      startsAt: { from: before.startsAt, to: after.startsAt },
      endsAt: { from: before.endsAt, to: after.endsAt },
    });
    res.json(after);
  });

  r.delete('/duty/shifts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { shift, changes } = await db.transaction(async (tx) => {
      const cancelled = await cancelShift(tx, id, new Date());
      return { shift: cancelled, changes: await dutyChanges(tx, { shifts: [cancelled] }) };
    });
    readiness.changes.publish(changes);
    auditChange(req, { shift: id, cancelled: { from: null, to: shift.cancelledAt } });
    res.json(shift);
  });

  r.get('/duty/handovers', async (req, res) => {
    const q = parseInput(handoverListQuerySchema, req.query);
    res.json({ handovers: await listHandovers(db, q.departmentId) });
  });

  r.post('/duty/handovers', async (req, res) => {
    const input = parseInput(handoverInputSchema, req.body ?? {});
    const p = principalOf(req);
    const { handover, changes } = await db.transaction(async (tx) => {
      const h = await createHandover(tx, input, { userId: p.userId, displayName: p.displayName }, new Date());
      return { handover: h, changes: await dutyChanges(tx, { handover: h }) };
    });
    readiness.changes.publish(changes);
    auditChange(req, { handover: { id: handover.id, department: handover.departmentId, openItems: handover.openItems.length } });
    res.status(201).json(handover);
  });

  r.post('/duty/handovers/:id/receive', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const p = principalOf(req);
    const { handover, changes } = await db.transaction(async (tx) => {
      const h = await receiveHandover(tx, id, { userId: p.userId, displayName: p.displayName }, new Date());
      return { handover: h, changes: await dutyChanges(tx, { handover: h }) };
    });
    readiness.changes.publish(changes);
    auditChange(req, { handover: id, receivedBy: { from: null, to: p.username } });
    res.json(handover);
  });

  return r;
}

export const dutyCapability: Capability = { name: 'duty', ready: { paths: ['/duty'], routes: dutyRoutes } };
