import type { Point } from './density-layers';
import { HEAT_RAMP } from './legend';

interface DensityLegendProps {
  points: { list: Point[]; matched: number } | null;
  collection: string;
}

/** 图例 of the heat map: relative density, light to dark, and how many points it is drawn from. */
export function DensityLegend({ points, collection }: DensityLegendProps) {
  if (!points) return <p className="muted">正在读取{collection}点位…</p>;
  const partial = points.matched > points.list.length;
  const stops = HEAT_RAMP.map((c, i) => `rgb(${c.join(',')}) ${Math.round((i / (HEAT_RAMP.length - 1)) * 100)}%`);
  return (
    <div className="planner-legend" aria-label="热力图图例" data-testid="density-legend" data-display="heatmap">
      <strong>热力图：{collection}密度</strong>
      <i className="planner-gradient" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span className="planner-gradient-scale">
        <span>低</span>
        <span>高</span>
      </span>
      <p className="muted" data-testid="density-points" data-count={points.list.length}>
        {collection} {points.list.length} 个点位{partial ? `（共 ${points.matched} 个，仅显示前 ${points.list.length} 个）` : ''}
      </p>
    </div>
  );
}
