import { casePhotoPath, type CaseState, type DuplicateResponse } from '../../contracts/cases';
import { minorOrThrow, type CaseContext, type CaseScope } from './context';
import { caseSql, withScope } from './sql';

const DUPLICATES_SQL = caseSql('duplicates.sql');

/**
 * Open cases of the same 小类 within a radius (FixMyStreet-style duplicate suggestion), nearest first, among the
 * cases the viewer's scope holds.
 */
export async function findDuplicates(
  ctx: CaseContext,
  q: { lon: number; lat: number; categoryCode: string; radiusM?: number | undefined },
  scope: CaseScope,
): Promise<DuplicateResponse> {
  minorOrThrow(ctx.tables, q.categoryCode);
  const radiusM = q.radiusM ?? ctx.tables.settings.duplicateRadiusM;
  const rows = await ctx.db.query<{
    id: string;
    code: string;
    state: CaseState;
    category_code: string;
    description: string;
    distance_m: number;
    reported_at: Date;
    first_photo: string | null;
  }>(withScope(DUPLICATES_SQL, scope, 4), [q.lon, q.lat, q.categoryCode, radiusM, ...scope.params]);
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
      thumbUrl: r.first_photo ? casePhotoPath(Number(r.first_photo), 'thumb') : null,
    })),
  };
}
