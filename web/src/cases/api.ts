import {
  CASE_PATHS,
  caseEventPath,
  type CaseEvent,
  type EvaluationDimension,
  type PhotoStage,
  type ReportCaseInput,
} from '../../../contracts/cases';
import {
  caseDetailSchema,
  caseDuplicatesSchema,
  caseEvaluationSchema,
  caseEventAnswerSchema,
  caseListAnswerSchema,
  casePhotoUploadSchema,
  caseRoleEvaluationSchema,
  caseReportAnswerSchema,
  categoryTreeSchema,
  type UploadedPhoto,
} from '../../../contracts/case-answers';
import { call } from '../api/http';

export interface CaseListFilter {
  state?: string;
  departmentId?: string;
  limit?: number;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** The case API of contracts/cases/, every response parsed. */
export const casesApi = {
  categories: () => call('GET', CASE_PATHS.categories, categoryTreeSchema),
  list: (f: CaseListFilter = {}) =>
    call(
      'GET',
      `${CASE_PATHS.list}${query({ state: f.state, departmentId: f.departmentId, limit: f.limit ?? 500 })}`,
      caseListAnswerSchema,
    ),
  detail: (id: number) => call('GET', `/api/cases/${id}`, caseDetailSchema),
  report: (body: ReportCaseInput) => call('POST', CASE_PATHS.report, caseReportAnswerSchema, body),
  event: (id: number, event: CaseEvent, body: Record<string, unknown>) =>
    call('POST', caseEventPath(id, event), caseEventAnswerSchema, body).then((r) => r.case),
  duplicates: (lon: number, lat: number, categoryCode: string) =>
    call(
      'GET',
      `${CASE_PATHS.duplicates}${query({ lon: lon.toFixed(6), lat: lat.toFixed(6), categoryCode })}`,
      caseDuplicatesSchema,
    ),
  evaluation: (from: string, to: string, by: EvaluationDimension) =>
    call('GET', `${CASE_PATHS.evaluation}${query({ from, to, by })}`, caseEvaluationSchema),
  evaluationRoles: (from: string, to: string) =>
    call('GET', `${CASE_PATHS.evaluationRoles}${query({ from, to })}`, caseRoleEvaluationSchema),
  exportUrl: (from: string, to: string, by: EvaluationDimension, format: 'csv' | 'xlsx') =>
    `${CASE_PATHS.evaluationExport}${query({ from, to, by, format })}`,
};

/** Uploads one image as the raw request body (`POST /api/cases/photos?stage=&caseId=`). */
export function uploadPhoto(blob: Blob, stage: PhotoStage, caseId?: number): Promise<UploadedPhoto> {
  const image = blob.type ? blob : new Blob([blob], { type: 'image/jpeg' });
  return call('POST', `${CASE_PATHS.photos}${query({ stage, caseId })}`, casePhotoUploadSchema, image);
}
