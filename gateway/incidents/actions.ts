import {
  INCIDENT_ACTION_LABELS,
  INCIDENT_STATE_LABELS,
  INCIDENT_TRANSITIONS,
  nextIncidentState,
  OPEN_STATES,
  UNIT_STATUS_LABELS,
  type Change,
  type FeedSource,
  type Incident,
  type IncidentAction,
  type IncidentState,
  type RecommendationResponse,
  type Unit,
  type UnitStatus,
  type UnitType,
} from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { RoutingService } from '../../geo/routing/service';
import type { ChangeHub } from '../changes/hub';
import { appendChanges, lockChangeLog, type ChangeInput } from '../changes/log';
import { AppError } from '../http/errors';
import type { FusionRules } from './fusion';
import { liftRoadEffects, noteWithLifted } from './road-effects';
import { loadIncidents, recomputeIncidents } from './store';
import { listUnits, loadUnits, type UnitGuard } from './units';

const RELEASING: readonly IncidentState[] = ['resolved', 'closed', 'cancelled'];
/** How a unit's own status moves the incident it serves. */
const UNIT_DRIVES_INCIDENT: Partial<Record<UnitStatus, IncidentAction>> = { en_route: 'en_route', on_scene: 'on_scene' };
/** Unit status moves an operator or the unit's terminal may make. */
const UNIT_MOVES: Record<UnitStatus, readonly UnitStatus[]> = {
  available: ['out_of_service'],
  assigned: ['en_route', 'on_scene', 'available'],
  en_route: ['on_scene', 'available'],
  on_scene: ['available'],
  out_of_service: ['available'],
};

/** Units offered per needed type. */
export const RECOMMEND_PER_TYPE = 3;

/**
 * Operator actions on incidents and units. Each runs in one transaction holding the change-log lock, writes
 * a step, appends the changed incidents and units to the change log, and publishes them after commit.
 */
export class IncidentActions {
  constructor(
    private readonly db: Db,
    private readonly hub: ChangeHub,
    private readonly rules: FusionRules,
    private readonly routing: () => RoutingService,
  ) {}

