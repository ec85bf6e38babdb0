import type { Logger } from 'pino';
import type { Plan } from '../../contracts/plans';
import type { Change } from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { appendChanges, lockChangeLog, type ChangeInput } from '../changes/log';
import type { GaugeStation } from '../feeds/gauges';
import { loadPlans } from '../plans/load';
import type { CaseSettings } from '../cases/tables';
import { loadResponses, loadSuggestions, loadTasks } from './store';

/**
 * What every response operation works with: the plans of data/plans/ (checked at start-up), the database, the
 * change hub, the gauge stations (for their warning and guarantee levels), the photo rules shared with cases, and
 * the clock — injected, so that tests drive deadlines and escalation.
 */
export interface ResponseContext {
  readonly db: Db;
  readonly hub: ChangeHub;
  readonly plans: readonly Plan[];
  readonly plansById: ReadonlyMap<string, Plan>;
  readonly stations: ReadonlyMap<string, GaugeStation>;
  readonly photo: CaseSettings['photo'];
  readonly log: Logger;
  now: () => Date;
}

export function buildResponseContext(opts: {
  db: Db;
  hub: ChangeHub;
  log: Logger;
  stations: readonly GaugeStation[];
  roles: readonly string[];
  departments: readonly string[];
  photo: CaseSettings['photo'];
  plans?: readonly Plan[];
}): ResponseContext {
  const plans =
    opts.plans ??
    loadPlans({
      roles: new Set(opts.roles),
      departments: new Set(opts.departments),
      stations: new Set(opts.stations.map((s) => s.stcd)),
    });
  return {
    db: opts.db,
    hub: opts.hub,
    plans,
    plansById: new Map(plans.map((p) => [p.id, p])),
    stations: new Map(opts.stations.map((s) => [s.stcd, s])),
    photo: opts.photo,
    log: opts.log,
    now: () => new Date(),
  };
}

/** Responses, tasks and suggestions a command changed; each appended to the change log once, at the end. */
export class Touched {
  readonly responses = new Set<string>();
  readonly tasks = new Set<string>();
  readonly suggestions = new Set<string>();

  async append(ctx: ResponseContext, tx: Queryable): Promise<Change[]> {
    const responses = await loadResponses(tx, [...this.responses], ctx.plansById);
    const tasks = await loadTasks(tx, [...this.tasks]);
    const suggestions = await loadSuggestions(tx, { ids: [...this.suggestions] }, ctx.plansById);
    const items: ChangeInput[] = [
      ...suggestions.map((suggestion) => ({
        topic: 'response' as const,
        entity: `suggestion:${suggestion.id}`,
        district: null,
        payload: { suggestion },
      })),
      ...responses.map((response) => ({
        topic: 'response' as const,
        entity: response.id,
        district: null,
        payload: { response },
      })),
      ...tasks.map((task) => ({ topic: 'response_task' as const, entity: task.id, district: null, payload: { task } })),
    ];
    return appendChanges(tx, items);
  }
}

/** One command: a transaction holding the change-log lock, its changes appended at the end and published after commit. */
export async function runCommand<T>(ctx: ResponseContext, fn: (tx: Queryable, touched: Touched) => Promise<T>): Promise<T> {
  const { result, changes } = await ctx.db.transaction(async (tx) => {
    await lockChangeLog(tx);
    const touched = new Touched();
    const result = await fn(tx, touched);
    return { result, changes: await touched.append(ctx, tx) };
  });
  ctx.hub.publish(changes);
  return result;
}
