import { useEffect, useRef, useState } from 'react';
import { CASE_STATE_LABELS, type CaseState, type EvaluationDimension } from '../../../contracts/cases';
import type { EvaluationCasesResponse } from '../../../contracts/cases/evaluation-detail';
import { messageOf } from '../api/http';
import { CaseDetailView } from '../cases/CaseDetailView';
import { formatTime } from '../cases/format';
import { evaluationApi } from './api';

export interface DrillRow {
  key: string;
  name: string;
}

/**
 * The cases behind one row of the evaluation table (newest filed first); a case opens in full beside the list,
 * with the same detail view as the case console.
 */
export function DrillDown({
  period,
  by,
  row,
  onClose,
}: {
  period: { from: string; to: string };
  by: EvaluationDimension;
  row: DrillRow;
  onClose: () => void;
}) {
  const [data, setData] = useState<EvaluationCasesResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const box = useRef<HTMLElement>(null);

  // The list opens below the table: bring it into view.
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [row.key]);

  useEffect(() => {
    let live = true;
    setData(null);
    setOpen(null);
    setError(null);
    evaluationApi
      .cases(period.from, period.to, by, row.key)
      .then((d) => live && setData(d))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [period, by, row.key]);

  return (
    <section ref={box} className="eval-drill" data-testid="eval-drill" data-key={row.key} aria-label={`${row.name}的案件`}>
      <header>
        <h2>
          {row.name}：期内立案的案件
          {data && (
            <span className="muted">
              （共 {data.total} 件{data.total > data.cases.length ? `，列出最新 ${data.cases.length} 件` : ''}）
            </span>
          )}
        </h2>
        <button type="button" className="case-btn" onClick={onClose}>
          关闭
        </button>
      </header>
      {error && <p className="case-error">案件列表加载失败：{error}</p>}
      {!data && !error && <p className="muted">正在读取案件…</p>}
      <div className="eval-drill-body">
        {data && (
          <table className="eval-table">
            <thead>
              <tr>
                <th>案件编号</th>
                <th>类别</th>
                <th>位置</th>
                <th>状态</th>
                <th>立案时间</th>
                <th>结案</th>
              </tr>
            </thead>
            <tbody>
              {data.cases.map((c) => (
                <tr key={c.id} data-testid="drill-case" data-case-id={c.id} className={open === c.id ? 'selected' : ''}>
                  <td>
                    <button
                      type="button"
                      className="eval-link"
                      data-testid="drill-case-link"
                      title="查看案件详情"
                      onClick={() => setOpen(c.id)}
                    >
                      {c.code}
                    </button>
                  </td>
                  <td>{c.categoryName}</td>
                  <td>{[c.districtName, c.streetName].filter(Boolean).join(' ') || '—'}</td>
                  <td>{CASE_STATE_LABELS[c.state as CaseState] ?? c.state}</td>
                  <td>{formatTime(c.filedAt)}</td>
                  <td>
                    {c.closedAt ? `${formatTime(c.closedAt)}${c.onTime === false ? '（超期）' : ''}` : '未结案'}
                    {c.reworked ? ' · 返工' : ''}
                  </td>
                </tr>
              ))}
              {data.cases.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    没有案件
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        )}
        {open !== null && (
          <div className="eval-drill-detail" data-testid="drill-detail">
            <CaseDetailView caseId={open} />
          </div>
        )}
      </div>
    </section>
  );
}