  private async run<T>(fn: (tx: Queryable, touched: Touched) => Promise<T>): Promise<T> {
    const { result, changes } = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      const touched = new Touched();
      const result = await fn(tx, touched);
      return { result, changes: await touched.append(tx) };
    });
    this.hub.publish(changes);
    return result;
  }

  /** Moves an incident along its lifecycle; an ending releases its units and lifts the road conditions of its records. */
  async transition(
    id: number,
    action: Exclude<IncidentAction, 'dispatch'>,
    actor: string,
    note: string | null,
    /** Told the state being replaced, read under the incident's row lock (for the audit row's from → to). */
    replacing?: (previous: IncidentState) => void,
  ): Promise<Incident> {
    const { incident, lifted } = await this.run(async (tx, touched) => {
      const status = await lockIncident(tx, id);
      replacing?.(status);
      const next = nextIncidentState(status, action);
      if (!next) throw refused(id, status, action);
      const lifted = RELEASING.includes(next) ? await liftRoadEffects(tx, id, `警情 #${id} ${INCIDENT_STATE_LABELS[next]}`) : [];
      await setStatus(tx, id, next, action, actor, noteWithLifted(note, lifted));
      if (RELEASING.includes(next)) touched.units(await releaseUnits(tx, id));
      else if (next === 'en_route' || next === 'on_scene') {
        const moved = await tx.query<{ id: string }>(
          `UPDATE unit SET status = $2, updated_at = now() WHERE incident_id = $1 AND status IN ('assigned', 'en_route') RETURNING id`,
          [id, next],
        );
        touched.units(moved.map((u) => u.id));
      }
      touched.incident(id);
      return { incident: (await loadIncidents(tx, [id]))[0]!, lifted };
    });
    // Committed: the road graph drives through them again.
    this.routing().conditions.forget(lifted.map((l) => l.id));
    return incident;
  }

  /** Assigns units to an incident; `guard` refuses units the dispatcher may not send (another agency's). */
  dispatch(id: number, unitIds: readonly string[], actor: string, note: string | null, guard: UnitGuard): Promise<Incident> {
    return this.run(async (tx, touched) => {
      const status = await lockIncident(tx, id);
      const next = nextIncidentState(status, 'dispatch');
      if (!next) throw refused(id, status, 'dispatch');
      const ids = [...new Set(unitIds)];
      const rows = await tx.query<{
        id: string;
        callsign: string;
        agency: FeedSource;
        status: UnitStatus;
        incident_id: string | null;
      }>('SELECT id, callsign, agency, status, incident_id FROM unit WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
      const missing = ids.filter((u) => !rows.some((r) => r.id === u));
      if (missing.length) throw new AppError('not_found', `没有这些力量：${missing.join(', ')}；请刷新力量列表后重新选择`);
      for (const r of rows) guard(r);
      const busy = rows.filter((r) => r.status !== 'available');
      if (busy.length) {
        throw new AppError(
          'conflict',
          busy
            .map(
              (r) =>
                `${r.callsign} (${r.id}) 当前${UNIT_STATUS_LABELS[r.status]}${r.incident_id ? `，服务于警情 #${r.incident_id}` : ''}`,
            )
            .join('；') + '，不能派遣',
        );
      }
      await tx.query(`UPDATE unit SET status = 'assigned', incident_id = $2, updated_at = now() WHERE id = ANY($1::text[])`, [
        ids,
        id,
      ]);
      // A drill incident's dispatch is recorded as such: the exercise runs end to end, the log says it was one.
      const [{ drill }] = (await tx.query<{ drill: boolean }>('SELECT drill FROM incident WHERE id = $1', [id])) as [
        { drill: boolean },
      ];
      const what = `${drill ? '【演练】' : ''}派遣 ${rows.map((r) => r.callsign).join('、')}`;
      await setStatus(tx, id, next, 'dispatch', actor, note ? `${what}：${note}` : what);
      touched.units(ids);
      touched.incident(id);
      return (await loadIncidents(tx, [id]))[0]!;
    });
  }

  /** Moves one record off into a new incident of its own (a wrong automatic merge). */
  split(id: number, recordId: number, actor: string): Promise<{ from: Incident; to: Incident }> {
    return this.run(async (tx, touched) => {
      const status = await lockIncident(tx, id);
      if (!OPEN_STATES.includes(status)) throw new AppError('conflict', `警情 #${id} ${INCIDENT_STATE_LABELS[status]}，不能拆分`);
      const records = await tx.query<{ id: string }>('SELECT id FROM feed_record WHERE incident_id = $1 ORDER BY id', [id]);
      if (!records.some((r) => Number(r.id) === recordId)) {
        throw new AppError('not_found', `来源记录 ${recordId} 不属于警情 #${id}；请刷新警情后重新选择要拆分的记录`);
      }
      if (records.length < 2) throw new AppError('conflict', `警情 #${id} 只有这一条来源记录，无需拆分`);
      const [created] = await tx.query<{ id: string }>(
        `INSERT INTO incident (category, priority, title, geom, located_via, first_reported_at, last_reported_at, drill)
         SELECT r.category, r.priority, r.title, r.geom, r.located_via, r.reported_at, r.reported_at, i.drill
           FROM feed_record r JOIN incident i ON i.id = $2 WHERE r.id = $1
         RETURNING id`,
        [recordId, id],
      );
      const newId = Number(created!.id);
      await tx.query(
        `UPDATE feed_record SET incident_id = $2, link_score = 1, link_by = 'operator', link_actor = $3, link_at = now(),
                link_reason = $4 WHERE id = $1`,
        [recordId, newId, actor, `人工拆分：${actor} 将此记录从警情 #${id} 拆出，单独成案`],
      );
      await recomputeIncidents(tx, [id, newId]);
      await step(tx, newId, 'new', 'open', actor, `自警情 #${id} 拆分`);
      await step(tx, id, status, 'open', actor, `拆出来源记录 ${recordId} 为警情 #${newId}`);
      touched.incident(id);
      touched.incident(newId);
      const [from, to] = await loadIncidents(tx, [id, newId]);
      return { from: from!, to: to! };
    });
  }

  /** Folds another open incident into this one: its records and units move here and it is cancelled. */
  merge(id: number, otherId: number, actor: string): Promise<Incident> {
    return this.run(async (tx, touched) => {
      if (id === otherId) throw new AppError('bad_request', '警情不能并入自身');
      const [a, b] = id < otherId ? [id, otherId] : [otherId, id];
      const sa = await lockIncident(tx, a);
      const sb = await lockIncident(tx, b);
      const [status, otherStatus] = id === a ? [sa, sb] : [sb, sa];
      for (const [x, s] of [
        [id, status],
        [otherId, otherStatus],
      ] as const) {
        if (!OPEN_STATES.includes(s)) throw new AppError('conflict', `警情 #${x} ${INCIDENT_STATE_LABELS[s]}，不能合并`);
      }
      await tx.query(
        `UPDATE feed_record SET incident_id = $1, link_by = 'operator', link_actor = $3, link_at = now(), link_score = 1,
                link_reason = $4 WHERE incident_id = $2`,
        [id, otherId, actor, `人工合并：${actor} 将警情 #${otherId} 并入 #${id}`],
      );
      const moved = await tx.query<{ id: string }>('UPDATE unit SET incident_id = $1 WHERE incident_id = $2 RETURNING id', [
        id,
        otherId,
      ]);
      await tx.query(`UPDATE incident SET status = 'cancelled', merged_into = $1, updated_at = now() WHERE id = $2`, [
        id,
        otherId,
      ]);
      await step(tx, otherId, 'cancelled', 'cancel', actor, `并入警情 #${id}`);
      await step(tx, id, status, 'open', actor, `并入警情 #${otherId} 的全部来源记录`);
      await recomputeIncidents(tx, [id]);
      touched.units(moved.map((u) => u.id));
      touched.incident(id);
      touched.incident(otherId);
      return (await loadIncidents(tx, [id]))[0]!;
    });
  }

  /** A unit's own status (from its crew or an operator); en route / on scene moves its incident along. */
  unitStatus(
    unitId: string,
    status: UnitStatus,
    actor: string,
    note: string | null,
    guard: UnitGuard,
    /** Told the status being replaced, read under the row lock (for the audit row's from → to). */
    replacing?: (previous: UnitStatus) => void,
  ): Promise<Unit> {
    return this.run(async (tx, touched) => {
      const [u] = await tx.query<{
        id: string;
        status: UnitStatus;
        incident_id: string | null;
        callsign: string;
        agency: FeedSource;
      }>('SELECT id, status, incident_id, callsign, agency FROM unit WHERE id = $1 FOR UPDATE', [unitId]);
      if (!u) throw new AppError('not_found', `没有力量 ${unitId}；请刷新力量列表后重试`);
      replacing?.(u.status);
      guard(u);
      if (!UNIT_MOVES[u.status].includes(status)) {
        throw new AppError(
          'conflict',
          `${u.callsign} 当前${UNIT_STATUS_LABELS[u.status]}，不能改为${UNIT_STATUS_LABELS[status]}（可改为：${
            UNIT_MOVES[u.status].map((s) => UNIT_STATUS_LABELS[s]).join('、') || '无'
          }）`,
        );
      }
      const incidentId = u.incident_id === null ? null : Number(u.incident_id);
      const release = status === 'available' || status === 'out_of_service';
      await tx.query('UPDATE unit SET status = $2, incident_id = $3, updated_at = now() WHERE id = $1', [
        unitId,
        status,
        release ? null : incidentId,
      ]);
      touched.units([unitId]);
      const action = UNIT_DRIVES_INCIDENT[status];
      if (incidentId !== null && action) {
        const current = await lockIncident(tx, incidentId);
        const next = nextIncidentState(current, action);
        if (next && next !== current) {
          await setStatus(
            tx,
            incidentId,
            next,
            action,
            actor,
            `${u.callsign}${UNIT_STATUS_LABELS[status]}${note ? `：${note}` : ''}`,
          );
          touched.incident(incidentId);
        }
      } else if (incidentId !== null) touched.incident(incidentId);
      return (await loadUnits(tx, [unitId]))[0]!;
    });
  }

  /** For each unit type the incident needs, the nearest available units by drive time on the road network. */
  async recommend(id: number): Promise<RecommendationResponse> {
    const [incident] = await loadIncidents(this.db, [id]);
    if (!incident) throw new AppError('not_found', `没有警情 #${id}：请核对编号，或刷新警情列表`);
    const needs = [...new Set(incident.records.flatMap((r) => this.rules.neededUnits(r.category)))] as UnitType[];
    const routing = this.routing();
    const origin = routing.router.place(incident.place.lon, incident.place.lat);
    if (!origin) {
      throw new AppError('far_from_road', `警情 #${id} 的位置离可通行道路太远，无法按行车时间推荐`);
    }
    const now = Date.now();
    const units = (await listUnits(this.db)).filter(
      (u) => u.status === 'available' && u.lon !== null && u.lat !== null && u.staleAt !== null && Date.parse(u.staleAt) > now,
    );
    const byType = needs.map((type) => {
      const placed = units
        .filter((u) => u.type === type)
        .flatMap((u) => {
          const p = routing.router.place(u.lon!, u.lat!);
          return p ? [{ u, p }] : [];
        });
      const hits = routing.router.nearest(
        origin,
        placed.map((x) => x.p),
        RECOMMEND_PER_TYPE,
      );
      return {
        type,
        units: hits.map((h) => ({ unit: placed[h.index]!.u, etaS: Math.round(h.costS), distanceM: Math.round(h.distM) })),
      };
    });
    return { incidentId: id, needs, byType };
  }
}

