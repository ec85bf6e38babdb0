import {
  evaluationCasesSchema,
  evaluationDepartmentsSchema,
  evaluationTrendSchema,
  type TrendInterval,
} from '../../../contracts/cases/evaluation-detail';
import type { EvaluationDimension } from '../../../contracts/cases';
import { call } from '../api/http';

const query = (params: Record<string, string | number>): string =>
  `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;

/** The evaluation's detail API (contracts/cases/evaluation-detail.ts), every answer parsed. */
export const evaluationApi = {
  trend: (from: string, to: string, interval: TrendInterval) =>
    call('GET', `/api/cases/evaluation/trend${query({ from, to, interval })}`, evaluationTrendSchema),
  cases: (from: string, to: string, by: EvaluationDimension, key: string) =>
    call('GET', `/api/cases/evaluation/cases${query({ from, to, by, key, limit: 200 })}`, evaluationCasesSchema),
  departments: (from: string, to: string) =>
    call('GET', `/api/cases/evaluation/departments${query({ from, to })}`, evaluationDepartmentsSchema),
};
