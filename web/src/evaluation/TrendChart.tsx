import type { TrendInterval, TrendPoint } from '../../../contracts/cases/evaluation-detail';

const W = 560;
const H = 220;
const PAD = { left: 40, right: 16, top: 16, bottom: 40 };
const SERIES = [
  { id: 'filed', label: '立案数', color: '#1565c0', width: 2, dash: undefined },
  { id: 'closed', label: '结案数', color: '#2e7d32', width: 4, dash: undefined },
  // Dashed over the wider 结案数 line: where every closed case was on time both stay visible.
  { id: 'onTimeClosed', label: '按期结案数', color: '#ef6c00', width: 2, dash: '6 4' },
] as const;

/** The label of a bucket: 5月6日起 for a week, 2026年5月 for a month. */
export function bucketLabel(start: string, interval: TrendInterval): string {
  const [y, m, d] = start.split('-').map(Number);
  return interval === 'month' ? `${y}年${m}月` : `${m}/${d}`;
}

/** A round step for about four gridlines up to `max`. */
function step(max: number): number {
  const raw = Math.max(1, max / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? raw;
}

/** 趋势: filed, closed and on-time closed cases per week or month, as lines with a dot per bucket (plain SVG). */
export function TrendChart({ points, interval }: { points: TrendPoint[]; interval: TrendInterval }) {
  if (points.length === 0) return <p className="muted">本时段没有数据</p>;
  const max = Math.max(1, ...points.map((p) => p.filed));
  const s = step(max);
  const top = Math.ceil(max / s) * s;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += s) ticks.push(v);
  const every = Math.ceil(points.length / 12);
  return (
    <figure className="eval-trend" data-testid="trend-chart" data-points={points.length}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`案件趋势（${interval === 'week' ? '按周' : '按月'}）`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#e0e0e0" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" fontSize={11} fill="#555">
              {v}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          i % every === 0 ? (
            <text key={p.start} x={x(i)} y={H - PAD.bottom + 16} textAnchor="middle" fontSize={11} fill="#555">
              {bucketLabel(p.start, interval)}
            </text>
          ) : null,
        )}
        <text x={PAD.left} y={H - 6} fontSize={11} fill="#777">
          {interval === 'week' ? '周（起始日）' : '月份'}
        </text>
        {SERIES.map((ser) => (
          <g key={ser.id} data-series={ser.id}>
            <polyline
              fill="none"
              stroke={ser.color}
              strokeWidth={ser.width}
              strokeDasharray={ser.dash}
              points={points.map((p, i) => `${x(i)},${y(p[ser.id])}`).join(' ')}
            />
            {points.map((p, i) => (
              <circle
                key={p.start}
                data-testid="trend-point"
                data-series={ser.id}
                data-start={p.start}
                data-value={p[ser.id]}
                cx={x(i)}
                cy={y(p[ser.id])}
                r={3.5}
                fill={ser.color}
              >
                <title>
                  {bucketLabel(p.start, interval)} {ser.label} {p[ser.id]}
                </title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="eval-trend-legend">
        {SERIES.map((ser) => (
          <span key={ser.id}>
            <i style={{ background: ser.color }} />
            {ser.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
