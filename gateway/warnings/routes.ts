import { Router, type Request } from 'express';
import {
  cancelWarningInput,
  publishWarningInput,
  type WarningAreasResponse,
  type WarningListResponse,
} from '../../contracts/warnings';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import { changeHead } from '../changes/log';
import type { AppDeps, Readiness, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { CAP_MEDIA_TYPE, capAreasOf, capDocument, capFeed } from './cap';
import { ExpirySweep } from './expiry';
import { cancelWarning, publishWarning, SENDER_NAME, updateWarning } from './service';
import { activeWarnings, areaChoices, feedMessages, toWarning, warningRow } from './store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CAP_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.cap$/;

/** Each started platform's expiry sweep, poked after every publish so that an early expiry is not waited for. */
const sweeps = new WeakMap<Readiness, ExpirySweep>();

function warningId(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!UUID.test(id)) throw new AppError('not_found', '预警编号格式不正确');
  return id;
}

/** The site's own address as the request reached it, for the feed's absolute links. */
const baseUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/**
 * Public warnings (预警): the list in force and the CAP 1.2 documents and feed for everyone (no login, as alert
 * feeds are); publishing, adjusting and lifting for leaders and commanders (the policy), audited as commands, each
 * through the change log to every wall.
 */
function warningRoutes({ db }: ReadyState, { readiness }: AppDeps): Router {
  const r = Router();
  const ctx = { db, hub: readiness.changes };
  const poke = () => sweeps.get(readiness)?.poke();

  r.get('/warnings', async (_req, res) => {
    const seq = await changeHead(db);
    const body: WarningListResponse = { warnings: (await activeWarnings(db)).map(toWarning), seq };
    res.json(body);
  });

  r.get('/warnings/areas', async (_req, res) => {
    const rows = await areaChoices(db);
    const body: WarningAreasResponse = {
      districts: rows.filter((a) => a.kind === 'district').map((a) => ({ code: a.code, name: a.name })),
      streets: rows
        .filter((a) => a.kind === 'street')
        .map((a) => ({ code: a.code, name: a.name, districtCode: a.district_code })),
    };
    res.json(body);
  });

  r.get('/warnings/cap', async (req, res) => {
    const messages = (await feedMessages(db)).map(toWarning);
    res.type('application/atom+xml').send(capFeed(messages, baseUrl(req), SENDER_NAME, new Date()));
  });

  r.get('/warnings/:file', async (req, res) => {
    const m = CAP_FILE.exec(String(req.params.file));
    if (!m) throw new AppError('not_found', '没有这个预警文档：地址应为 /api/warnings/{编号}.cap');
    const row = await warningRow(db, m[1]!);
    if (!row) throw new AppError('not_found', `没有编号为 ${m[1]} 的预警`);
    const ref = row.references_id ? await warningRow(db, row.references_id) : null;
    const reference = ref ? { identifier: ref.identifier, sentAt: toWarning(ref).sentAt } : null;
    res.type(CAP_MEDIA_TYPE).send(capDocument(toWarning(row), capAreasOf(row), reference, row.note));
  });

  r.post('/warnings', async (req, res) => {
    const input = parseInput(publishWarningInput, req.body ?? {});
    const warning = await publishWarning(ctx, input, principalOf(req));
    poke();
    auditChange(req, { warning: { id: warning.id, level: warning.level, hazard: warning.hazard, area: warning.areaDesc } });
    res.status(201).json(warning);
  });

  r.post('/warnings/:id/update', async (req, res) => {
    const id = warningId(req);
    const input = parseInput(publishWarningInput, req.body ?? {});
    const result = await updateWarning(ctx, id, input, principalOf(req));
    poke();
    auditChange(req, {
      warning: { id: result.warning.id, replaces: id, level: { from: result.replaced.level, to: result.warning.level } },
    });
    res.json(result);
  });

  r.post('/warnings/:id/cancel', async (req, res) => {
    const id = warningId(req);
    const input = parseInput(cancelWarningInput, req.body ?? {});
    const result = await cancelWarning(ctx, id, input, principalOf(req));
    auditChange(req, { warning: { id, cancelledBy: result.notice.id, reason: input.reason } });
    res.json(result);
  });

  return r;
}

/** Starts the platform's expiry sweep once it is ready (one per started platform). */
function startSweep({ readiness, log }: AppDeps): Router {
  void readiness.whenReady().then((state) => {
    if (!sweeps.has(readiness)) sweeps.set(readiness, new ExpirySweep(state.db, readiness.changes, log).start());
  });
  return Router();
}

export const warningsCapability: Capability = {
  name: 'warnings',
  boot: startSweep,
  ready: { paths: ['/warnings'], routes: warningRoutes },
};
