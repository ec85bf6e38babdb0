import type { Display, Point } from './density-layers';
import { HEAT_RAMP, HEX_RAMP, hexClassLabels, radiusLabel } from './legend';

interface DensityLegendProps {
  display: Exclude<Display, 'choropleth'>;
  points: { list: Point[]; matched: number } | null;
  collection: string;
  hexDomain: [number, number] | null;
  hexRadius: number;
}

/** 图例 of the heat map (relative density, light to dark) or of the hexbins (count classes per hexagon). */
export function DensityLegend({ display, points, collection, hexDomain, hexRadius }: DensityLegendProps) {
  if (!points) return <p className="muted">正在读取{collection}点位…</p>;
  const partial = points.matched > points.list.length;
  const source = (
    <p className="muted" data-testid="density-points" data-count={points.list.length}>
      {collection} {points.list.length} 个点位{partial ? `（共 ${points.matched} 个，仅显示前 ${points.list.length} 个）` : ''}
    </p>
  );
  if (display === 'heatmap') {
    const stops = HEAT_RAMP.map((c, i) => `rgb(${c.join(',')}) ${Math.round((i / (HEAT_RAMP.length - 1)) * 100)}%`);
    return (
      <div className="planner-legend" aria-label="热力图图例" data-testid="density-legend" data-display="heatmap">
        <strong>热力图：{collection}密度</strong>
        <i className="planner-gradient" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
        <span className="planner-gradient-scale">
          <span>低</span>
          <span>高</span>
        </span>
        {source}
      </div>
    );
  }
  const labels = hexDomain ? hexClassLabels(hexDomain) : null;
  const radius = radiusLabel(hexRadius);
  return (
    <div className="planner-legend" aria-label="六边形图例" data-testid="density-legend" data-display="hexagon">
      <strong>
        六边形分箱：每格{collection}数量（半径 {radius}）
      </strong>
      {labels ? (
        HEX_RAMP.map((c, i) => (
          <span key={i}>
            <i style={{ background: `rgb(${c.join(',')})` }} />
            {labels[i] === '—' ? '—' : `${labels[i]} 个`}
          </span>
        ))
      ) : (
        <span className="muted">正在分箱…</span>
      )}
      {source}
    </div>
  );
}
