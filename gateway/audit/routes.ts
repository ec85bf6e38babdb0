import { Router } from 'express';
import { z } from 'zod';
import { auditRangeProblem, type AuditEntryPage } from '../../contracts/audit';
import { auditQuerySchema } from '../../contracts/identity';
import { listAuditEntries } from './entries';
import { auditCsv, listAuditEvents } from './query';
import { verifyAuditChain } from './verify';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';

const MAX_EXPORT = 10_000;
const exportQuery = auditQuerySchema.omit({ limit: true, beforeSeq: true }).extend({
  limit: z.coerce
    .number({ error: `导出条数须为 1 到 ${MAX_EXPORT} 的整数` })
    .int(`导出条数须为 1 到 ${MAX_EXPORT} 的整数`)
    .min(1, `导出条数须为 1 到 ${MAX_EXPORT} 的整数`)
    .max(MAX_EXPORT, `导出条数须为 1 到 ${MAX_EXPORT} 的整数`)
    .default(MAX_EXPORT),
});

const checkRange = (q: { from?: string | undefined; to?: string | undefined }) => {
  const problem = auditRangeProblem(q.from, q.to);
  if (problem) throw new AppError('bad_request', problem);
};

/** The audit administrator's view: search the log, verify the hash chain, export (审计日志). */
function auditRoutes(deps: AppDeps): Router {
  const identity = identityOf(deps);
  const r = Router();

  r.get('/audit/events', async (req, res) => {
    const q = parseInput(auditQuerySchema, req.query);
    checkRange(q);
    res.json(await listAuditEvents(identity.db(), q));
  });

  /** The same rows for people: one entry per action, in Chinese (entries.ts). */
  r.get('/audit/entries', async (req, res) => {
    const q = parseInput(auditQuerySchema, req.query);
    checkRange(q);
    const page: AuditEntryPage = await listAuditEntries(identity.db(), identity.policy, q);
    res.json(page);
  });

  r.post('/audit/verify', async (req, res) => {
    await identity.witness.settle();
    const result = await verifyAuditChain(identity.db(), identity.key, { witnessDir: identity.config.DATA_DIR });
    await identity.audit.append({
      ...origin(req),
      action: 'audit.verify',
      outcome: result.ok ? 'ok' : 'failed',
      actor: actorOf(principalOf(req)),
      object: 'audit_event chain',
      detail: { checked: result.checked, lastSeq: result.lastSeq, firstBroken: result.firstBroken },
    });
    res.json(result);
  });

  /** CSV export. The export is itself audited first: no audit row, no data (fail closed). */
  r.get('/audit/export', async (req, res) => {
    const q = parseInput(exportQuery, req.query);
    checkRange(q);
    const page = await identity.db().transaction(async (tx) => {
      await identity.audit.appendIn(tx, {
        ...origin(req),
        action: 'audit.export',
        outcome: 'ok',
        actor: actorOf(principalOf(req)),
        object: 'audit_event',
        detail: { filter: { user: q.user, action: q.action, outcome: q.outcome, from: q.from, to: q.to }, limit: q.limit },
      });
      return listAuditEvents(tx, q);
    });
    const stamp = identity.now().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`);
    res.send(auditCsv(page.events));
  });

  return r;
}

/** The audit log's reader: its services (identity, the audit writer) exist before start-up and reach the database when asked. */
export const auditCapability: Capability = { name: 'audit', boot: auditRoutes };
