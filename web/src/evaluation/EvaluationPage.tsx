import type { MapMouseEvent } from 'maplibre-gl';
import { useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import {
  EVALUATION_DIMENSIONS,
  EVALUATION_INDICATORS,
  type EvaluationDimension,
  type EvaluationIndicatorId,
  type EvaluationResponse,
  type EvaluationRow,
  type RoleEvaluationResponse,
  type RoleScore,
} from '../../../contracts/cases';
import { casesApi } from '../cases/api';
import { percent } from '../cases/format';
import { messageOf } from '../api/http';
import { goTo } from '../shell/navigation';
import { UserMenu } from '../identity/UserMenu';
import { MapView, type MapHandles } from '../map/MapView';
import {
  TREND_INTERVALS,
  TREND_INTERVAL_LABELS,
  type EvaluationDepartmentsResponse,
  type EvaluationTrendResponse,
  type TrendInterval,
} from '../../../contracts/cases/evaluation-detail';
import { evaluationApi } from './api';
import { DepartmentTable } from './DepartmentTable';
import { DrillDown, type DrillRow } from './DrillDown';
import { evaluationPeriod, heatColor, PERIODS, type PeriodId } from './period';
import { TrendChart } from './TrendChart';
import '../cases/cases.css';
import './evaluation.css';

const DIMENSION_LABELS: Record<EvaluationDimension, string> = {
  none: '全市',
  district: '按区',
  street: '按街道',
  grid: '按网格',
  department: '按部门',
  category: '按类别',
  channel: '按来源渠道',
};

/** The indicators the page shows, with the shared definitions (shown as the label's tooltip). */
const SHOWN: readonly EvaluationIndicatorId[] = [
  'filed',
  'due',
  'closed',
  'closeRate',
  'onTimeRate',
  'reworkRate',
  'extensionRate',
];
const INDICATORS = EVALUATION_INDICATORS.filter((i) => SHOWN.includes(i.id));

const GRADE_COLORS: Record<string, string> = { A: '#2e7d32', B: '#7cb342', C: '#f9a825', D: '#ef6c00', E: '#c62828' };

/** 综合评价: indicators by period and dimension, bar chart, grid heat map, role scores with grades, exports. */
export function EvaluationPage() {
  const [periodId, setPeriodId] = useState<PeriodId>('this_month');
  const [by, setBy] = useState<EvaluationDimension>('district');
  const [data, setData] = useState<EvaluationResponse | null>(null);
  const [roles, setRoles] = useState<RoleEvaluationResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const period = useMemo(() => evaluationPeriod(periodId, new Date()), [periodId]);
  const [interval, setTrendInterval] = useState<TrendInterval>('week');
  const [trend, setTrend] = useState<EvaluationTrendResponse | null>(null);
  const [departments, setDepartments] = useState<EvaluationDepartmentsResponse | null>(null);
  const [drill, setDrill] = useState<DrillRow | null>(null);

  useEffect(() => setDrill(null), [period, by]);

  useEffect(() => {
    let live = true;
    setTrend(null);
    evaluationApi
      .trend(period.from, period.to, interval)
      .then((t) => live && setTrend(t))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [period, interval]);

  useEffect(() => {
    let live = true;
    setDepartments(null);
    evaluationApi
      .departments(period.from, period.to)
      .then((d) => live && setDepartments(d))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [period]);

  useEffect(() => {
    setError(null);
    setData(null);
    Promise.all([casesApi.evaluation(period.from, period.to, by), casesApi.evaluationRoles(period.from, period.to)])
      .then(([d, r]) => {
        setData(d);
        setRoles(r);
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, [period, by]);

  return (
    <div className="eval-page" data-testid="evaluation-page" data-ready={data !== null}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">数字城管综合评价</span>
        <button type="button" className="header-button" onClick={() => goTo('cases')}>
          案件工作台
        </button>
        <UserMenu current="evaluation" />
      </header>
      <main className="eval-main">
        <div className="eval-controls">
          <label>
            时段
            <select
              data-testid="eval-period"
              value={periodId}
              onChange={(e) => {
                const id = e.target.value as PeriodId;
                setPeriodId(id);
                // Weeks for a month, months for a quarter or a year.
                setTrendInterval(id === 'this_quarter' || id === 'this_year' ? 'month' : 'week');
              }}
            >
              {PERIODS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">
            {period.from} 至 {period.to}（不含）
          </span>
          <label>
            维度
            <select data-testid="eval-by" value={by} onChange={(e) => setBy(e.target.value as EvaluationDimension)}>
              {EVALUATION_DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {DIMENSION_LABELS[d]}
                </option>
              ))}
            </select>
          </label>
          <a className="case-btn" data-testid="export-csv" href={casesApi.exportUrl(period.from, period.to, by, 'csv')} download>
            导出 CSV
          </a>
          <a
            className="case-btn"
            data-testid="export-xlsx"
            href={casesApi.exportUrl(period.from, period.to, by, 'xlsx')}
            download
          >
            导出 Excel
          </a>
        </div>
        {error && <p className="case-error">评价数据加载失败：{error}</p>}
        {data && (
          <>
            <section className="eval-kpis" data-testid="eval-total">
              {INDICATORS.map((i) => (
                <div key={i.id} className="eval-kpi" data-indicator={i.id} title={`${i.label} = ${i.definition}`}>
                  <span>{i.label}</span>
                  <strong>{i.rate ? percent(data.total[i.id]) : String(data.total[i.id])}</strong>
                </div>
              ))}
            </section>
            <div className="eval-columns">
              <section className="eval-table-wrap">
                <table className="eval-table" data-testid="eval-table">
                  <thead>
                    <tr>
                      <th>{DIMENSION_LABELS[by]}</th>
                      {INDICATORS.map((i) => (
                        <th key={i.id} title={i.definition}>
                          {i.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((r) => (
                      <tr key={r.key} data-testid="eval-row" data-key={r.key} className={drill?.key === r.key ? 'selected' : ''}>
                        <td>
                          <button
                            type="button"
                            className="eval-link"
                            data-testid="eval-row-open"
                            title="查看该行的案件"
                            onClick={() => setDrill({ key: r.key, name: r.name })}
                          >
                            {r.name}
                          </button>
                        </td>
                        {INDICATORS.map((i) => (
                          <td key={i.id}>{i.rate ? percent(r[i.id]) : String(r[i.id])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
                {data.rows.length > 0 && !drill && <p className="muted">点击一行的名称，查看该行的案件。</p>}
              </section>
              <section className="eval-chart">
                <h2>立案数与结案率</h2>
                <BarChart rows={data.rows} />
                {by === 'grid' && (
                  <>
                    <h2>网格热力（立案数，颜色越深越多）</h2>
                    <GridHeatMap rows={data.rows} />
                  </>
                )}
              </section>
            </div>
            {drill && <DrillDown period={period} by={by} row={drill} onClose={() => setDrill(null)} />}
          </>
        )}
        <section className="eval-trend-wrap" data-testid="eval-trend">
          <h2>
            案件趋势
            <select
              aria-label="趋势间隔"
              data-testid="trend-interval"
              value={interval}
              onChange={(e) => setTrendInterval(e.target.value as TrendInterval)}
            >
              {TREND_INTERVALS.map((i) => (
                <option key={i} value={i}>
                  {TREND_INTERVAL_LABELS[i]}
                </option>
              ))}
            </select>
          </h2>
          {trend ? <TrendChart points={trend.points} interval={trend.interval} /> : <p className="muted">正在读取趋势…</p>}
        </section>
        {departments && <DepartmentTable departments={departments.departments} />}
        {roles && (
          <section className="eval-roles" data-testid="eval-roles">
            <RoleTable title="监督员" scores={roles.inspectors} />
            <RoleTable title="派遣员" scores={roles.dispatchers} />
          </section>
        )}
      </main>
    </div>
  );
}

/** Horizontal bars: 立案数 (bar) with 结案率 written at the end, the 15 largest. */
function BarChart({ rows }: { rows: EvaluationRow[] }) {
  const top = [...rows].sort((a, b) => b.filed - a.filed).slice(0, 15);
  const max = Math.max(1, ...top.map((r) => r.filed));
  const h = 22;
  const labelW = 150;
  const barW = 300;
  if (top.length === 0) return <p className="muted">本时段没有数据</p>;
  return (
    <svg className="eval-bars" width={labelW + barW + 90} height={top.length * h + 4} role="img" aria-label="立案数柱状图">
      {top.map((r, i) => {
        const w = Math.max(1, (r.filed / max) * barW);
        return (
          <g key={r.key} transform={`translate(0 ${i * h + 2})`}>
            <text x={labelW - 6} y={h / 2 + 4} textAnchor="end" fontSize={12}>
              {r.name.length > 12 ? `${r.name.slice(0, 12)}…` : r.name}
            </text>
            <rect x={labelW} y={3} width={w} height={h - 6} fill="#1565c0" rx={2} />
            <text x={labelW + w + 4} y={h / 2 + 4} fontSize={12}>
              {r.filed} · {percent(r.closeRate, 0)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Grid cells of the `grid` vector tiles filled by their count of filed cases (darker = more). */
function GridHeatMap({ rows }: { rows: EvaluationRow[] }) {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  useEffect(() => {
    if (!handles) return;
    const { map } = handles;
    const max = Math.max(1, ...rows.map((r) => r.filed));
    const match: unknown[] = ['match', ['get', 'code']];
    for (const r of rows) if (r.filed > 0) match.push(r.key, heatColor(r.filed / max));
    const fill = match.length > 2 ? [...match, 'rgba(0,0,0,0)'] : 'rgba(0,0,0,0)';
    if (map.getLayer('eval-grid-heat')) map.setPaintProperty('eval-grid-heat', 'fill-color', fill as never);
    else
      map.addLayer(
        {
          id: 'eval-grid-heat',
          type: 'fill',
          source: 'grid',
          'source-layer': 'grid',
          paint: { 'fill-color': fill as never, 'fill-opacity': 0.75 },
        },
        map.getLayer('grid-line') ? 'grid-line' : undefined,
      );
    map.setLayoutProperty('grid-line', 'visibility', 'visible');
    // Cells are drawn from zoom 14: open on the busiest one (placed by one of its cases).
    const busiest = [...rows].sort((a, b) => b.filed - a.filed)[0];
    if (!busiest) return;
    let live = true;
    casesApi
      .list({ state: 'all', limit: 1000 })
      .then(({ cases }) => {
        const c = cases.find((x) => x.place.gridCode === busiest.key);
        if (live && c) map.jumpTo({ center: [c.place.lon, c.place.lat], zoom: 15 });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [handles, rows]);
  return (
    <div className="eval-heat" data-testid="grid-heat">
      <MapView onReady={setHandles} onClick={ignoreClick} />
    </div>
  );
}

const ignoreClick = (_e: MapMouseEvent): void => undefined;

function RoleTable({ title, scores }: { title: string; scores: RoleScore[] }) {
  const indicators = scores[0]?.indicators ?? [];
  return (
    <div>
      <h2>{title}考核</h2>
      <table className="eval-table">
        <thead>
          <tr>
            <th>姓名</th>
            {indicators.map((i) => (
              <th key={i.id}>
                {i.label}（{Math.round(i.weight * 100)}%）
              </th>
            ))}
            <th>得分</th>
            <th>等级</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((s) => (
            <tr key={s.userId} data-testid="role-score" data-grade={s.grade}>
              <td>{s.name}</td>
              {s.indicators.map((i) => (
                <td key={i.id}>{i.value === null ? '—' : i.id === 'dispatch_count' ? i.value.toFixed(2) : percent(i.value)}</td>
              ))}
              <td>{s.score.toFixed(1)}</td>
              <td>
                <b className="eval-grade" style={{ background: GRADE_COLORS[s.grade] }}>
                  {s.grade}
                </b>
              </td>
            </tr>
          ))}
          {scores.length === 0 && (
            <tr>
              <td colSpan={indicators.length + 3} className="muted">
                本时段没有数据
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
