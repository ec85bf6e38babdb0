import type { Change, Incident } from '../../contracts/incidents';
import { WARNING_HAZARDS } from '../../contracts/warnings';
import { levelRank, type ResponseLevel } from '../../contracts/plans';
import { readMode } from '../modes/service';
import { matchPlans, type TriggerFact, type TriggerMatch } from '../plans/triggers';
import type { Queryable } from '../../geo/db/types';
import { changesAfter } from '../changes/log';
import { runCommand, type ResponseContext, type Touched } from './context';

/**
 * Suggestions (启动建议): every committed incident change (opened, fused, re-prioritised, moved along), every new
 * gauge reading and every warning published or adjusted is matched against the plans' triggers; a match no active response already covers, and no
 * suggestion at that level or above already made, becomes an open suggestion on the change log, so every wall shows
 * it with its reason.
 */

export function incidentFact(i: Incident): TriggerFact {
  const casualties = i.records.reduce<number | null>(
    (m, r) => (r.casualties === null ? m : Math.max(m ?? 0, r.casualties)),
    null,
  );
  return {
    kind: 'incident',
    id: i.id,
    status: i.status,
    category: i.category,
    priority: i.priority,
    agencies: new Set(i.sources).size,
    casualties,
    title: i.title,
  };
}

/** The facts of a batch of changes: the latest state of each incident, every gauge reading. */
export function factsOf(ctx: ResponseContext, changes: readonly Change[]): { fact: TriggerFact; drill: boolean }[] {
  const incidents = new Map<number, Incident>();
  const out: { fact: TriggerFact; drill: boolean }[] = [];
  for (const c of changes) {
    if (c.incident) incidents.set(c.incident.id, c.incident);
    // A warning in force (发布 or 调整) is a fact under its hazard's Chinese name, as the plans name it.
    if (c.warning && c.warning.state === 'active' && c.warning.msgType !== 'Cancel') {
      out.push({
        fact: { kind: 'warning', id: c.warning.id, hazard: WARNING_HAZARDS[c.warning.hazard].label, color: c.warning.level },
        drill: c.warning.drill,
      });
    }
    if (c.gauge) {
      const s = ctx.stations.get(c.gauge.stationId);
      out.push({
        fact: {
          kind: 'gauge',
          stationId: c.gauge.stationId,
          name: c.gauge.name,
          river: c.gauge.river,
          waterLevelM: c.gauge.waterLevelM,
          rainfallMm: c.gauge.rainfallMm,
          warningLevelM: s?.warningLevelM ?? c.gauge.warningLevelM,
          guaranteeLevelM: s?.guaranteeLevelM ?? null,
        },
        drill: false,
      });
    }
  }
  for (const i of incidents.values()) out.push({ fact: incidentFact(i), drill: i.drill });
  return out;
}

type Candidate = { m: TriggerMatch; drill: boolean };

const candidatesOf = (ctx: ResponseContext, changes: readonly Change[]): Candidate[] =>
  factsOf(ctx, changes).flatMap(({ fact, drill }) => matchPlans(ctx.plans, fact).map((m) => ({ m, drill })));

