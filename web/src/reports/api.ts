import { z } from 'zod';
import type { ReportKind, ReportsOverview, SituationReport, UpwardReport } from '../../../contracts/reports';
import { call, getJson } from '../api/http';

/**
 * 信息报送 and 态势报告 over HTTP. Answers are checked at the level the pages rely on (ids, states, lists); the
 * records themselves are the contract's types, written by the same gateway.
 */
const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const reportSchema = z.custom<UpwardReport>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.state === 'string' && typeof v.version === 'number',
  'a report',
);
const overviewSchema = z.custom<ReportsOverview>((v) => record(v) && record(v.receiver) && Array.isArray(v.responses), 'the reports overview');
const situationSchema = z.custom<SituationReport>(
  (v) => record(v) && record(v.area) && record(v.totals) && Array.isArray(v.children),
  'a situation report',
);

/** `city`, `district:<adcode>` or `street:<code>`. */
export type AreaSpec = string;

export const reportsApi = {
  overview: (signal?: AbortSignal) => getJson('/api/reports', overviewSchema, signal),
  draft: (responseId: string, kind: ReportKind) => call('POST', '/api/reports', reportSchema, { responseId, kind }),
  edit: (id: string, title: string, body: string, version: number) =>
    call('PATCH', `/api/reports/${id}`, reportSchema, { title, body, version }),
  approve: (id: string, version: number) => call('POST', `/api/reports/${id}/approve`, reportSchema, { version }),
  send: (id: string) => call('POST', `/api/reports/${id}/send`, reportSchema, {}),
  situation: (area: AreaSpec, signal?: AbortSignal) =>
    getJson(`/api/reports/situation?area=${encodeURIComponent(area)}`, situationSchema, signal),
};

export const situationMapUrl = (area: AreaSpec, stamp: string) =>
  `/api/reports/situation.png?area=${encodeURIComponent(area)}&t=${encodeURIComponent(stamp)}`;
export const situationPdfUrl = (area: AreaSpec) => `/api/reports/situation.pdf?area=${encodeURIComponent(area)}`;
