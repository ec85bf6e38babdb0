import type { ErrorCode } from '../../contracts/errors';
import type { FeedAck, FeedSource } from '../../contracts/incidents';
import { isRecordFault } from '../changes/group-commit';
import type { ReadyState } from '../deps';
import { AppError } from '../http/errors';
import { locateReport } from '../incidents/locate';
import { applyRoadEffect } from '../incidents/road-effects';
import { FeedRejection, type RejectionKind } from './adapter';
import { FEED_ADAPTERS, parseNative } from './adapters';
import { assertNotAhead } from './clock';
import { recordDeadLetter } from './dead-letters';

/** The API error of each rejection kind: all are the sender's fault (4xx), none is retried as is. */
const REJECTION_CODE: Record<RejectionKind, ErrorCode> = {
  malformed: 'bad_request',
  bad_time: 'bad_request',
  bad_coordinates: 'invalid_coordinates',
  outside_area: 'outside_area',
  unknown_code: 'bad_request',
  missing_location: 'bad_request',
};

/** Turns a rejection into a dead letter and the 4xx that names it. */
export async function reject(
  state: ReadyState,
  source: string,
  transport: 'http' | 'mqtt',
  payload: string,
  err: FeedRejection,
  sourceId: string | null = null,
): Promise<never> {
  const id = await recordDeadLetter(state.db, { source, sourceId, code: err.kind, reason: err.message, transport, payload });
  throw new AppError(REJECTION_CODE[err.kind], `${err.kind}：${err.message}`, { kind: err.kind, deadLetterId: id });
}

/**
 * One agency record through the pipeline: validate and normalise (the source's adapter; what the database could not
 * keep and times ahead of the clock are refused there) → locate (geocode if needed; district, street, grid) →
 * persist, fuse and log (group commit). Resolves once durable; a rejection is kept as a dead letter and thrown as a
 * 4xx AppError. What follows the commit (a road condition) cannot fail the answer: its outcome is part of it.
 */
export async function receiveRecord(
  state: ReadyState,
  source: FeedSource,
  body: unknown,
  raw: string,
  transport: 'http' | 'mqtt',
): Promise<FeedAck> {
  let report;
  let place;
  try {
    report = parseNative(FEED_ADAPTERS[source], body);
    assertNotAhead(report.reportedAt, '报告时间');
    place = await locateReport(report, state.geo.locator, state.geo.geocoder, state.db);
  } catch (err) {
    if (err instanceof FeedRejection) return reject(state, source, transport, raw, err, report?.sourceId ?? null);
    throw err;
  }
  let ack: FeedAck;
  try {
    ack = await state.command.ingest.submit({ report, place, native: body, transport });
  } catch (err) {
    if (isRecordFault(err)) {
      // The database refused this very record (its batch was retried item by item): retrying cannot help.
      const why = new FeedRejection('malformed', `这条记录无法保存：${(err as Error).message}`);
      return reject(state, source, transport, raw, why, report.sourceId);
    }
    // Not acknowledged: the sender keeps the record and retries.
    throw new AppError('unavailable', '记录暂时无法保存，本次未被接收：请稍后重试');
  }
  if (!ack.created) return ack;
  const roadEffect = await applyRoadEffect(state, report, ack.recordId);
  return roadEffect ? { ...ack, roadEffect } : ack;
}