/** Records the suggestions the candidates call for, in the caller's transaction; returns those made. */
async function recordSuggestions(
  ctx: ResponseContext,
  tx: Queryable,
  touched: Touched,
  candidates: readonly Candidate[],
): Promise<TriggerMatch[]> {
  const mode = await readMode(tx);
  const made: TriggerMatch[] = [];
  for (const { m, drill } of candidates) {
    // Covered: an active response of the plan for this incident (any level), or, for a gauge or a warning, at this level
    // or above.
    const [covered] = await tx.query<{ level: ResponseLevel }>(
      `SELECT level FROM emergency_response WHERE status = 'active' AND plan_id = $1
            AND (incident_ids && $2::bigint[] OR cardinality($2::bigint[]) = 0)`,
      [m.planId, m.incidentIds],
    );
    if (covered && (m.incidentIds.length || levelRank(covered.level) >= levelRank(m.level))) continue;
    const earlier = await tx.query<{ id: string; level: ResponseLevel; status: string }>(
      `SELECT id, level, status FROM response_suggestion WHERE plan_id = $1 AND basis_kind = $2 AND basis_key = $3`,
      [m.planId, m.basis.kind, m.basis.key],
    );
    if (earlier.some((e) => levelRank(e.level) >= levelRank(m.level))) continue;
    const now = ctx.now();
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO response_suggestion (plan_id, plan_version, level, basis_kind, basis_key, incident_ids, reason, drill,
                                          created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT (plan_id, basis_kind, basis_key, level) DO NOTHING RETURNING id`,
      [m.planId, m.planVersion, m.level, m.basis.kind, m.basis.key, m.incidentIds, m.reason, drill || mode.drill, now],
    );
    if (!row) continue;
    touched.suggestions.add(row.id);
    // A lower suggestion still open for the same basis is replaced by this one.
    for (const e of earlier.filter((x) => x.status === 'open')) {
      await tx.query(
        `UPDATE response_suggestion SET status = 'dismissed', decided_by = 'system', updated_at = $2 WHERE id = $1`,
        [e.id, now],
      );
      touched.suggestions.add(e.id);
    }
    made.push(m);
  }
  return made;
}

/** Changes read from the log per step of the matcher. */
const BATCH = 500;

const CURSOR_SQL = 'SELECT seq FROM response_trigger_cursor WHERE id = 1';

/**
 * The matcher: reads the committed changes after its cursor in the change log, matches the incident, gauge and
 * warning ones against the plans, and records the suggestions and the new cursor in one transaction — so a change
 * is matched once, by whichever gateway gets there first, even when the gateway that committed it died before
 * matching. A step without any match only moves the cursor, without the change log's lock. Returns the suggestions
 * made.
 */
export async function matchCommittedChanges(ctx: ResponseContext): Promise<TriggerMatch[]> {
  const made: TriggerMatch[] = [];
  for (;;) {
    const [cursor] = await ctx.db.query<{ seq: string }>(CURSOR_SQL);
    const from = Number(cursor?.seq ?? 0);
    const changes = await changesAfter(ctx.db, from, BATCH);
    if (!changes.length) return made;
    const to = changes[changes.length - 1]!.seq;
    if (!candidatesOf(ctx, changes).length) {
      await ctx.db.query('UPDATE response_trigger_cursor SET seq = $1 WHERE id = 1 AND seq < $1', [to]);
    } else {
      const step = (upTo: number) =>
        runCommand(ctx, async (tx, touched) => {
          // Under the change log's lock and the cursor's row lock: another gateway may have matched part of the
          // range meanwhile, so the range is read again from where the cursor stands now.
          const [now] = await tx.query<{ seq: string }>(`${CURSOR_SQL} FOR UPDATE`);
          const start = Number(now?.seq ?? 0);
          if (start >= upTo) return [];
          const range = (await changesAfter(tx, start, BATCH)).filter((c) => c.seq <= upTo);
          const result = await recordSuggestions(ctx, tx, touched, candidatesOf(ctx, range));
          await tx.query('UPDATE response_trigger_cursor SET seq = $1 WHERE id = 1', [upTo]);
          return result;
        });
      try {
        made.push(...(await step(to)));
      } catch (err) {
        // One change that cannot be matched must not hold up the others: one change at a time, and the one that
        // fails is logged and set aside. (With the database gone, moving the cursor fails too, and nothing is skipped.)
        ctx.log.warn({ err }, 'plan trigger matching failed for a range of changes; matching them one by one');
        for (const c of changes) {
          try {
            made.push(...(await step(c.seq)));
          } catch (one) {
            ctx.log.error({ err: one, seq: c.seq }, 'plan trigger matching failed for this change; it is set aside');
            await ctx.db.query('UPDATE response_trigger_cursor SET seq = $1 WHERE id = 1 AND seq < $1', [c.seq]);
          }
        }
      }
    }
    if (changes.length < BATCH) return made;
  }
}

/**
 * Runs the matcher at start-up (changes a dead gateway committed but never matched) and after every batch of this
 * process's committed changes that holds an incident, gauge or warning change; runs never overlap, and a batch that
 * arrives during a run starts one more. Other gateways' changes are matched by those gateways, or here at the next run.
 */
export function watchForTriggers(ctx: ResponseContext): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = matchCommittedChanges(ctx)
      .then(
        () => undefined,
        (err: unknown) => ctx.log.warn({ err }, 'plan trigger matching failed; the changes are matched at the next run'),
      )
      .finally(() => {
        running = null;
        if (again) run();
      });
  };
  run();
  return ctx.hub.subscribe((changes) => {
    if (changes.some((c) => c.incident || c.gauge || c.warning)) run();
  });
}
