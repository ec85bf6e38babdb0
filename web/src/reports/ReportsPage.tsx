import { useCallback, useEffect, useState } from 'react';
import {
  REPORT_KIND_LABELS,
  REPORT_STATE_LABELS,
  type ClockEntry,
  type ReportKind,
  type ReportsOverview,
  type ResponseReports,
  type UpwardReport,
} from '../../../contracts/reports';
import { messageOf } from '../api/http';
import { PageFrame } from '../admin/PageFrame';
import { useSession } from '../identity/session';
import { reportsApi } from './api';
import { beijingTime, clockText, LEVEL_LABELS } from './format';
import './reports.css';

const CLOCK_LABELS: Record<ClockEntry['status'], string> = { pending: '未到时限', met: '按时报送', late: '迟报', overdue: '已超时' };
const REFRESH_MS = 5000;

const reportName = (r: { kind: ReportKind; number: number }) =>
  r.kind === 'update' ? `${REPORT_KIND_LABELS.update}${r.number}` : REPORT_KIND_LABELS[r.kind];

/** The kinds a clerk may draft now: one 首报, then 续报, and a 终报 once the response has ended. */
function draftable(r: ResponseReports): ReportKind[] {
  const has = (k: ReportKind) => r.reports.some((x) => x.kind === k);
  if (!has('initial')) return ['initial'];
  const kinds: ReportKind[] = r.response.status === 'active' ? ['update'] : [];
  if (r.response.status === 'ended' && !has('final')) kinds.push('final');
  return kinds;
}

function ClockList({ clock, now }: { clock: ClockEntry[]; now: number }) {
  if (!clock.length) return <p className="muted">该预案未设报送时限</p>;
  return (
    <ul className="report-clock" data-testid="report-clock">
      {clock.map((c) => (
        <li key={`${c.kind}-${c.number}`} className={`clock-${c.status}`}>
          <strong>{reportName(c)}</strong>
          <span>时限 {beijingTime(c.dueAt)}</span>
          <span className="clock-status">{CLOCK_LABELS[c.status]}</span>
          <span>{clockText(c, now)}</span>
        </li>
      ))}
    </ul>
  );
}