/** Incidents and units changed in a command, appended to the change log once each at the end. */
class Touched {
  private readonly incidentIds = new Set<number>();
  private readonly unitIds = new Set<string>();
  incident(id: number) {
    this.incidentIds.add(id);
  }
  units(ids: readonly string[]) {
    for (const id of ids) this.unitIds.add(id);
  }
  async append(tx: Queryable): Promise<Change[]> {
    const incidents = await loadIncidents(tx, [...this.incidentIds]);
    const units = await loadUnits(tx, [...this.unitIds]);
    const items: ChangeInput[] = [
      ...incidents.map((incident) => ({
        topic: 'incident' as const,
        entity: String(incident.id),
        district: incident.place.district?.code ?? null,
        payload: { incident },
      })),
      ...units.map((unit) => ({ topic: 'unit' as const, entity: unit.id, district: null, payload: { unit } })),
    ];
    return appendChanges(tx, items);
  }
}

async function lockIncident(tx: Queryable, id: number): Promise<IncidentState> {
  const [row] = await tx.query<{ status: IncidentState }>('SELECT status FROM incident WHERE id = $1 FOR UPDATE', [id]);
  if (!row) throw new AppError('not_found', `没有警情 #${id}：请核对编号，或刷新警情列表`);
  return row.status;
}

