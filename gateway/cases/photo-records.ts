import { CASE_FINAL_STATES, type CasePhoto, type CaseState, type PhotoStage } from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { noSuchCase, type CaseActor, type CaseContext, type CaseScope } from './context';
import { MIME_OF, processPhoto } from './photos';
import { caseSql, withScope } from './sql';
import { toPhoto, type PhotoRow } from './store';

/**
 * The case_photo records: an upload stored once (the image checked and re-encoded by photos.ts, its files in the
 * PhotoStore), a stored file read by whoever may see it, photos attached to a case by the events that carry them.
 */

const ATTACH_SQL = caseSql('photo-attach.sql');
const COUNT_SQL = caseSql('photo-count.sql');
const CASE_STATE_SQL = caseSql('photo-case-state.sql');
const SAME_SQL = caseSql('photo-same.sql');
const INSERT_SQL = caseSql('photo-insert.sql');
const FILE_SQL = caseSql('photo-file.sql');

/** Attaches the actor's own unattached photos of a stage; any other id is an error. */
export async function attachPhotos(
  tx: Queryable,
  caseId: number,
  ids: readonly number[],
  stage: PhotoStage,
  actor: CaseActor,
): Promise<void> {
  const unique = [...new Set(ids)];
  const rows = await tx.query<{ id: string }>(ATTACH_SQL, [caseId, unique, actor.id, stage]);
  const missing = unique.filter((i) => !rows.some((r) => Number(r.id) === i));
  if (missing.length) {
    throw new AppError(
      'bad_request',
      `照片 ${missing.join(', ')} 不存在、不是本人上传的「${stage}」照片或已属于其他案件 / photo ${missing.join(', ')} is not your unattached ${stage} photo`,
    );
  }
}

/** The photos of a stage a case holds, uploaded since a time (all of them when null). */
export async function countStagePhotos(tx: Queryable, caseId: number, stage: PhotoStage, since: Date | null): Promise<number> {
  const [n] = await tx.query<{ n: string }>(COUNT_SQL, [caseId, stage, since]);
  return Number(n?.n ?? 0);
}

/**
 * Stores one uploaded image (checked, re-encoded) for a stage, optionally on a case the actor may see. The same
 * bytes uploaded again by the same person for the same stage and case return the stored photo.
 */
export async function storeUpload(
  ctx: CaseContext,
  body: Buffer,
  q: { stage: PhotoStage; caseId?: number | undefined },
  actor: CaseActor,
  scope: CaseScope,
): Promise<{ photo: CasePhoto; created: boolean }> {
  if (q.caseId !== undefined) {
    const [c] = await ctx.db.query<{ state: CaseState }>(withScope(CASE_STATE_SQL, scope, 1), [q.caseId, ...scope.params]);
    if (!c) throw noSuchCase(q.caseId);
    if (CASE_FINAL_STATES.includes(c.state)) throw new AppError('conflict', `案件 #${q.caseId} 已办结，不能再上传照片`);
  }
  const p = await processPhoto(body, ctx.tables.settings.photo);
  const findSame = () => ctx.db.query<PhotoRow>(SAME_SQL, [actor.id, q.stage, p.sha256, q.caseId ?? 0]);
  const [same] = await findSame();
  if (same) return { photo: toPhoto(same), created: false };
  const paths = await ctx.photos.save(p, body);
  const [row] = await ctx.db.query<PhotoRow>(INSERT_SQL, [
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
    ctx.now(),
  ]);
  if (!row) return { photo: toPhoto((await findSame())[0]!), created: false };
  return { photo: toPhoto(row), created: true };
}

/** A stored photo file the viewer may see (through the case's scope; unattached photos: their uploader only). */
export async function readPhotoFile(
  ctx: CaseContext,
  photoId: number,
  variant: 'view' | 'thumb' | 'original',
  viewerId: string,
  scope: CaseScope,
): Promise<{ data: Buffer; mime: string; caseId: number | null }> {
  const [p] = await ctx.db.query<{
    case_id: string | null;
    uploader_id: string;
    format: string;
    original_path: string;
    view_path: string;
    thumb_path: string;
  }>(withScope(FILE_SQL, scope, 2), [photoId, viewerId, ...scope.params]);
  if (!p) throw new AppError('not_found', `没有这张照片或无权查看 / no such photo: ${photoId}`);
  const rel = variant === 'original' ? p.original_path : variant === 'view' ? p.view_path : p.thumb_path;
  const mime = variant === 'original' ? (MIME_OF[p.format] ?? 'application/octet-stream') : 'image/webp';
  return { data: await ctx.photos.read(rel), mime, caseId: p.case_id === null ? null : Number(p.case_id) };
}
