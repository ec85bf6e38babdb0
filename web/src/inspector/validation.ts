import { z } from 'zod';
import { HARBIN_BOUNDS } from '../../../contracts';
import { reportCaseInput } from '../../../contracts/cases';
import { PHOTO_LIMITS } from '../cases/photo-fit';

/** What the report form holds before it becomes an outbox item. */
export interface ReportDraft {
  categoryCode: string | null;
  description: string;
  position: { lon: number; lat: number } | null;
  /** Photos still on the phone. */
  photos: readonly Blob[];
  /** Photos of a report being corrected that are already on the server. */
  photoIds?: readonly number[];
}

export type DraftField = 'category' | 'description' | 'position' | 'photos';
export type DraftErrors = Partial<Record<DraftField, string>>;

/** The fields of the report request (contracts/cases): the form checks with the same schemas the server parses. */
const fields = reportCaseInput.shape;
const DESCRIPTION_MIN = fields.description.minLength ?? 0;
const DESCRIPTION_MAX = fields.description.maxLength ?? Infinity;
/** The most photos one report carries: the contract's limit on `photoIds`. */
export const MAX_REPORT_PHOTOS = Number(z.toJSONSchema(fields.photoIds, { io: 'input' }).maxItems);
const MAX_PHOTO_BYTES = PHOTO_LIMITS.maxBytes;

/** The form's own checks (the server checks again): every message is what the inspector must do. */
export function validateDraft(d: ReportDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!d.categoryCode) errors.category = '请选择案件类别（小类）';
  else if (!fields.categoryCode.safeParse(d.categoryCode).success) errors.category = '类别代码无效，请重新选择';
  const text = d.description.trim();
  if (text.length < DESCRIPTION_MIN) errors.description = `请描述问题（至少 ${DESCRIPTION_MIN} 个字）`;
  else if (text.length > DESCRIPTION_MAX) errors.description = `描述最多 ${DESCRIPTION_MAX} 字`;
  if (!d.position) errors.position = '请定位或在地图上点选位置';
  else {
    const { lon, lat } = d.position;
    const { west, south, east, north } = HARBIN_BOUNDS;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < west || lon > east || lat < south || lat > north)
      errors.position = '位置不在哈尔滨市范围内，请在地图上点选';
  }
  const photoCount = d.photos.length + (d.photoIds?.length ?? 0);
  if (photoCount === 0) errors.photos = '请至少拍一张现场照片';
  else if (photoCount > MAX_REPORT_PHOTOS) errors.photos = `最多 ${MAX_REPORT_PHOTOS} 张照片`;
  else if (d.photos.some((p) => p.size > MAX_PHOTO_BYTES))
    errors.photos = `单张照片不能超过 ${Math.round(MAX_PHOTO_BYTES / 1048576)} MB`;
  else if (d.photos.some((p) => p.type && !p.type.startsWith('image/'))) errors.photos = '只能上传图片';
  return errors;
}

/**
 * The errors to show while the inspector corrects the form: those found at the last 上报 that are still there,
 * in their current words. A field's error goes as soon as the field is right; new ones wait for the next 上报.
 */
export function remainingErrors(shown: DraftErrors, now: DraftErrors): DraftErrors {
  const left: DraftErrors = {};
  for (const field of Object.keys(shown) as DraftField[]) if (now[field]) left[field] = now[field];
  return left;
}
