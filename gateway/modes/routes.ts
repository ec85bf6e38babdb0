import { Router } from 'express';
import { modeChangeInput, type ModeState } from '../../contracts/incidents';
import { modeProposalRef, type ModeResponse } from '../../contracts/modes';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { parseInput } from '../http/errors';
import { latestGaugeReadings } from '../feeds/gauge-writer';
import { caseClockEffect } from './case-clocks';
import { openStandingConference, standingConferenceEffect } from './conference';
import { readReceipts } from './receipts';
import { cancelProposal, changeMode, confirmProposal, needsConfirmation, proposeMode, readMode } from './service';

/**
 * The system mode — read by every signed-in client, changed only by a leader (the policy), audited as a command;
 * a switch the target profile guards (real 战时) is proposed by one leader and confirmed by another within the limit —
 * the receipt clocks of orders, and the flood gauges' latest readings.
 */
function modeRoutes({ db, command, cases }: ReadyState, { readiness }: AppDeps): Router {
  const r = Router();
  const hub = readiness.changes;
  const effects = [caseClockEffect(cases), standingConferenceEffect(command.profiles)];
  const actorOf = (req: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(req);
    return { userId: p.userId, username: p.username, displayName: p.displayName };
  };

  r.get('/mode', async (req, res) => {
    const out: ModeResponse = {
      state: await readMode(db),
      profiles: command.profiles,
      conference: await openStandingConference(db),
    };
    res.json(out);
  });

  r.post('/mode', async (req, res) => {
    const input = parseInput(modeChangeInput, req.body ?? {});
    const guard = needsConfirmation(command.profiles, await readMode(db), input);
    if (guard) {
      const proposal = await proposeMode(db, hub, input, actorOf(req), guard.withinMinutes);
      auditChange(req, { proposal: { from: null, to: { id: proposal.id, mode: proposal.mode, drill: proposal.drill } } });
      res.status(202).json({ state: await readMode(db), proposal });
      return;
    }
    const seen: { before?: ModeState } = {};
    const after = await changeMode(db, hub, input, principalOf(req).username, (p) => (seen.before = p), effects);
    const { before } = seen;
    auditChange(req, { mode: { from: before?.mode, to: after.mode }, drill: { from: before?.drill, to: after.drill } });
    res.json(after);
  });

  r.post('/mode/proposals/:id/confirm', async (req, res) => {
    const { id } = parseInput(modeProposalRef, req.params, 'not_found');
    const { before, state } = await confirmProposal(db, hub, id, actorOf(req), effects);
    auditChange(req, {
      proposal: { from: 'pending', to: 'confirmed' },
      mode: { from: before.mode, to: state.mode },
      drill: { from: before.drill, to: state.drill },
    });
    res.json(state);
  });

  r.post('/mode/proposals/:id/cancel', async (req, res) => {
    const { id } = parseInput(modeProposalRef, req.params, 'not_found');
    const state = await cancelProposal(db, hub, id, actorOf(req));
    auditChange(req, { proposal: { from: 'pending', to: 'cancelled' } });
    res.json(state);
  });

  r.get('/mode/receipts', async (req, res) => {
    res.json(await readReceipts(db, command.profiles));
  });

  r.get('/gauges', async (req, res) => {
    res.json({ gauges: await latestGaugeReadings(db, command.stations) });
  });

  return r;
}

export const modesCapability: Capability = { name: 'modes', ready: { paths: ['/mode', '/gauges'], routes: modeRoutes } };
