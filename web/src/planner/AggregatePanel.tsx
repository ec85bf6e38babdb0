import type { LayersList } from '@deck.gl/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { isAbort, messageOf } from '../api/http';
import { plannerApi, type AggregateFeature } from './api';
import { breaksOf, choroplethLayer, RAMP } from './choropleth';
import { DensityLegend } from './DensityLegend';
import { classLabels } from './legend';
import {
  DISPLAYS,
  H3_RESOLUTIONS,
  h3OptionLabel,
  h3UnitLabel,
  heatmapLayer,
  pointsOf,
  type Display,
  type Point,
} from './density-layers';
import { itemsUrl } from './query-builder';
import type { Task } from './useTask';

const UNITS = [
  { by: 'grid', label: '网格' },
  { by: 'street', label: '街道' },
  { by: 'district', label: '区县' },
  { by: 'h3', label: 'H3 六边形' },
] as const;
type UnitBy = (typeof UNITS)[number]['by'];
type Unit = { by: Exclude<UnitBy, 'h3'> } | { by: 'h3'; h3Resolution?: number };
const unitKey = (u: Unit): string => (u.by === 'h3' ? `h3:${u.h3Resolution ?? 8}` : u.by);

/**
 * The unit in words, the same in the legend and above the table: 区县, or H3 第 8 级六边形（每格约 0.57 km²） with
 * the mean area of the cells counted (the table's area column).
 */
export function unitLabelOf(u: Unit, units: readonly AggregateFeature[] | null): string {
  if (u.by !== 'h3') return UNITS.find((x) => x.by === u.by)?.label ?? '单元';
  const mean = units?.length ? units.reduce((n, x) => n + x.properties.areaKm2, 0) / units.length : null;
  return h3UnitLabel(u.h3Resolution ?? 8, mean);
}

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
  const [h3Resolution, setH3Resolution] = useState<number>(8);
  const [aggregated, setAggregated] = useState<AggCollection | null>(null);
  /** The unit the shown counts are of: what the table, the legend and the map all say. */
  const [aggregatedUnit, setAggregatedUnit] = useState<Unit>({ by: 'district' });
  const [points, setPoints] = useState<{ collection: AggCollection; list: Point[]; matched: number } | null>(null);
  const { setBusy, setError } = task;

  // Hexbins are the server's H3 cells, counted like any other unit: the map draws the cells the table lists.
  const wanted: Unit = display === 'hexagon' ? { by: 'h3', h3Resolution } : { by: aggBy };
  const run = (collection: AggCollection, unit: Unit) =>
    task.run(async () => {
      setUnits(await plannerApi.aggregate({ collection, ...unit }));
      setAggregated(collection);
      setAggregatedUnit(unit);
    });
  const aggregate = () => run(aggCollection, wanted);

  // Switching to or from hexbins, or their size, after a count: count again in the new unit.
  const wantedKey = unitKey(wanted);
  const tried = useRef<string | null>(null);
  useEffect(() => {
    if (!active || aggregated === null || task.busy || wantedKey === unitKey(aggregatedUnit)) return;
    if (tried.current === `${aggregated}/${wantedKey}`) return;
    tried.current = `${aggregated}/${wantedKey}`;
    void run(aggregated, display === 'hexagon' ? { by: 'h3', h3Resolution } : { by: aggBy });
  });

  // The points behind the heat map, read once per aggregated collection when it is shown.
  const needPoints = active && display === 'heatmap' && aggregated !== null && points?.collection !== aggregated;
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
        },
        (err: unknown) => !isAbort(err) && setError(messageOf(err)),
      )
      .finally(() => setBusy(false));
    return () => ac.abort();
  }, [needPoints, aggregated, setBusy, setError]);

  const breaks = useMemo(() => breaksOf(units?.map((u) => u.properties.count) ?? []), [units]);
  const densityPoints = points && points.collection === aggregated ? points : null;

  const layers = useMemo((): LayersList => {
    if (display === 'heatmap') return densityPoints ? [heatmapLayer('planner-heatmap', densityPoints.list)] : [];
    return units ? [choroplethLayer(units, breaks)] : [];
  }, [display, densityPoints, units, breaks]);

  return {
    aggCollection,
    setAggCollection,
    aggBy,
    setAggBy,
    units,
    display,
    setDisplay,
    h3Resolution,
    setH3Resolution,
    aggregated,
    aggregatedUnit,
    densityPoints,
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
      <label hidden={display === 'hexagon'}>
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
          六边形大小{' '}
          <select
            aria-label="六边形大小"
            data-testid="hexagon-resolution"
            value={a.h3Resolution}
            onChange={(e) => a.setH3Resolution(Number(e.target.value))}
          >
            {H3_RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {h3OptionLabel(r)}
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
      {units && display === 'heatmap' && (
        <DensityLegend points={a.densityPoints} collection={AGG_COLLECTIONS.find((c) => c.id === a.aggregated)?.label ?? ''} />
      )}
      {units && (
        <>
          <p data-testid="aggregate-total" data-total={total}>
            共 {units.length} 个单元，合计 <strong>{total}</strong>
          </p>
          {display !== 'heatmap' && (
            <div
              className="planner-legend"
              aria-label="图例"
              data-testid={display === 'hexagon' ? 'hexagon-legend' : 'choropleth-legend'}
              data-unit={unitLabelOf(a.aggregatedUnit, units)}
            >
              <strong>
                {display === 'hexagon' ? '六边形分箱' : '分区着色'}：每个{unitLabelOf(a.aggregatedUnit, units)}内
                {AGG_COLLECTIONS.find((c) => c.id === a.aggregated)?.label ?? ''}的数量
              </strong>
              {classLabels(breaks, RAMP.length).map((label, i) => (
                <span key={i}>
                  <i style={{ background: `rgb(${RAMP[i]!.join(',')})` }} />
                  {label}
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
export function AggregateTable({ units, unitLabel }: { units: AggregateFeature[]; unitLabel: string }) {
  return (
    <table className="admin-table planner-table" data-testid="aggregate-table" data-unit={unitLabel}>
      <caption data-testid="aggregate-table-unit">
        单元：{unitLabel}（共 {units.length} 个）
      </caption>
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
