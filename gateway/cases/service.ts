import { createHash, randomBytes } from 'node:crypto';
import {
  CASE_EVENT_LABELS,
  CASE_FINAL_STATES,
  CASE_OPEN_STATES,
  type CaseDetail,
  type CaseEvent,
  type CaseEventInput,
  type CaseListQuery,
  type CaseListResponse,
  type CaseMinorCategory,
  type CasePhoto,
  type CaseState,
  type ChannelKeyResponse,
  type DuplicateResponse,
  type PhotoStage,
  type ReportCaseInput,
  type ReportCaseResponse,
  type TimeLimit,
} from '../../contracts/cases';
import type { ModeProfile } from '../../contracts/incidents';
import { gcj02ToWgs84 } from '../../geo/coords/gcj02';
import type { Db, Queryable, SqlParam } from '../../geo/db/types';
import type { Locator } from '../../geo/grid/locate';
import type { ChangeHub } from '../changes/hub';
import { appendChanges, changeHead, lockChangeLog } from '../changes/log';
import { AppError } from '../http/errors';
import { readMode } from '../modes/service';
import { resolveDepartment } from './dispatch';
import { processPhoto, type PhotoStore } from './photos';
import { extendClock, resumeClock, startClock, type ModeEffect } from './sla';
import { CASE_COLUMNS, CASE_FROM, PHOTO_COLUMNS, loadCaseRows, toDetail, toPhoto, toSummary, type CaseRow } from './store';
import type { CaseTables } from './tables';
import { decide, type GuardFacts } from './workflow';

/** Who acts on a case: a signed-in person or an Open311 channel. */
export interface CaseActor {
  id: string;
  name: string;
  role: string;
  departmentId: string | null;
}

/** A row-scope predicate (gateway/policy/scope.ts) over the `c` alias, numbered from $1. */
export interface CaseScope {
  sql: string;
  params: SqlParam[];
}
export const ALL_CASES: CaseScope = { sql: 'TRUE', params: [] };

/** Renumbers `$n` of a scope predicate to follow `offset` other parameters. */
const shift = (s: CaseScope, offset: number): string => s.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);

const OPEN_SQL = `c.state NOT IN (${CASE_FINAL_STATES.map((s) => `'${s}'`).join(', ')})`;

/**
 * The city-management case service: reporting (idempotent), every workflow event through the transition table,
 * SLA clocks, photos, duplicate suggestion. Each change runs in one transaction holding the change-log lock,
 * writes a step, and appends the case to the change log (layer `cases`) so walls and consoles update live.
 */
