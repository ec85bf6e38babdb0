import type { ReportCaseInput, ReportCaseResponse } from '../../contracts/cases';
import { gcj02ToWgs84 } from '../../geo/coords/gcj02';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { changeCases, writeStep } from './change';
import { ALL_CASES, minorOrThrow, type CaseActor, type CaseContext } from './context';
import { attachPhotos } from './photo-records';
import { caseSql } from './sql';
import { readCase } from './store';

const FIND_SQL = caseSql('report-find.sql');
const INSERT_SQL = caseSql('report-insert.sql');

interface ReportOptions {
  /** Whose idempotency keys these are: the reporter (`user:<id>`, the default) or an Open311 channel. */
  scopeKey?: string;
  /** The Open311 channel that submitted the report. */
  channelId?: number;
  /** Writes the audit record inside the report's transaction. */
  audit?: (tx: Queryable, caseId: number) => Promise<void>;
}

/**
 * Reports a case (上报): the point (GCJ-02 from a phone's map → WGS-84) located in its district, street and unit-grid
 * cell, stored with its first step and put on the change log. The same idempotency key from the same reporter (or
 * channel) returns the case it created, however often the phone's outbox resubmits.
 */
export async function reportCase(
  ctx: CaseContext,
  input: ReportCaseInput,
  actor: CaseActor,
  opts: ReportOptions = {},
): Promise<ReportCaseResponse> {
  const minor = minorOrThrow(ctx.tables, input.categoryCode);
  const [lon, lat] = input.coordSystem === 'gcj02' ? gcj02ToWgs84(input.lon, input.lat) : [input.lon, input.lat];
  const place = ctx.locator().locate(lon, lat);
  if (place.coverage === 'outside') {
    throw new AppError('outside_area', `位置不在哈尔滨市域内 / the point ${lon.toFixed(6)},${lat.toFixed(6)} is outside Harbin`);
  }
  const scopeKey = opts.scopeKey ?? `user:${actor.id}`;
  const now = ctx.now();
  const observed = input.observedAt ? new Date(input.observedAt) : now;
  if (observed.getTime() > now.getTime() + 5 * 60_000)
    throw new AppError('bad_request', 'observedAt 晚于当前时间：请核对发现时间和设备时钟');
  const existing = async (db: Queryable) => (await db.query<{ id: string }>(FIND_SQL, [scopeKey, input.idempotencyKey]))[0];
  const found = await existing(ctx.db);
  if (found) return { case: await readCase(ctx, Number(found.id), actor.role, ALL_CASES), created: false };
  const result = await changeCases(ctx, async (tx, touched) => {
    const again = await existing(tx);
    if (again) return { id: Number(again.id), created: false };
    const [row] = await tx.query<{ id: string }>(INSERT_SQL, [
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
    ]);
    if (!row) return { id: Number((await existing(tx))!.id), created: false };
    const id = Number(row.id);
    if (input.photoIds.length) await attachPhotos(tx, id, input.photoIds, 'report', actor);
    await writeStep(tx, ctx.now(), {
      caseId: id,
      event: 'report',
      from: null,
      to: 'reported',
      actor,
      note: input.description.slice(0, 200),
      data: { categoryCode: minor.code, channel: input.channel, coverage: place.coverage },
    });
    await opts.audit?.(tx, id);
    touched.add(id);
    return { id, created: true };
  });
  return { case: await readCase(ctx, result.id, actor.role, ALL_CASES), created: result.created };
}
