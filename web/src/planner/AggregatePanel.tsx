import type { LayersList } from '@deck.gl/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { isAbort, messageOf } from '../api/http';
import { plannerApi, type AggregateFeature } from './api';
import { breaksOf, choroplethLayer, RAMP } from './choropleth';
import { DensityLegend } from './DensityLegend';
import { DISPLAYS, HEX_RADII_M, heatmapLayer, hexagonLayer, pointsOf, type Display, type Point } from './density-layers';
import { radiusLabel } from './legend';
import { itemsUrl } from './query-builder';
import type { Task } from './useTask';

const UNITS = [
  { by: 'grid', label: '网格' },
  { by: 'street', label: '街道' },
  { by: 'district', label: '区县' },
  { by: 'h3', label: 'H3 六边形' },
] as const;
type UnitBy = (typeof UNITS)[number]['by'];
const AGG_COLLECTIONS = [
  { id: 'poi', label: '兴趣点（POI）' },
  { id: 'incidents', label: '警情' },
  { id: 'cases', label: '城市管理案件' },
] as const;
type AggCollection = (typeof AGG_COLLECTIONS)[number]['id'];
/** Points read for the heat map and hexbins (the OGC API's largest page). */
const DENSITY_LIMIT = 10_000;

/**
 * 统计汇总: POI, incidents or cases counted per grid cell, street, district or H3 cell, drawn as a choropleth, or
 * their points as a heat map or hexbins. `active`: the panel is shown (the points are read only then).
 */
export function useAggregate(task: Task, active: boolean) {
  const [aggCollection, setAggCollection] = useState<AggCollection>('poi');
  const [aggBy, setAggBy] = useState<UnitBy>('district');
  const [units, setUnits] = useState<AggregateFeature[] | null>(null);
  const [display, setDisplay] = useState<Display>('choropleth');
  const [hexRadius, setHexRadius] = useState<number>(500);
  const [aggregated, setAggregated] = useState<AggCollection | null>(null);
  const [aggregatedBy, setAggregatedBy] = useState<UnitBy>('district');
  const [points, setPoints] = useState<{ collection: AggCollection; list: Point[]; matched: number } | null>(null);
  const [hexDomain, setHexDomain] = useState<[number, number] | null>(null);
  const { setBusy, setError } = task;

  const aggregate = () =>
    task.run(async () => {
      setUnits(await plannerApi.aggregate({ collection: aggCollection, by: aggBy }));
      setAggregated(aggCollection);
      setAggregatedBy(aggBy);
    });

  // The points behind the heat map and hexbins, read once per aggregated collection when one of them is shown.
  const needPoints = active && display !== 'choropleth' && aggregated !== null && points?.collection !== aggregated;
  useEffect(() => {
    if (!needPoints || !aggregated) return;
    const ac = new AbortController();
    setBusy(true);
    plannerApi
      .items(itemsUrl(aggregated, { filter: '', bbox: null, limit: DENSITY_LIMIT }, 'geojson'), ac.signal)
      .then(
        (items) => {
          setPoints({
            collection: aggregated,
            list: pointsOf(items.features),
            matched: items.numberMatched ?? items.features.length,
          });
          setHexDomain(null);
        },
        (err: unknown) => !isAbort(err) && setError(messageOf(err)),
      )
      .finally(() => setBusy(false));
    return () => ac.abort();
  }, [needPoints, aggregated, setBusy, setError]);

  const onHexDomain = useCallback(
    (d: [number, number]) => setHexDomain((prev) => (prev && prev[0] === d[0] && prev[1] === d[1] ? prev : d)),
    [],
  );
  const breaks = useMemo(() => breaksOf(units?.map((u) => u.properties.count) ?? []), [units]);
  const densityPoints = points && points.collection === aggregated ? points : null;

  const layers = useMemo((): LayersList => {
    if (display === 'heatmap') return densityPoints ? [heatmapLayer('planner-heatmap', densityPoints.list)] : [];
    if (display === 'hexagon') {
      return densityPoints ? [hexagonLayer('planner-hexagon', densityPoints.list, hexRadius, onHexDomain)] : [];
    }
    return units ? [choroplethLayer(units, breaks)] : [];
  }, [display, densityPoints, hexRadius, onHexDomain, units, breaks]);

  return {
    aggCollection,
    setAggCollection,
    aggBy,
    setAggBy,
    units,
    display,
    setDisplay,
    hexRadius,
    setHexRadius,
    aggregated,
    aggregatedBy,
    densityPoints,
    hexDomain,
    breaks,
    aggregate,
    layers,
  };
}

