import type { CaseEvent } from './workflow';

/** The HTTP paths of the case API (the Open311 paths are in open311.ts). */

export const CASE_PATHS = {
  categories: '/api/cases/categories',
  calendar: '/api/cases/calendar',
  list: '/api/cases',
  report: '/api/cases',
  duplicates: '/api/cases/duplicates',
  detail: '/api/cases/:id',
  event: '/api/cases/:id/:event',
  photos: '/api/cases/photos',
  photoView: '/api/cases/photos/:photoId/view',
  photoThumb: '/api/cases/photos/:photoId/thumb',
  photoOriginal: '/api/cases/photos/:photoId/original',
  evaluation: '/api/cases/evaluation',
  evaluationRoles: '/api/cases/evaluation/roles',
  evaluationExport: '/api/cases/evaluation/export',
  channels: '/api/cases/channels',
} as const;

/** The concrete URL of one case event, e.g. `caseEventPath(12, 'dispatch')` → `/api/cases/12/dispatch`. */
export const caseEventPath = (id: number, event: CaseEvent): string => `/api/cases/${id}/${event}`;
export const casePhotoPath = (photoId: number, variant: 'view' | 'thumb' | 'original'): string =>
  `/api/cases/photos/${photoId}/${variant}`;