export class CaseService {
  constructor(
    private readonly db: Db,
    readonly tables: CaseTables,
    private readonly locator: () => Locator,
    private readonly hub: ChangeHub,
    private readonly profiles: readonly ModeProfile[],
    readonly photos: PhotoStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How the current system mode treats non-urgent clocks. */
  async modeEffect(db: Queryable = this.db): Promise<ModeEffect> {
    const mode = await readMode(db);
    const rule = this.profiles.find((p) => p.id === mode.mode)?.nonUrgentCases ?? 'normal';
    const m = this.tables.settings.modes;
    if (rule === 'auto_extend')
      return { rule, factor: m.auto_extend.factor, note: m.auto_extend.note, since: new Date(mode.changedAt) };
    if (rule === 'frozen') return { rule, factor: 1, note: m.frozen.note, since: new Date(mode.changedAt) };
    return { rule: 'normal', factor: 1, note: '', since: new Date(mode.changedAt) };
  }

  private minorOrThrow(code: string): CaseMinorCategory {
    const m = this.tables.categories.minor(code);
    if (!m)
      throw new AppError(
        'bad_request',
        `未知的小类代码 ${code} / unknown category code "${code}" (see GET /api/cases/categories)`,
      );
    return m;
  }

  private async run<T>(fn: (tx: Queryable, touched: Set<number>) => Promise<T>): Promise<T> {
    const { result, changes } = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      const touched = new Set<number>();
      const result = await fn(tx, touched);
      if (!touched.size) return { result, changes: [] };
      const now = this.now();
      const mode = await this.modeEffect(tx);
      const rows = await loadCaseRows(tx, 'c.id = ANY($1::bigint[])', [[...touched]], 'ORDER BY c.id');
      const changes = await appendChanges(
        tx,
        rows.map((r) => ({
          topic: 'case' as const,
          entity: r.id,
          district: r.district_code,
          payload: { case: toSummary(r, this.tables, now, mode) },
        })),
      );
      return { result, changes };
    });
    this.hub.publish(changes);
    return result;
  }

  /**
   * Reports a case. The same idempotency key from the same reporter (or channel) returns the case it created,
   * however often the phone's outbox resubmits.
   */
  async report(
    input: ReportCaseInput,
    actor: CaseActor,
    opts: { scopeKey?: string; channelId?: number; audit?: (tx: Queryable, caseId: number) => Promise<void> } = {},
  ): Promise<ReportCaseResponse> {
    const minor = this.minorOrThrow(input.categoryCode);
    const [lon, lat] = input.coordSystem === 'gcj02' ? gcj02ToWgs84(input.lon, input.lat) : [input.lon, input.lat];
    const place = this.locator().locate(lon, lat);
    if (place.coverage === 'outside') {
      throw new AppError(
        'outside_area',
        `位置不在哈尔滨市域内 / the point ${lon.toFixed(6)},${lat.toFixed(6)} is outside Harbin`,
      );
    }
    const scopeKey = opts.scopeKey ?? `user:${actor.id}`;
    const now = this.now();
    const observed = input.observedAt ? new Date(input.observedAt) : now;
    if (observed.getTime() > now.getTime() + 5 * 60_000) throw new AppError('bad_request', 'observedAt lies in the future');
    const existing = async (db: Queryable) =>
      (
        await db.query<{ id: string }>('SELECT id FROM city_case WHERE idempotency_scope = $1 AND idempotency_key = $2', [
          scopeKey,
          input.idempotencyKey,
        ])
      )[0];
    const found = await existing(this.db);
    if (found) return { case: await this.detail(Number(found.id), actor.role, ALL_CASES), created: false };
    const result = await this.run(async (tx, touched) => {
      const again = await existing(tx);
      if (again) return { id: Number(again.id), created: false };
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, address, district_code,
            district_name, street_code, street_name, grid_code, community, channel, channel_id, reporter_id, reporter_name,
            contact, idempotency_scope, idempotency_key, urgent, observed_at, reported_at, updated_at)
         VALUES (to_char(timezone('Asia/Shanghai', $23::timestamptz), 'YYYYMMDD') || lpad(nextval('city_case_number')::text, 6, '0'),
            'reported', $1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8, $9, $10, $11, $12, $13, $14, $15,
            $16, $17, $18, $19, $20, $21, $22, $23, $23)
         ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING
         RETURNING id`,
        [
          minor.kind,
          minor.code,
          minor.majorCode,
          input.description,
          lon,
          lat,
          input.address ?? null,
          place.district?.code ?? null,
          place.district?.name ?? null,
          place.street?.code ?? null,
          place.street?.name ?? null,
          place.gridCode,
          place.community,
          input.channel,
          opts.channelId ?? null,
          opts.channelId ? null : actor.id,
          actor.name,
          input.contact ?? null,
          scopeKey,
          input.idempotencyKey,
          input.urgent,
          observed,
          now,
        ],
      );
      if (!row) return { id: Number((await existing(tx))!.id), created: false };
      const id = Number(row.id);
      if (input.photoIds.length) await this.attachPhotos(tx, id, input.photoIds, 'report', actor);
      await this.step(tx, id, 'report', null, 'reported', actor, input.description.slice(0, 200), {
        categoryCode: minor.code,
        channel: input.channel,
        coverage: place.coverage,
      });
      await opts.audit?.(tx, id);
      touched.add(id);
      return { id, created: true };
    });
    return { case: await this.detail(result.id, actor.role, ALL_CASES), created: result.created };
  }

  private async step(
    tx: Queryable,
    caseId: number,
    event: CaseEvent | 'report',
    from: CaseState | null,
    to: CaseState,
    actor: CaseActor,
    note: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO case_step (case_id, event, from_state, to_state, at, actor_id, actor_name, actor_role, note, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [caseId, event, from, to, this.now(), actor.id, actor.name, actor.role, note, JSON.stringify(data)],
    );
  }

  /** Attaches the actor's own unattached photos of a stage; any other id is an error. */
  private async attachPhotos(tx: Queryable, caseId: number, ids: readonly number[], stage: PhotoStage, actor: CaseActor) {
    const unique = [...new Set(ids)];
    const rows = await tx.query<{ id: string }>(
      `UPDATE case_photo SET case_id = $1
        WHERE id = ANY($2::bigint[]) AND uploader_id = $3 AND stage = $4 AND (case_id IS NULL OR case_id = $1)
        RETURNING id`,
      [caseId, unique, actor.id, stage],
    );
    const missing = unique.filter((i) => !rows.some((r) => Number(r.id) === i));
    if (missing.length) {
      throw new AppError(
        'bad_request',
        `照片 ${missing.join(', ')} 不存在、不是本人上传的「${stage}」照片或已属于其他案件 / photo ${missing.join(', ')} is not your unattached ${stage} photo`,
      );
    }
  }

  /** Applies one workflow event. */
  async apply<E extends CaseEvent>(
    id: number,
    event: E,
    input: CaseEventInput<E>,
    actor: CaseActor,
    scope: CaseScope,
  ): Promise<CaseDetail> {
    await this.run(async (tx, touched) => {
      const [row] = await tx.query<CaseRow & { dispatched_at: Date | null }>(
        `SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE c.id = $1 AND (${shift(scope, 1)}) FOR UPDATE OF c`,
        [id, ...scope.params],
      );
      if (!row) throw new AppError('not_found', `没有这个案件或无权查看 / no such case: #${id}`);
      await this.applyTo(tx, row, event, input as Record<string, unknown>, actor);
      touched.add(id);
    });
    return this.detail(id, actor.role, ALL_CASES);
  }

  private async applyTo(tx: Queryable, row: CaseRow, event: CaseEvent, input: Record<string, unknown>, actor: CaseActor) {
    const now = this.now();
    const id = Number(row.id);
    const cal = this.tables.calendar;
    const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : null);
    const note = str('note') ?? str('reason');
    const set: Record<string, SqlParam> = {};
    const data: Record<string, unknown> = {};

    let minor = this.tables.categories.minor(row.category_code);
    if (event === 'file' && str('categoryCode')) {
      minor = this.minorOrThrow(str('categoryCode')!);
      if (minor.code !== row.category_code) {
        Object.assign(set, { category_code: minor.code, major_code: minor.majorCode, kind: minor.kind });
        data.categoryFrom = row.category_code;
        data.categoryTo = minor.code;
      }
    }
    let department: Awaited<ReturnType<typeof resolveDepartment>> = null;
    if (event === 'dispatch' || event === 'redispatch') {
      department = await resolveDepartment(
        tx,
        this.tables.dispatchRules,
        minor,
        { gridCode: row.grid_code, districtCode: row.district_code },
        str('departmentId') ?? undefined,
      );
    }
    const photoIds = Array.isArray(input.photoIds) ? (input.photoIds as number[]) : [];
    const stage: PhotoStage | null =
      event === 'feedback' ? 'feedback' : event === 'check' ? 'check' : event === 'verify' ? 'verify' : null;
    // Photos are attached first (rolled back with everything else when the event is refused).
    if (stage && photoIds.length && CASE_OPEN_STATES.includes(row.state)) await this.attachPhotos(tx, id, photoIds, stage, actor);
    let stagePhotos = 0;
    if (stage === 'feedback' || stage === 'check') {
      const since = stage === 'feedback' ? row.dispatched_at : row.check_requested_at;
      const [n] = await tx.query<{ n: string }>(
        'SELECT count(*) AS n FROM case_photo WHERE case_id = $1 AND stage = $2 AND ($3::timestamptz IS NULL OR uploaded_at >= $3)',
        [id, stage, since],
      );
      stagePhotos = Number(n?.n ?? 0);
    }
    const facts: GuardFacts = {
      reason: str('reason'),
      categoryKnown: minor !== null,
      departmentResolved: department !== null,
      caseDepartmentId: row.department_id,
      actorDepartmentId: actor.departmentId,
      stagePhotos,
      checkPassed: row.check_passed,
      extensionCount: row.extension_count,
      supervision: row.supervision,
      requestedSupervision: (str('level') as GuardFacts['requestedSupervision']) ?? null,
      urgent: row.urgent,
    };
    const decision = decide(row.state, event, actor.role, facts);
    if (!decision.ok)
      throw new AppError(decision.code, decision.reason, { state: row.state, event, guard: decision.guard ?? null });

    const limitOf = (): TimeLimit =>
      row.urgent || event === 'urge' ? (minor?.urgentTimeLimit ?? minor!.timeLimit) : minor!.timeLimit;
    const startFresh = () => {
      const limit = limitOf();
      const { deadline, warnAt } = startClock(cal, now, limit);
      Object.assign(set, {
        limit_amount: limit.amount,
        limit_unit: limit.unit,
        sla_started_at: now,
        sla_deadline: deadline,
        sla_warn_at: warnAt,
        sla_suspended_at: null,
        sla_note: null,
        sla_done_at: null,
        on_time: null,
      });
      data.deadline = deadline.toISOString();
    };

    switch (event) {
      case 'request_verify':
        Object.assign(set, { verify_requested_at: now, inspector_id: str('inspectorId') ?? row.inspector_id });
        break;
      case 'verify':
        set.verified_at = now;
        set.valid_report = input.confirmed === true;
        data.confirmed = input.confirmed === true;
        break;
      case 'accept':
        set.valid_report = true;
        break;
      case 'file':
        set.filed_at = now;
        set.valid_report = true;
        break;
      case 'reject':
        set.valid_report = false;
        break;
      case 'void': {
        if (row.sla_started_at && !row.sla_done_at) set.sla_done_at = now;
        const into = typeof input.duplicateOf === 'number' ? input.duplicateOf : null;
        if (into !== null) {
          // A duplicate merged into the case that stays: that case must exist and still be open.
          if (into === id) throw new AppError('bad_request', '不能把案件合并到它自己');
          const [target] = await tx.query<{ code: string; state: CaseState }>('SELECT code, state FROM city_case WHERE id = $1', [
            into,
          ]);
          if (!target) throw new AppError('not_found', `没有编号为 ${into} 的案件，无法合并`);
          if (!CASE_OPEN_STATES.includes(target.state)) {
            throw new AppError('conflict', `案件 ${target.code} 已办结（${target.state}），不能作为合并目标`);
          }
          data.duplicateOf = into;
          data.duplicateOfCode = target.code;
        }
        break;
      }
      case 'dispatch':
      case 'redispatch':
        Object.assign(set, {
          department_id: department!.id,
          dispatched_at: now,
          first_dispatched_at: row.dispatched_at ?? now,
          dispatched_by: actor.id,
        });
        data.departmentId = department!.id;
        data.departmentName = department!.name;
        data.via = department!.via;
        if (row.department_id && row.department_id !== department!.id) data.previousDepartmentId = row.department_id;
        startFresh();
        break;
      case 'return':
        data.previousDepartmentId = row.department_id;
        Object.assign(set, { department_id: null, sla_suspended_at: now, sla_note: '回退待重新派遣' });
        break;
      case 'request_extension': {
        const ext = { amount: input.amount as number, unit: input.unit as TimeLimit['unit'], reason: str('reason')! };
        set.pending_extension = JSON.stringify(ext);
        Object.assign(data, ext);
        break;
      }
      case 'approve_extension': {
        const ext = row.pending_extension;
        if (!ext || !row.sla_started_at || !row.sla_deadline)
          throw new AppError('conflict', '没有待审批的延期申请 / no extension request is pending');
        const moved = extendClock(cal, new Date(row.sla_started_at), new Date(row.sla_deadline), {
          amount: ext.amount,
          unit: ext.unit,
        });
        Object.assign(set, {
          sla_deadline: moved.deadline,
          sla_warn_at: moved.warnAt,
          extension_count: row.extension_count + 1,
          pending_extension: null,
        });
        Object.assign(data, { amount: ext.amount, unit: ext.unit, deadline: moved.deadline.toISOString() });
        break;
      }
      case 'deny_extension':
        set.pending_extension = null;
        break;
      case 'suspend':
        Object.assign(set, { sla_suspended_at: now, sla_note: `挂账：${str('reason')}`, pending_extension: null });
        break;
      case 'resume':
        if (row.sla_suspended_at && row.sla_deadline && row.sla_warn_at) {
          const r = resumeClock(cal, new Date(row.sla_suspended_at), new Date(row.sla_deadline), new Date(row.sla_warn_at), now);
          Object.assign(set, { sla_deadline: r.deadline, sla_warn_at: r.warnAt });
          data.deadline = r.deadline.toISOString();
        }
        Object.assign(set, { sla_suspended_at: null, sla_note: null });
        break;
      case 'feedback': {
        const onTime = row.sla_deadline ? now.getTime() <= new Date(row.sla_deadline).getTime() : null;
        Object.assign(set, { fed_back_at: now, sla_done_at: now, on_time: onTime, pending_extension: null });
        data.onTime = onTime;
        break;
      }
      case 'request_check':
        Object.assign(set, {
          check_requested_at: now,
          check_passed: null,
          inspector_id: str('inspectorId') ?? row.inspector_id ?? row.reporter_id,
        });
        break;
      case 'check':
        Object.assign(set, { checked_at: now, check_passed: input.passed === true });
        data.passed = input.passed === true;
        break;
      case 'close':
        set.closed_at = now;
        break;
      case 'rework':
        Object.assign(set, { rework_count: row.rework_count + 1, check_passed: null, dispatched_at: now });
        startFresh();
        break;
      case 'supervise':
        set.supervision = str('level');
        data.level = str('level');
        break;
      case 'urge':
        set.urgent = true;
        if (minor?.urgentTimeLimit && row.sla_started_at && row.sla_deadline && !row.sla_done_at) {
          const u = startClock(cal, new Date(row.sla_started_at), minor.urgentTimeLimit);
          if (u.deadline < new Date(row.sla_deadline)) {
            Object.assign(set, {
              sla_deadline: u.deadline,
              sla_warn_at: u.warnAt,
              limit_amount: minor.urgentTimeLimit.amount,
              limit_unit: minor.urgentTimeLimit.unit,
            });
            data.deadline = u.deadline.toISOString();
          }
        }
        break;
      case 'take':
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled case event ${String(never)}`);
      }
    }
    set.state = decision.to;
    set.updated_at = now;
    const cols = Object.keys(set);
    await tx.query(
      `UPDATE city_case SET ${cols.map((c, i) => `${c} = $${i + 2}${c === 'pending_extension' ? '::jsonb' : ''}`).join(', ')} WHERE id = $1`,
      [id, ...cols.map((c) => set[c]!)] as SqlParam[],
    );
    if (photoIds.length) data.photoIds = photoIds;
    await this.step(tx, id, event, row.state, decision.to, actor, note ?? CASE_EVENT_LABELS[event], data);
  }

  async detail(id: number, role: string, scope: CaseScope): Promise<CaseDetail> {
    const [row] = await loadCaseRows(this.db, `c.id = $1 AND (${shift(scope, 1)})`, [id, ...scope.params]);
    if (!row) throw new AppError('not_found', `没有这个案件或无权查看 / no such case: #${id}`);
    return toDetail(this.db, row, this.tables, this.now(), await this.modeEffect(), role);
  }

  async list(q: CaseListQuery, scope: CaseScope, viewerId: string | null = null): Promise<CaseListResponse> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    const add = (sql: (n: number) => string, v: SqlParam) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.state === 'open') where.push(OPEN_SQL);
    else if (q.state !== 'all') add((n) => `c.state = $${n}`, q.state);
    if (q.kind) add((n) => `c.kind = $${n}`, q.kind);
    if (q.categoryCode) add((n) => `c.category_code = $${n}`, q.categoryCode);
    if (q.district) add((n) => `c.district_code = $${n}`, q.district);
    if (q.departmentId) add((n) => `c.department_id = $${n}`, q.departmentId);
    if (q.bbox) {
      const { west, south, east, north } = q.bbox;
      add((n) => `c.geom && ST_MakeEnvelope($${n}, $${n + 1}, $${n + 2}, $${n + 3}, 4326)`, west);
      params.push(south, east, north);
    }
    if (q.assignedToMe) add((n) => `c.inspector_id = $${n} AND c.state IN ('verifying', 'checking')`, viewerId ?? '');
    if (q.sla) {
      const running = 'c.sla_started_at IS NOT NULL AND c.sla_done_at IS NULL';
      const n = params.push(this.now());
      where.push(
        q.sla === 'suspended'
          ? `${running} AND c.sla_suspended_at IS NOT NULL AND $${n}::timestamptz IS NOT NULL`
          : q.sla === 'overdue'
            ? `${running} AND c.sla_suspended_at IS NULL AND c.sla_deadline <= $${n}`
            : q.sla === 'warning'
              ? `${running} AND c.sla_suspended_at IS NULL AND c.sla_warn_at <= $${n} AND c.sla_deadline > $${n}`
              : `${running} AND c.sla_suspended_at IS NULL AND c.sla_warn_at > $${n}`,
      );
    }
    where.push(`(${shift(scope, params.length)})`);
    params.push(...scope.params);
    const seq = await changeHead(this.db);
    const cond = where.join(' AND ');
    const [count] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM city_case c WHERE ${cond}`, params);
    const rows = await loadCaseRows(
      this.db,
      cond,
      [...params, q.limit, q.offset],
      `ORDER BY c.updated_at DESC, c.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    );
    const now = this.now();
    const mode = await this.modeEffect();
    return { cases: rows.map((r) => toSummary(r, this.tables, now, mode)), total: Number(count?.n ?? 0), seq };
  }

  /**
   * Open cases of the same 小类 within a radius (FixMyStreet-style duplicate suggestion), nearest first, among the
   * cases the viewer's scope holds.
   */
  async duplicates(
    q: {
      lon: number;
      lat: number;
      categoryCode: string;
      radiusM?: number | undefined;
    },
    scope: CaseScope,
  ): Promise<DuplicateResponse> {
    this.minorOrThrow(q.categoryCode);
    const radiusM = q.radiusM ?? this.tables.settings.duplicateRadiusM;
    const rows = await this.db.query<{
      id: string;
      code: string;
      state: CaseState;
      category_code: string;
      description: string;
      distance_m: number;
      reported_at: Date;
      first_photo: string | null;
    }>(
      `SELECT c.id, c.code, c.state, c.category_code, c.description, c.reported_at,
              ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m,
              (SELECT p.id FROM case_photo p WHERE p.case_id = c.id AND p.stage = 'report' ORDER BY p.id LIMIT 1) AS first_photo
         FROM city_case c
        WHERE ${OPEN_SQL} AND c.category_code = $3
          AND ST_DWithin(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $4)
          AND (${shift(scope, 4)})
        ORDER BY distance_m, c.id LIMIT 20`,
      [q.lon, q.lat, q.categoryCode, radiusM, ...scope.params],
    );
    return {
      categoryCode: q.categoryCode,
      radiusM,
      candidates: rows.map((r) => ({
        id: Number(r.id),
        code: r.code,
        state: r.state,
        categoryCode: r.category_code,
        description: r.description,
        distanceM: Math.round(Number(r.distance_m) * 10) / 10,
        reportedAt: new Date(r.reported_at).toISOString(),
        thumbUrl: r.first_photo ? `/api/cases/photos/${r.first_photo}/thumb` : null,
      })),
    };
  }

  /**
   * Stores one uploaded image (checked, re-encoded) for a stage, optionally on a case the actor may see. The
   * same bytes uploaded again by the same person for the same stage and case return the stored photo.
   */
  async upload(
    body: Buffer,
    q: { stage: PhotoStage; caseId?: number | undefined },
    actor: CaseActor,
    scope: CaseScope,
  ): Promise<{ photo: CasePhoto; created: boolean }> {
    if (q.caseId !== undefined) {
      const [c] = await this.db.query<{ state: CaseState }>(
        `SELECT c.state FROM city_case c WHERE c.id = $1 AND (${shift(scope, 1)})`,
        [q.caseId, ...scope.params],
      );
      if (!c) throw new AppError('not_found', `没有这个案件或无权查看 / no such case: #${q.caseId}`);
      if (CASE_FINAL_STATES.includes(c.state)) throw new AppError('conflict', `案件 #${q.caseId} 已办结，不能再上传照片`);
    }
    const p = await processPhoto(body, this.tables.settings.photo);
    const findSame = () =>
      this.db.query<Parameters<typeof toPhoto>[0]>(
        `SELECT ${PHOTO_COLUMNS} FROM case_photo WHERE uploader_id = $1 AND stage = $2 AND sha256 = $3 AND COALESCE(case_id, 0) = $4`,
        [actor.id, q.stage, p.sha256, q.caseId ?? 0],
      );
    const [same] = await findSame();
    if (same) return { photo: toPhoto(same), created: false };
    const paths = await this.photos.save(p, body);
    const [row] = await this.db.query<Parameters<typeof toPhoto>[0]>(
      `INSERT INTO case_photo (case_id, stage, uploader_id, uploader_name, sha256, format, bytes, width, height, exif_lon,
          exif_lat, taken_at, original_path, view_path, thumb_path, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT DO NOTHING
       RETURNING ${PHOTO_COLUMNS}`,
      [
        q.caseId ?? null,
        q.stage,
        actor.id,
        actor.name,
        p.sha256,
        p.format,
        p.bytes,
        p.width,
        p.height,
        p.exifGps?.lon ?? null,
        p.exifGps?.lat ?? null,
        p.takenAt,
        paths.original,
        paths.view,
        paths.thumb,
        this.now(),
      ],
    );
    if (!row) return { photo: toPhoto((await findSame())[0]!), created: false };
    return { photo: toPhoto(row), created: true };
  }

  /** A stored photo file the viewer may see (through the case's scope; unattached photos: their uploader only). */
  async photoFile(
    photoId: number,
    variant: 'view' | 'thumb' | 'original',
    viewerId: string,
    scope: CaseScope,
  ): Promise<{ data: Buffer; mime: string; caseId: number | null }> {
    const [p] = await this.db.query<{
      case_id: string | null;
      uploader_id: string;
      format: string;
      original_path: string;
      view_path: string;
      thumb_path: string;
    }>(
      `SELECT p.case_id, p.uploader_id, p.format, p.original_path, p.view_path, p.thumb_path FROM case_photo p
         LEFT JOIN city_case c ON c.id = p.case_id
        WHERE p.id = $1 AND (p.uploader_id = $2 OR (p.case_id IS NOT NULL AND (${shift(scope, 2)})))`,
      [photoId, viewerId, ...scope.params],
    );
    if (!p) throw new AppError('not_found', `没有这张照片或无权查看 / no such photo: ${photoId}`);
    const rel = variant === 'original' ? p.original_path : variant === 'view' ? p.view_path : p.thumb_path;
    const mime =
      variant === 'original'
        ? ({ jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heif: 'image/heic' }[p.format] ??
          'application/octet-stream')
        : 'image/webp';
    return { data: await this.photos.read(rel), mime, caseId: p.case_id === null ? null : Number(p.case_id) };
  }

  /** Issues an Open311 api_key to a channel; only its SM3 digest is stored. */
  async issueChannelKey(channel: ChannelKeyResponse['channel'], name: string, by: string): Promise<ChannelKeyResponse> {
    const apiKey = `hbk_${randomBytes(24).toString('base64url')}`;
    const [row] = await this.db.query<{ id: number }>(
      'INSERT INTO case_channel (channel, name, key_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
      [channel, name, keyDigest(apiKey), by],
    );
    return { id: Number(row!.id), channel, name, apiKey };
  }

  async channelByKey(apiKey: string): Promise<{ id: number; channel: ChannelKeyResponse['channel']; name: string } | null> {
    const [row] = await this.db.query<{ id: number; channel: ChannelKeyResponse['channel']; name: string }>(
      'SELECT id, channel, name FROM case_channel WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyDigest(apiKey)],
    );
    return row ? { ...row, id: Number(row.id) } : null;
  }
}

export const keyDigest = (key: string): string => createHash('sm3').update(key, 'utf8').digest('hex');