export type AggregateState = ReturnType<typeof useAggregate>;

export function AggregatePanel({ a, task }: { a: AggregateState; task: Task }) {
  const { units, display, breaks } = a;
  const total = units?.reduce((s, u) => s + u.properties.count, 0) ?? 0;
  return (
    <section className="planner-builder">
      <h2>统计汇总</h2>
      <label>
        数据{' '}
        <select
          aria-label="汇总数据"
          data-testid="aggregate-collection"
          value={a.aggCollection}
          onChange={(e) => a.setAggCollection(e.target.value as AggCollection)}
        >
          {AGG_COLLECTIONS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        单元{' '}
        <select
          aria-label="汇总单元"
          data-testid="aggregate-unit"
          value={a.aggBy}
          onChange={(e) => a.setAggBy(e.target.value as UnitBy)}
        >
          {UNITS.map((u) => (
            <option key={u.by} value={u.by}>
              {u.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        显示方式{' '}
        <select
          aria-label="显示方式"
          data-testid="aggregate-display"
          value={display}
          onChange={(e) => a.setDisplay(e.target.value as Display)}
        >
          {DISPLAYS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {display === 'hexagon' && (
        <label>
          六边形半径{' '}
          <select
            aria-label="六边形半径"
            data-testid="hexagon-radius"
            value={a.hexRadius}
            onChange={(e) => a.setHexRadius(Number(e.target.value))}
          >
            {HEX_RADII_M.map((r) => (
              <option key={r} value={r}>
                {radiusLabel(r)}
              </option>
            ))}
          </select>
        </label>
      )}
      <button
        type="button"
        className="primary"
        data-testid="aggregate-button"
        disabled={task.busy}
        onClick={() => void a.aggregate()}
      >
        {task.busy ? '正在统计…' : '统计'}
      </button>
      {units && display !== 'choropleth' && (
        <DensityLegend
          display={display}
          points={a.densityPoints}
          collection={AGG_COLLECTIONS.find((c) => c.id === a.aggregated)?.label ?? ''}
          hexDomain={a.hexDomain}
          hexRadius={a.hexRadius}
        />
      )}
      {units && (
        <>
          <p data-testid="aggregate-total" data-total={total}>
            共 {units.length} 个单元，合计 <strong>{total}</strong>
          </p>
          {display === 'choropleth' && (
            <div className="planner-legend" aria-label="图例" data-testid="choropleth-legend">
              <strong>分区着色：每个{UNITS.find((u) => u.by === a.aggregatedBy)?.label ?? '单元'}的数量</strong>
              {RAMP.map((c, i) => (
                <span key={i}>
                  <i style={{ background: `rgb(${c.join(',')})` }} />
                  {i === 0 ? `≤ ${breaks[0]}` : i === RAMP.length - 1 ? `> ${breaks[3]}` : `${breaks[i - 1]}–${breaks[i]}`}
                </span>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The units, most counted first, with area and density. */
export function AggregateTable({ units }: { units: AggregateFeature[] }) {
  return (
    <table className="admin-table planner-table" data-testid="aggregate-table">
      <thead>
        <tr>
          <th>编码</th>
          <th>名称</th>
          <th>数量</th>
          <th>面积（km²）</th>
          <th>密度（个/km²）</th>
        </tr>
      </thead>
      <tbody>
        {[...units]
          .sort((a, b) => b.properties.count - a.properties.count)
          .map((u) => (
            <tr key={u.properties.code} data-testid="aggregate-row" data-count={u.properties.count}>
              <td>{u.properties.code}</td>
              <td>{u.properties.name ?? ''}</td>
              <td>{u.properties.count}</td>
              <td>{u.properties.areaKm2.toFixed(2)}</td>
              <td>{u.properties.density.toFixed(2)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
