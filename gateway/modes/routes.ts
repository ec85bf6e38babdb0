import { Router } from 'express';
import { modeChangeInput, type ModeState } from '../../contracts/incidents';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { parseInput } from '../http/errors';
import { latestGaugeReadings } from '../feeds/gauge-writer';
import { changeMode, readMode } from './service';

/**
 * The system mode — read by every signed-in client, changed only by a leader (the policy), audited as a command —
 * and the flood gauges' latest readings.
 */
function modeRoutes({ db, command }: ReadyState, { readiness }: AppDeps): Router {
  const r = Router();

  r.get('/mode', async (req, res) => {
    res.json({ state: await readMode(db), profiles: command.profiles });
  });

  r.post('/mode', async (req, res) => {
    const input = parseInput(modeChangeInput, req.body ?? {});
    const seen: { before?: ModeState } = {};
    const after = await changeMode(db, readiness.changes, input, principalOf(req).username, (p) => (seen.before = p));
    const { before } = seen;
    auditChange(req, { mode: { from: before?.mode, to: after.mode }, drill: { from: before?.drill, to: after.drill } });
    res.json(after);
  });

  r.get('/gauges', async (req, res) => {
    res.json({ gauges: await latestGaugeReadings(db, command.stations) });
  });

  return r;
}

export const modesCapability: Capability = { name: 'modes', ready: { paths: ['/mode', '/gauges'], routes: modeRoutes } };
