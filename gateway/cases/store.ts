import {
  casePhotoPath,
  type CaseChannel,
  type CaseDetail,
  type CaseEvent,
  type CaseKind,
  type CasePhoto,
  type CaseState,
  type CaseStep,
  type CaseSummary,
  type PhotoStage,
  type SupervisionLevel,
  type TimeLimitUnit,
} from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { ALL_CASES, modeEffect, noSuchCase, type CaseContext, type CaseScope } from './context';
import { suggestDepartment } from './department-rule';
import { caseSql, withScope } from './sql';
import { viewClock, type ModeEffect } from './sla';
import type { CaseTables } from './tables';
import { eventsFor } from './workflow';

/** Reading cases: one row shape (case-rows.sql), one mapping to the wire types. */

const CASE_ROWS_SQL = caseSql('case-rows.sql');
const CASE_STEPS_SQL = caseSql('case-steps.sql');
const CASE_PHOTOS_SQL = caseSql('case-photos.sql');
const CASE_MEDIA_SQL = caseSql('case-media.sql');

export interface CaseRow {
  id: string;
  code: string;
  state: CaseState;
  kind: CaseKind;
  category_code: string;
  major_code: string;
  description: string;
  lon: number;
  lat: number;
  address: string | null;
  district_code: string | null;
  district_name: string | null;
  street_code: string | null;
  street_name: string | null;
  grid_code: string | null;
  community: string | null;
  channel: CaseChannel;
  reporter_id: string | null;
  reporter_name: string | null;
  contact: string | null;
  department_id: string | null;
  department_name: string | null;
  inspector_id: string | null;
  urgent: boolean;
  supervision: SupervisionLevel | null;
  rework_count: number;
  extension_count: number;
  check_passed: boolean | null;
  pending_extension: { amount: number; unit: TimeLimitUnit; reason: string } | null;
  limit_amount: number | null;
  limit_unit: TimeLimitUnit | null;
  sla_started_at: Date | null;
  sla_deadline: Date | null;
  sla_warn_at: Date | null;
  sla_suspended_at: Date | null;
  sla_note: string | null;
  sla_done_at: Date | null;
  on_time: boolean | null;
  reported_at: Date;
  filed_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  /** The last dispatch (改派; 返工 moves it too), and the first one, kept for the evaluation. */
  dispatched_at: Date | null;
  first_dispatched_at: Date | null;
  first_dispatched_by: string | null;
  check_requested_at: Date | null;
  first_photo: string | null;
}

const d = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export function toSummary(r: CaseRow, t: CaseTables, now: Date, mode: ModeEffect): CaseSummary {
  const minor = t.categories.minor(r.category_code);
  const major = t.categories.major(r.major_code);
  return {
    id: Number(r.id),
    code: r.code,
    state: r.state,
    kind: r.kind,
    categoryCode: r.category_code,
    categoryName: minor?.name ?? r.category_code,
    majorCode: r.major_code,
    majorName: major?.name ?? r.major_code,
    description: r.description,
    place: {
      lon: Number(r.lon),
      lat: Number(r.lat),
      district: r.district_code ? { code: r.district_code, name: r.district_name ?? '' } : null,
      street: r.street_code ? { code: r.street_code, name: r.street_name ?? '' } : null,
      gridCode: r.grid_code,
      community: r.community,
      address: r.address,
    },
    channel: r.channel,
    reporterId: r.reporter_id,
    reporterName: r.reporter_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    inspectorId: r.inspector_id,
    urgent: r.urgent,
    supervision: r.supervision,
    reworkCount: r.rework_count,
    extensionCount: r.extension_count,
    sla: viewClock(
      t.calendar,
      {
        caseState: r.state,
        limit: r.limit_amount !== null && r.limit_unit ? { amount: Number(r.limit_amount), unit: r.limit_unit } : null,
        startedAt: d(r.sla_started_at),
        deadline: d(r.sla_deadline),
        warnAt: d(r.sla_warn_at),
        suspendedAt: d(r.sla_suspended_at),
        suspendNote: r.sla_note,
        doneAt: d(r.sla_done_at),
        onTime: r.on_time,
        urgent: r.urgent,
      },
      now,
      mode,
    ),
    reportedAt: iso(r.reported_at)!,
    filedAt: iso(r.filed_at),
    closedAt: iso(r.closed_at),
    updatedAt: iso(r.updated_at)!,
    thumbUrl: r.first_photo ? casePhotoPath(Number(r.first_photo), 'thumb') : null,
  };
}

