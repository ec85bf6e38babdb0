import { useEffect, useState } from 'react';
import { AREA_KIND_LABELS, FIGURE_LABELS, type SituationFigures, type SituationReport } from '../../../contracts/reports';
import { messageOf } from '../api/http';
import { PageFrame } from '../admin/PageFrame';
import { reportsApi, situationMapUrl, situationPdfUrl, type AreaSpec } from './api';
import { beijingTime, LEVEL_LABELS } from './format';
import './reports.css';

const FIGURE_KEYS = Object.keys(FIGURE_LABELS) as (keyof SituationFigures)[];
const ALERT_FIGURES: readonly (keyof SituationFigures)[] = ['casesOverdue', 'gaugesOverWarning', 'responsesActive'];

/** The area a row leads to (a grid cell is as far as it goes). */
const rowArea = (kind: string, code: string): AreaSpec | null => (kind === 'district' || kind === 'street' ? `${kind}:${code}` : null);

/** 态势报告（值班快报）: the figures of the city, a district or a street, its map, its rows one level down, the PDF. */
export function SituationPage() {
  const [area, setArea] = useState<AreaSpec>('city');
  const [data, setData] = useState<SituationReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    reportsApi
      .situation(area, ctl.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!ctl.signal.aborted) setError(messageOf(err));
      });
    return () => ctl.abort();
  }, [area]);

  const trail = data ? [...data.parents, data.area] : [];
  return (
    <PageFrame page="situation" title="态势报告">
      <div className="situation-toolbar">
        <nav aria-label="区域" className="situation-trail">
          {trail.map((a, i) => (
            <span key={a.code ?? 'city'}>
              {i > 0 && ' › '}
              {i < trail.length - 1 ? (
                <button type="button" className="link" onClick={() => setArea(a.code ? `${a.kind}:${a.code}` : 'city')}>
                  {a.name}
                </button>
              ) : (
                <strong>{a.name}</strong>
              )}
            </span>
          ))}
        </nav>
        {data && <span className="muted">生成于 {beijingTime(data.generatedAt)}（北京时间）</span>}
        <a className="button primary" href={situationPdfUrl(area)} target="_blank" rel="noreferrer" data-testid="situation-pdf">
          导出值班快报 PDF
        </a>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data && (
        <>
          <div className="situation-figures" data-testid="situation-figures">
            {FIGURE_KEYS.map((k) => (
              <div key={k} className={ALERT_FIGURES.includes(k) && data.totals[k] > 0 ? 'figure alert' : 'figure'}>
                <span>{FIGURE_LABELS[k]}</span>
                <strong>{data.totals[k]}</strong>
              </div>
            ))}
          </div>
          <div className="situation-body">
            <img className="situation-map" src={situationMapUrl(area, data.generatedAt)} alt={`${data.area.name}态势图`} />
            <div className="situation-side">
              <h3>启动中的应急响应</h3>
              {data.responses.length ? (
                <ul className="situation-list">
                  {data.responses.map((r) => (
                    <li key={r.id}>
                      {r.drill && <span className="drill-badge">演练</span>}
                      {r.planTitle} · {LEVEL_LABELS[r.level] ?? r.level} · {beijingTime(r.startedAt)}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">无</p>
              )}
              <h3>重点警情</h3>
              {data.incidents.length ? (
                <ul className="situation-list">
                  {data.incidents.slice(0, 8).map((i) => (
                    <li key={i.id}>
                      <span className="priority">P{i.priority}</span> {i.title}
                      <span className="muted"> {i.place}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">无在办警情</p>
              )}
              <h3>水位站</h3>
              {data.gauges.length ? (
                <ul className="situation-list">
                  {data.gauges.map((g) => (
                    <li key={g.stationId} className={g.overWarning ? 'over' : undefined}>
                      {g.name}（{g.river}）{g.waterLevelM?.toFixed(2) ?? '—'} 米 / 警戒 {g.warningLevelM?.toFixed(2) ?? '—'} 米
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">区域内暂无读数</p>
              )}
            </div>
          </div>
          <table className="admin-table situation-table">
            <thead>
              <tr>
                <th>{AREA_KIND_LABELS[data.children[0]?.kind ?? 'district']}</th>
                {FIGURE_KEYS.map((k) => (
                  <th key={k}>{FIGURE_LABELS[k]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.children.map((c) => {
                const next = rowArea(c.kind, c.code ?? '');
                return (
                  <tr key={c.code}>
                    <td>
                      {next ? (
                        <button type="button" className="link" onClick={() => setArea(next)}>
                          {c.name}
                        </button>
                      ) : (
                        c.name
                      )}
                    </td>
                    {FIGURE_KEYS.map((k) => (
                      <td key={k} className={c.figures[k] ? 'num' : 'num zero'}>
                        {c.figures[k]}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </PageFrame>
  );
}