function refused(id: number, status: IncidentState, action: IncidentAction): AppError {
  const allowed = Object.keys(INCIDENT_TRANSITIONS[status]) as IncidentAction[];
  return new AppError(
    'conflict',
    `警情 #${id} 当前${INCIDENT_STATE_LABELS[status]}，不能${INCIDENT_ACTION_LABELS[action]}` +
      `（可执行：${allowed.map((a) => INCIDENT_ACTION_LABELS[a]).join('、') || '无'}）`,
    { status, action, allowed },
  );
}

async function setStatus(
  tx: Queryable,
  id: number,
  next: IncidentState,
  action: IncidentAction,
  actor: string,
  note: string | null,
) {
  await tx.query('UPDATE incident SET status = $2, updated_at = now() WHERE id = $1', [id, next]);
  await step(tx, id, next, action, actor, note);
}

async function step(
  tx: Queryable,
  id: number,
  state: IncidentState,
  action: IncidentAction | 'open',
  actor: string | null,
  note: string | null,
) {
  await tx.query('INSERT INTO incident_step (incident_id, state, action, actor, note) VALUES ($1, $2, $3, $4, $5)', [
    id,
    state,
    action,
    actor,
    note,
  ]);
}

async function releaseUnits(tx: Queryable, id: number): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE unit SET status = 'available', incident_id = NULL, updated_at = now() WHERE incident_id = $1 RETURNING id`,
    [id],
  );
  return rows.map((r) => r.id);
}