interface StepRow {
  id: string;
  event: CaseEvent | 'report';
  from_state: CaseState | null;
  to_state: CaseState;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

export interface PhotoRow {
  id: string;
  case_id: string | null;
  stage: PhotoStage;
  width: number;
  height: number;
  exif_lon: number | null;
  exif_lat: number | null;
  taken_at: Date | null;
  uploaded_at: Date;
  uploader_id: string;
}

export function toPhoto(p: PhotoRow): CasePhoto {
  const id = Number(p.id);
  return {
    id,
    caseId: p.case_id === null ? null : Number(p.case_id),
    stage: p.stage,
    width: p.width,
    height: p.height,
    exifGps: p.exif_lon !== null && p.exif_lat !== null ? { lon: Number(p.exif_lon), lat: Number(p.exif_lat) } : null,
    takenAt: iso(p.taken_at),
    uploadedAt: iso(p.uploaded_at)!,
    uploadedBy: p.uploader_id,
    viewUrl: casePhotoPath(id, 'view'),
    thumbUrl: casePhotoPath(id, 'thumb'),
  };
}

/** The cases of `ids` the scope holds, the latest changed first. */
export async function loadCaseRows(db: Queryable, ids: readonly number[], scope: CaseScope = ALL_CASES): Promise<CaseRow[]> {
  return db.query<CaseRow>(withScope(CASE_ROWS_SQL, scope, 1), [ids, ...scope.params]);
}

/** One case with its steps, photos and what the viewer's role may do next; a 404 outside the scope. */
export async function readCase(ctx: CaseContext, id: number, role: string, scope: CaseScope): Promise<CaseDetail> {
  const [row] = await loadCaseRows(ctx.db, [id], scope);
  if (!row) throw noSuchCase(id);
  return toDetail(ctx.db, row, ctx.tables, ctx.now(), await modeEffect(ctx), role);
}

async function toDetail(
  db: Queryable,
  r: CaseRow,
  t: CaseTables,
  now: Date,
  mode: ModeEffect,
  role: string,
): Promise<CaseDetail> {
  const [steps, photos, media] = await Promise.all([
    db.query<StepRow>(CASE_STEPS_SQL, [r.id]),
    db.query<PhotoRow>(CASE_PHOTOS_SQL, [r.id]),
    db.query<{ media_url: string | null }>(CASE_MEDIA_SQL, [r.id]),
  ]);
  const minor = t.categories.minor(r.category_code);
  const allowedEvents = eventsFor(r.state, role);
  const dispatchSuggestion =
    allowedEvents.includes('dispatch') || allowedEvents.includes('redispatch')
      ? await suggestDepartment(db, t.dispatchRules, minor, { gridCode: r.grid_code, districtCode: r.district_code })
      : null;
  return {
    ...toSummary(r, t, now, mode),
    filingStandard: minor?.filingStandard ?? '',
    closingStandard: minor?.closingStandard ?? '',
    contact: r.contact,
    mediaUrl: media[0]?.media_url ?? null,
    steps: steps.map((s): CaseStep => ({
      seq: Number(s.id),
      event: s.event,
      from: s.from_state,
      to: s.to_state,
      at: iso(s.at)!,
      actorId: s.actor_id,
      actorName: s.actor_name,
      actorRole: s.actor_role,
      note: s.note,
      data: s.data ?? {},
    })),
    photos: photos.map(toPhoto),
    pendingExtension: r.pending_extension,
    checkPassed: r.check_passed,
    allowedEvents,
    dispatchSuggestion,
  };
}
