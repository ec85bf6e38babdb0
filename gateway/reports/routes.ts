import { Router } from 'express';
import { draftReportInput, editReportInput, reportIdParam, reportVersionInput, situationQuery } from '../../contracts/reports';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { receiverOf } from './receiver';
import { resolveArea, situationReport } from './situation';
import { situationMapPng } from './situation-map';
import { situationPdf, warmPdfFont } from './situation-pdf';
import { approveReport, draftReport, editReport, queueReport, readReport, reportsOverview } from './store';
import { loadReportTemplates } from './templates';

/**
 * 信息报送 and 态势报告: the duty staff draft 首报/续报/终报 from a response's live data, edit them, a leader approves,
 * and the approved report is queued to the upper level's signed webhook (sent by gateway/reports/delivery.ts);
 * the situation report of the city, a district or a street as JSON, map image and PDF.
 */
function reportRoutes({ db, geo, command }: ReadyState, { config }: AppDeps): Router {
  const r = Router();
  const templates = loadReportTemplates();
  const { receiver, status } = receiverOf(config);
  const situationSources = { db, locator: geo.locator, stations: command.stations };
  // The Chinese font is parsed once per process; start now rather than on the first PDF.
  setImmediate(() => void warmPdfFont().catch(() => undefined));

  r.get('/reports/situation', async (req, res) => {
    const { area } = parseInput(situationQuery, req.query);
    res.json(await situationReport(situationSources, area));
  });

  r.get('/reports/situation.png', async (req, res) => {
    const { area } = parseInput(situationQuery, req.query);
    const png = await situationMapPng(situationSources, await resolveArea(db, area));
    res.setHeader('Content-Type', 'image/png');
    res.send(png);
  });

  r.get('/reports/situation.pdf', async (req, res) => {
    const { area } = parseInput(situationQuery, req.query);
    const [report, png] = await Promise.all([
      situationReport(situationSources, area),
      resolveArea(db, area).then((a) => situationMapPng(situationSources, a)),
    ]);
    const pdf = await situationPdf(report, png);
    const stamp = report.generatedAt.slice(0, 16).replace(/[-:T]/g, '');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="situation-${area.replace(':', '-')}-${stamp}.pdf"`);
    res.send(pdf);
  });

  r.get('/reports', async (_req, res) => {
    res.json(await reportsOverview(db, status));
  });

  r.post('/reports', async (req, res) => {
    const input = parseInput(draftReportInput, req.body ?? {});
    const p = principalOf(req);
    const report = await draftReport(db, templates, input, { username: p.username, displayName: p.displayName });
    auditChange(req, { report: report.id, response: input.responseId, kind: input.kind, state: { from: null, to: report.state } });
    res.status(201).json(report);
  });

  r.get('/reports/:id', async (req, res) => {
    const { id } = parseInput(reportIdParam, req.params);
    res.json(await readReport(db, id));
  });

  r.patch('/reports/:id', async (req, res) => {
    const { id } = parseInput(reportIdParam, req.params);
    const input = parseInput(editReportInput, req.body ?? {});
    const report = await editReport(db, id, input, principalOf(req).username);
    auditChange(req, { report: id, version: { from: input.version, to: report.version } });
    res.json(report);
  });

  r.post('/reports/:id/approve', async (req, res) => {
    const { id } = parseInput(reportIdParam, req.params);
    const { version } = parseInput(reportVersionInput, req.body ?? {});
    const report = await approveReport(db, id, version, principalOf(req).username);
    auditChange(req, { report: id, state: { from: 'draft', to: report.state } });
    res.json(report);
  });

  r.post('/reports/:id/send', async (req, res) => {
    const { id } = parseInput(reportIdParam, req.params);
    // An unknown report is 404 whatever the configuration; a known one cannot leave without a receiver.
    await readReport(db, id);
    if (!receiver) throw new AppError('conflict', status.message);
    const report = await queueReport(db, id, templates.sender, receiver.url, principalOf(req).username);
    auditChange(req, { report: id, state: { from: 'approved', to: report.state }, receiver: new URL(receiver.url).host });
    res.status(202).json(report);
  });

  return r;
}

export const reportsCapability: Capability = { name: 'reports', ready: { paths: ['/reports'], routes: reportRoutes } };