function ReportEditor({
  report,
  receiver,
  onChanged,
}: {
  report: UpwardReport;
  receiver: ReportsOverview['receiver'];
  onChanged: (r: UpwardReport) => void;
}) {
  const { can } = useSession();
  const [title, setTitle] = useState(report.title);
  const [body, setBody] = useState(report.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setTitle(report.title);
    setBody(report.body);
    setError(null);
  }, [report.id, report.version, report.title, report.body]);

  const dirty = title !== report.title || body !== report.body;
  const act = (fn: () => Promise<UpwardReport>) => {
    setBusy(true);
    setError(null);
    fn()
      .then(onChanged)
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => setBusy(false));
  };
  const draft = report.state === 'draft';
  return (
    <section className="report-editor" data-testid="report-editor">
      <div className="report-editor-head">
        <h3>
          {report.drill && <span className="drill-badge">演练</span>}
          {reportName(report)} · <span className={`report-state state-${report.state}`}>{REPORT_STATE_LABELS[report.state]}</span>
        </h3>
        <span className="muted">
          {report.draftedBy} 起草于 {beijingTime(report.draftedAt)}
          {report.editedAt && `，${report.editedBy} 修改于 ${beijingTime(report.editedAt)}`}
          {report.approvedAt && `，${report.approvedBy} 审核于 ${beijingTime(report.approvedAt)}`}
          {report.sentAt && `，报送于 ${beijingTime(report.sentAt)}`}
        </span>
      </div>
      <label className="report-field">
        标题
        <input aria-label="报告标题" value={title} disabled={!draft || busy} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="report-field">
        正文
        <textarea aria-label="报告正文" value={body} rows={18} disabled={!draft || busy} onChange={(e) => setBody(e.target.value)} />
      </label>
      {report.delivery && report.state !== 'sent' && (
        <p className="report-delivery" data-testid="report-delivery">
          已尝试报送 {report.delivery.attempts} 次
          {report.delivery.lastError && `；上次失败：${report.delivery.lastError}`}
          {report.delivery.nextAttemptAt && `；下次重试 ${beijingTime(report.delivery.nextAttemptAt)}`}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="report-actions">
        {draft && can('report.draft') && (
          <button type="button" disabled={!dirty || busy} onClick={() => act(() => reportsApi.edit(report.id, title, body, report.version))}>
            保存修改
          </button>
        )}
        {draft &&
          (can('report.approve') ? (
            <button
              type="button"
              className="primary"
              disabled={dirty || busy}
              title={dirty ? '请先保存修改' : undefined}
              onClick={() => act(() => reportsApi.approve(report.id, report.version))}
            >
              审核通过
            </button>
          ) : (
            <span className="muted">保存后请带班领导审核</span>
          ))}
        {report.state === 'approved' && can('report.send') && (
          <button
            type="button"
            className="primary"
            disabled={busy || !receiver.configured}
            title={receiver.configured ? undefined : receiver.message}
            onClick={() => act(() => reportsApi.send(report.id))}
          >
            报送上级
          </button>
        )}
        {report.state === 'sent' && <span className="report-archived">已报送上级并存档，不可更改</span>}
      </div>
    </section>
  );
}

/** 信息报送: each active (or lately ended) response, its reporting clock, and its reports from draft to sent. */
export function ReportsPage() {
  const { can } = useSession();
  const [data, setData] = useState<ReportsOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [responseId, setResponseId] = useState<string | null>(null);
  const [reportId, setReportId] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(() => {
    reportsApi
      .overview()
      .then((d) => {
        setData(d);
        setError(null);
        setNow(Date.now());
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const selected = data?.responses.find((r) => r.response.id === responseId) ?? data?.responses[0] ?? null;
  const report = selected?.reports.find((r) => r.id === reportId) ?? selected?.reports.at(-1) ?? null;

  const draft = (r: ResponseReports, kind: ReportKind) => {
    setError(null);
    reportsApi
      .draft(r.response.id, kind)
      .then((created) => {
        setReportId(created.id);
        load();
      })
      .catch((err: unknown) => setError(messageOf(err)));
  };

  return (
    <PageFrame page="reports" title="信息报送">
      {data && (
        <p className={data.receiver.configured ? 'receiver-ok' : 'receiver-off'} data-testid="receiver-status">
          {data.receiver.message}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data && !data.responses.length && <p className="muted">当前没有启动中或近 7 天终止的应急响应。</p>}
      <div className="reports-layout">
        <ul className="report-responses" aria-label="应急响应">
          {data?.responses.map((r) => {
            const overdue = r.clock.filter((c) => c.status === 'overdue').length;
            return (
              <li key={r.response.id}>
                <button
                  type="button"
                  className={r.response.id === selected?.response.id ? 'selected' : undefined}
                  onClick={() => {
                    setResponseId(r.response.id);
                    setReportId(null);
                  }}
                >
                  <span className="response-title">
                    {r.response.drill && <span className="drill-badge">演练</span>}
                    {r.response.planTitle}
                  </span>
                  <span>
                    {LEVEL_LABELS[r.response.level] ?? r.response.level}响应 · {r.response.status === 'active' ? '进行中' : '已终止'} · 启动于{' '}
                    {beijingTime(r.response.startedAt)}
                  </span>
                  <span className={overdue ? 'overdue-count' : 'muted'}>
                    已报 {r.reports.filter((x) => x.state === 'sent').length} 份{overdue ? ` · ${overdue} 项超时` : ''}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {selected && (
          <div className="report-detail">
            <h2>
              {selected.response.planTitle} <span className="muted">{LEVEL_LABELS[selected.response.level]}</span>
            </h2>
            <ClockList clock={selected.clock} now={now} />
            <div className="report-tabs" role="tablist" aria-label="报告">
              {selected.reports.map((r) => (
                <button
                  key={r.id}
                  type="button"
                  role="tab"
                  aria-selected={r.id === report?.id}
                  className={r.id === report?.id ? 'selected' : undefined}
                  onClick={() => setReportId(r.id)}
                >
                  {reportName(r)} <span className={`report-state state-${r.state}`}>{REPORT_STATE_LABELS[r.state]}</span>
                </button>
              ))}
              {can('report.draft') &&
                draftable(selected).map((k) => (
                  <button key={k} type="button" className="draft-button" onClick={() => draft(selected, k)}>
                    起草{REPORT_KIND_LABELS[k]}
                  </button>
                ))}
            </div>
            {report ? (
              <ReportEditor
                report={report}
                receiver={data!.receiver}
                onChanged={(r) => {
                  setReportId(r.id);
                  load();
                }}
              />
            ) : (
              <p className="muted">尚无报告：请起草首报。</p>
            )}
          </div>
        )}
      </div>
    </PageFrame>
  );
}
