import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { ServiceAreaResponse } from '../../../contracts/analysis';
import { isAbort } from '../api/http';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { useLiveTiles } from '../map/live-tiles';
import { MapView, type MapHandles } from '../map/MapView';
import { plannerApi, type AggregateFeature, type Collection, type Feature, type Items } from './api';
import { DISPLAYS, HEX_RADII_M, heatmapLayer, hexagonLayer, pointsOf, type Display, type Point } from './density-layers';
import { HEAT_RAMP, HEX_RAMP, hexClassLabels, radiusLabel } from './legend';
import { addIncidentTiles, setIncidentTilesVisible } from './incident-tiles';
import { buildCql2, itemsUrl, OPERATORS, type Bbox, type FilterRow, type Operator, type ValueType } from './query-builder';
import { beijingTime, durationLabel } from './timeline';
import { TimelinePlayer, type TimelineFrame } from './TimelinePlayer';
import '../identity/identity.css';
import './planner.css';

const RESULT_LIMIT = 1000;
/** Rows drawn in the table (the map shows every returned feature). */
const TABLE_ROWS = 300;
const EXPORTS = [
  { f: 'csv', label: 'CSV' },
  { f: 'gpkg', label: 'GeoPackage' },
  { f: 'kml', label: 'KML' },
  { f: 'geojson', label: 'GeoJSON' },
] as const;
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
/** The time property played back per collection; others use their first date-time queryable. */
const TIME_FIELDS: Record<string, string> = { incidents: 'first_reported_at', cases: 'reported_at' };
/** Tile layers of the planner map refreshed live. */
const LIVE_LAYERS = ['incidents'] as const;
type Tab = 'query' | 'aggregate' | 'service';

/** Sequential ramp (light yellow → dark red) for the choropleth, five classes. */
const RAMP: [number, number, number][] = [
  [255, 255, 204],
  [254, 217, 118],
  [253, 141, 60],
  [227, 26, 28],
  [128, 0, 38],
];

/** Class breaks by quantiles of the non-zero counts, so a few dense units do not wash out the rest. */
function breaksOf(counts: number[]): number[] {
  const sorted = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (!sorted.length) return [1, 1, 1, 1];
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}
const classOf = (count: number, breaks: number[]) => breaks.filter((b) => count > b).length;

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/**
 * 空间查询与分析 for planners (`analysis.run`): the OGC API Features catalogue with a query builder (attribute rows,
 * current view, raw CQL2) whose results go to the map and a sortable table and can be downloaded; aggregation of
 * POI or incidents by grid, street, district or H3 cell as a choropleth; drive-time service areas from a map click.
 */
export function PlannerPage() {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [tab, setTab] = useState<Tab>('query');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Catalogue and query.
  const [collections, setCollections] = useState<Collection[] | null>(null);
  const [collectionId, setCollectionId] = useState<string | null>(null);
  const [queryables, setQueryables] = useState<Record<string, ValueType>>({});
  /** Chinese titles of the properties (queryables `title`), for pickers and table headers. */
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<FilterRow[]>([]);
  const [useView, setUseView] = useState(false);
  const [rawCql, setRawCql] = useState('');
  const [result, setResult] = useState<{ url: string; filter: string; bbox: Bbox | null; items: Items } | null>(null);
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(null);

  // Aggregation and service area.
  const [aggCollection, setAggCollection] = useState<AggCollection>('poi');
  const [aggBy, setAggBy] = useState<UnitBy>('district');
  const [units, setUnits] = useState<AggregateFeature[] | null>(null);
  const [minutes, setMinutes] = useState(10);
  const [area, setArea] = useState<ServiceAreaResponse | null>(null);
  const [picking, setPicking] = useState(false);

  // Heat map and hexbins of the aggregated collection's points.
  const [display, setDisplay] = useState<Display>('choropleth');
  const [hexRadius, setHexRadius] = useState<number>(500);
  const [aggregated, setAggregated] = useState<AggCollection | null>(null);
  const [aggregatedBy, setAggregatedBy] = useState<UnitBy>('district');
  const [points, setPoints] = useState<{ collection: AggCollection; list: Point[]; matched: number } | null>(null);
  const [hexDomain, setHexDomain] = useState<[number, number] | null>(null);

  // Time playback of the query result, and the live incident tiles.
  const [playback, setPlayback] = useState(false);
  const [frame, setFrame] = useState<TimelineFrame | null>(null);
  const [liveServed, setLiveServed] = useState(false);
  const [showLive, setShowLive] = useState(true);
  const { socket } = useSession();
  const live = useLiveTiles(handles?.map ?? null, socket, LIVE_LAYERS);

  useEffect(() => {
    if (!handles) return;
    const ac = new AbortController();
    addIncidentTiles(handles.map, ac.signal).then(setLiveServed, (err: unknown) => {
      if (!isAbort(err)) console.warn('incident tiles:', err);
    });
    return () => ac.abort();
  }, [handles]);

  // The live dots would hide what a density view or the playback shows, so they step aside meanwhile.
  const liveSuppressed =
    (tab === 'aggregate' && display !== 'choropleth' && units !== null) || (tab === 'query' && playback && !!result);
  useEffect(() => {
    if (handles && liveServed) setIncidentTilesVisible(handles.map, showLive && !liveSuppressed);
  }, [handles, liveServed, showLive, liveSuppressed]);

  useEffect(() => {
    const ac = new AbortController();
    plannerApi.collections(ac.signal).then(setCollections, (err: unknown) => !isAbort(err) && setError(messageOf(err)));
    return () => ac.abort();
  }, []);

  useEffect(() => {
    if (!collectionId) return;
    const ac = new AbortController();
    setQueryables({});
    setRows([]);
    setResult(null);
    setTitles({});
    plannerApi.queryables(collectionId, ac.signal).then(
      (q) => {
        setQueryables(q.types);
        setTitles(q.titles);
      },
      (err: unknown) => !isAbort(err) && setError(messageOf(err)),
    );
    return () => ac.abort();
  }, [collectionId]);

  const timeField = useMemo(() => {
    if (!collectionId) return null;
    const known = TIME_FIELDS[collectionId];
    if (known && known in queryables) return known;
    return Object.entries(queryables).find(([, t]) => t === 'date-time')?.[0] ?? null;
  }, [collectionId, queryables]);

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const query = () =>
    run(async () => {
      if (!collectionId) return;
      const filter = buildCql2(rows, queryables, rawCql);
      let bbox: Bbox | null = null;
      if (useView && handles) {
        const b = handles.map.getBounds();
        bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      }
      const url = itemsUrl(collectionId, { filter, bbox, limit: RESULT_LIMIT }, 'geojson');
      const items = await plannerApi.items(url);
      setSort(null);
      setResult({ url, filter, bbox, items });
    });

  const aggregate = () =>
    run(async () => {
      setUnits(await plannerApi.aggregate({ collection: aggCollection, by: aggBy }));
      setAggregated(aggCollection);
      setAggregatedBy(aggBy);
    });

  // The points behind the heat map and hexbins, read once per aggregated collection when one of them is shown.
  const needPoints = tab === 'aggregate' && display !== 'choropleth' && aggregated !== null && points?.collection !== aggregated;
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
  }, [needPoints, aggregated]);

  const onHexDomain = useCallback(
    (d: [number, number]) => setHexDomain((prev) => (prev && prev[0] === d[0] && prev[1] === d[1] ? prev : d)),
    [],
  );

  const breaks = useMemo(() => breaksOf(units?.map((u) => u.properties.count) ?? []), [units]);

  // Map layers: query results, the choropleth and the service area, whichever exist.
  useEffect(() => {
    if (!handles) return;
    const layers = [];
    const densityPoints = points && points.collection === aggregated ? points.list : null;
    if (tab === 'aggregate' && display === 'heatmap' && densityPoints) {
      layers.push(heatmapLayer('planner-heatmap', densityPoints));
    }
    if (tab === 'aggregate' && display === 'hexagon' && densityPoints) {
      layers.push(hexagonLayer('planner-hexagon', densityPoints, hexRadius, onHexDomain));
    }
    if (units && tab === 'aggregate' && display === 'choropleth') {
      layers.push(
        new GeoJsonLayer({
          id: 'planner-aggregate',
          data: { type: 'FeatureCollection', features: units } as never,
          filled: true,
          stroked: true,
          getFillColor: (f) => {
            const [r, g, b] = RAMP[classOf((f as unknown as AggregateFeature).properties.count, breaks)] ?? RAMP[0]!;
            return [r, g, b, 170];
          },
          getLineColor: [90, 90, 90, 200],
          lineWidthMinPixels: 0.6,
          pickable: true,
          updateTriggers: { getFillColor: breaks },
        }),
      );
    }
    if (result && tab === 'query' && playback && frame) {
      layers.push(
        new ScatterplotLayer<Feature>({
          id: `planner-timeline-${frame.layerId}`,
          data: frame.visible,
          getPosition: (f) => pointsOf([f])[0] ?? [0, 0],
          // Older records in the window fade: the newest are drawn fully opaque.
          getFillColor: (f) => {
            const t = Date.parse(String(f.properties?.[timeField ?? ''] ?? ''));
            const age = Number.isNaN(t) ? 1 : Math.min(1, Math.max(0, (frame.at - t) / frame.windowMs));
            return [215, 48, 31, Math.round(255 - age * 170)];
          },
          getLineColor: [255, 255, 255, 230],
          getRadius: 6,
          radiusUnits: 'pixels',
          stroked: true,
          lineWidthMinPixels: 1,
          pickable: true,
          updateTriggers: { getFillColor: [frame.at, frame.windowMs] },
        }),
      );
    } else if (result && tab === 'query') {
      layers.push(
        new GeoJsonLayer({
          id: 'planner-items',
          data: { type: 'FeatureCollection', features: result.items.features } as never,
          pointType: 'circle',
          getPointRadius: 5,
          pointRadiusUnits: 'pixels',
          getFillColor: [0, 114, 206, 200],
          getLineColor: [0, 60, 130, 255],
          lineWidthMinPixels: 1,
          pickable: true,
        }),
      );
    }
    if (area && tab === 'service') {
      if (area.hull) {
        layers.push(
          new GeoJsonLayer({
            id: 'planner-service-hull',
            data: { type: 'Feature', geometry: area.hull, properties: {} } as never,
            getFillColor: [46, 160, 67, 60],
            getLineColor: [30, 120, 50, 255],
            lineWidthMinPixels: 2,
          }),
        );
      }
      layers.push(
        new GeoJsonLayer({
          id: 'planner-service-edges',
          data: { type: 'Feature', geometry: area.edges, properties: {} } as never,
          getLineColor: [200, 60, 20, 220],
          lineWidthMinPixels: 2,
        }),
        new GeoJsonLayer({
          id: 'planner-service-origin',
          data: {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [area.origin.lon, area.origin.lat] },
            properties: {},
          } as never,
          pointType: 'circle',
          getPointRadius: 7,
          pointRadiusUnits: 'pixels',
          getFillColor: [200, 30, 30, 255],
          getLineColor: [255, 255, 255, 255],
          lineWidthMinPixels: 2,
        }),
      );
    }
    handles.overlay.setProps({
      layers,
      getTooltip: ({ object }: { object?: { properties?: Record<string, unknown>; count?: unknown } }) => {
        if (object && !object.properties && typeof object.count === 'number') return { text: `本六边形内 ${object.count} 个` };
        const p = object?.properties;
        if (!p) return null;
        if ('count' in p) return { text: `${cell(p.name) || cell(p.code)}：${cell(p.count)}` };
        return { text: cell(p.name ?? p.title ?? p.id ?? '') };
      },
    });
  }, [
    handles,
    tab,
    units,
    breaks,
    result,
    area,
    display,
    points,
    aggregated,
    hexRadius,
    onHexDomain,
    playback,
    frame,
    timeField,
  ]);

  const onMapClick = useCallback(
    (e: MapMouseEvent) => {
      if (tab !== 'service' || !picking) return;
      setPicking(false);
      const { lng, lat } = e.lngLat;
      void run(async () => setArea(await plannerApi.serviceArea({ lon: lng, lat, minutes })));
    },
    [tab, minutes, picking],
  );

  const columns = useMemo(() => {
    const keys = new Set<string>();
    for (const f of result?.items.features.slice(0, 50) ?? []) for (const k of Object.keys(f.properties ?? {})) keys.add(k);
    return [...keys].slice(0, 10);
  }, [result]);

  const sorted = useMemo(() => {
    const list = result?.items.features ?? [];
    if (!sort) return list;
    const dir = sort.desc ? -1 : 1;
    return [...list].sort((a, b) => dir * compare(a.properties?.[sort.key], b.properties?.[sort.key]));
  }, [result, sort]);

  const chosen = collections?.find((c) => c.id === collectionId) ?? null;
  const matched = result ? (result.items.numberMatched ?? result.items.features.length) : 0;
  const total = units?.reduce((s, u) => s + u.properties.count, 0) ?? 0;

  return (
    <div className="app planner-app" data-testid="planner-page" data-ready={collections ? 'true' : 'false'}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">空间查询与分析</span>
        <UserMenu current="planner" />
      </header>
      <div className="planner-main">
        <aside className="planner-side">
          <nav className="planner-tabs">
            {(
              [
                ['query', '数据查询'],
                ['aggregate', '统计汇总'],
                ['service', '服务区'],
              ] as const
            ).map(([id, label]) => (
              <button key={id} type="button" className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
                {label}
              </button>
            ))}
          </nav>
          {error && (
            <p className="warning planner-error" role="alert" data-testid="planner-error">
              操作失败：{error}
            </p>
          )}
          {tab === 'query' && (
            <>
              <h2>数据目录</h2>
              {!collections && !error && <p className="muted">正在读取数据目录…</p>}
              <ul className="planner-catalog">
                {collections?.map((c) => (
                  <li key={c.id}>
                    <button
                      type="button"
                      data-testid="catalog-item"
                      data-collection-id={c.id}
                      className={c.id === collectionId ? 'active' : ''}
                      onClick={() => setCollectionId(c.id)}
                    >
                      <strong>{c.title}</strong> <code>{c.id}</code>
                      {c.description && <span className="muted">{c.description}</span>}
                      {c.license && <span className="muted">许可：{c.license}</span>}
                      {c.id === collectionId && (
                        <span className="muted" data-testid="catalog-details">
                          {c.access ? `访问：${c.access.description}` : ''}
                          {c.updated ? ` · 更新：${new Date(c.updated).toLocaleString('zh-CN', { hour12: false })}` : ''}
                          {c.crs?.length ? ` · 坐标系：WGS 84（${c.crs.length} 种 CRS）` : ''}
                          {Object.keys(titles).length
                            ? ` · 属性：${Object.entries(titles)
                                .map(([k, v]) => `${v}（${k}）`)
                                .join('、')}`
                            : ''}
                        </span>
                      )}
                    </button>
                  </li>
                ))}
              </ul>
              {chosen && (
                <section className="planner-builder">
                  <h2>查询条件：{chosen.title}</h2>
                  {rows.map((row, i) => (
                    <div className="planner-row" key={i} data-testid="filter-row">
                      <select
                        aria-label="属性"
                        data-testid="filter-property"
                        value={row.property}
                        onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, property: e.target.value } : r)))}
                      >
                        {Object.keys(queryables).map((p) => (
                          <option key={p} value={p}>
                            {titles[p] ? `${titles[p]}（${p}）` : p}
                          </option>
                        ))}
                      </select>
                      <select
                        aria-label="运算符"
                        data-testid="filter-op"
                        value={row.op}
                        onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, op: e.target.value as Operator } : r)))}
                      >
                        {OPERATORS.map((op) => (
                          <option key={op} value={op}>
                            {op}
                          </option>
                        ))}
                      </select>
                      <input
                        aria-label="值"
                        data-testid="filter-value"
                        value={row.value}
                        placeholder={row.op === 'IN' ? '多个值用逗号分隔' : row.op === 'LIKE' ? '如 %医院%' : '值'}
                        onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                      />
                      <button type="button" aria-label="删除条件" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                        ×
                      </button>
                    </div>
                  ))}
                  <button
                    type="button"
                    data-testid="add-filter"
                    disabled={!Object.keys(queryables).length}
                    onClick={() => setRows([...rows, { property: Object.keys(queryables)[0] ?? '', op: '=', value: '' }])}
                  >
                    添加条件
                  </button>
                  <label className="planner-check">
                    <input type="checkbox" checked={useView} onChange={(e) => setUseView(e.target.checked)} /> 仅限当前视图范围
                  </label>
                  <details>
                    <summary>高级：CQL2 文本</summary>
                    <textarea
                      aria-label="CQL2 文本"
                      data-testid="raw-cql"
                      rows={3}
                      value={rawCql}
                      placeholder="如 category = 'hospital' AND S_INTERSECTS(geometry, BBOX(126.6,45.7,126.7,45.8))"
                      onChange={(e) => setRawCql(e.target.value)}
                    />
                  </details>
                  <button
                    type="button"
                    className="primary"
                    data-testid="query-button"
                    disabled={busy}
                    onClick={() => void query()}
                  >
                    {busy ? '正在查询…' : '查询'}
                  </button>
                </section>
              )}
              {result && (
                <section>
                  <p data-testid="result-count" data-count={matched}>
                    共匹配 <strong>{matched}</strong> 条，地图显示 {result.items.features.length} 条
                    {result.filter && (
                      <>
                        <br />
                        <code className="planner-cql">{result.filter}</code>
                      </>
                    )}
                  </p>
                  <div className="planner-exports">
                    导出：
                    {EXPORTS.map(({ f, label }) => (
                      <a
                        key={f}
                        data-testid="export-link"
                        data-format={f}
                        href={itemsUrl(collectionId!, { filter: result.filter, bbox: result.bbox }, f)}
                        download
                      >
                        {label}
                      </a>
                    ))}
                  </div>
                  {timeField && (
                    <label className="planner-check">
                      <input
                        type="checkbox"
                        data-testid="timeline-toggle"
                        checked={playback}
                        onChange={(e) => setPlayback(e.target.checked)}
                      />{' '}
                      时间回放（按 <code>{timeField}</code>）
                    </label>
                  )}
                  {timeField && playback && collectionId && (
                    <TimelinePlayer
                      layerId={collectionId}
                      features={result.items.features}
                      timeField={timeField}
                      onFrame={setFrame}
                    />
                  )}
                </section>
              )}
            </>
          )}
          {tab === 'aggregate' && (
            <section className="planner-builder">
              <h2>统计汇总</h2>
              <label>
                数据{' '}
                <select
                  aria-label="汇总数据"
                  data-testid="aggregate-collection"
                  value={aggCollection}
                  onChange={(e) => setAggCollection(e.target.value as AggCollection)}
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
                  value={aggBy}
                  onChange={(e) => setAggBy(e.target.value as UnitBy)}
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
                  onChange={(e) => setDisplay(e.target.value as Display)}
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
                    value={hexRadius}
                    onChange={(e) => setHexRadius(Number(e.target.value))}
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
                disabled={busy}
                onClick={() => void aggregate()}
              >
                {busy ? '正在统计…' : '统计'}
              </button>
              {units && display !== 'choropleth' && (
                <DensityLegend
                  display={display}
                  points={points && points.collection === aggregated ? points : null}
                  collection={AGG_COLLECTIONS.find((c) => c.id === aggregated)?.label ?? ''}
                  hexDomain={hexDomain}
                  hexRadius={hexRadius}
                />
              )}
              {units && (
                <>
                  <p data-testid="aggregate-total" data-total={total}>
                    共 {units.length} 个单元，合计 <strong>{total}</strong>
                  </p>
                  {display === 'choropleth' && (
                    <div className="planner-legend" aria-label="图例" data-testid="choropleth-legend">
                      <strong>分区着色：每个{UNITS.find((u) => u.by === aggregatedBy)?.label ?? '单元'}的数量</strong>
                      {RAMP.map((c, i) => (
                        <span key={i}>
                          <i style={{ background: `rgb(${c.join(',')})` }} />
                          {i === 0
                            ? `≤ ${breaks[0]}`
                            : i === RAMP.length - 1
                              ? `> ${breaks[3]}`
                              : `${breaks[i - 1]}–${breaks[i]}`}
                        </span>
                      ))}
                    </div>
                  )}
                </>
              )}
            </section>
          )}
          {tab === 'service' && (
            <section className="planner-builder">
              <h2>服务区（驾车时间）</h2>
              <label>
                时间（分钟）{' '}
                <input
                  type="number"
                  aria-label="分钟"
                  data-testid="service-minutes"
                  min={1}
                  max={30}
                  value={minutes}
                  onChange={(e) => setMinutes(Number(e.target.value))}
                />
              </label>
              <button
                type="button"
                className="primary"
                data-testid="service-area-button"
                data-picking={picking ? 'true' : 'false'}
                onClick={() => setPicking(!picking)}
              >
                {picking ? '取消选点' : '在地图上选择起点'}
              </button>
              <p className="muted">
                {busy ? '正在计算服务区…' : picking ? '请在地图上点击起点。' : '选择起点后计算该时间内驾车可达的道路和范围。'}
              </p>
              {area && (
                <p data-testid="service-area-result" data-edges={area.reachedEdges}>
                  {area.minutes} 分钟可达道路 {area.reachedEdges} 段{area.hull ? '' : '（可达点过少，未生成范围面）'}
                </p>
              )}
            </section>
          )}
        </aside>
        <div className="planner-right">
          <div className="planner-map">
            <MapView onReady={setHandles} onClick={onMapClick} />
            {tab === 'query' && playback && frame && (
              <div className="planner-playback-badge" data-testid="playback-badge" aria-live="polite">
                回放 <strong>{beijingTime(frame.at)}</strong>（北京时间）· 前 {durationLabel(frame.windowMs)}{' '}
                <strong>{frame.visible.length}</strong> 条
              </div>
            )}
            {liveServed && (
              <label
                className="planner-live"
                data-testid="live-tiles"
                data-subscribed={live.subscribed.join(',')}
                data-refreshed={live.refreshed}
                data-shown={showLive && !liveSuppressed ? 'true' : 'false'}
              >
                <input type="checkbox" checked={showLive} onChange={(e) => setShowLive(e.target.checked)} /> 实时事件图层
                {liveSuppressed
                  ? '（分析显示时暂不显示）'
                  : live.subscribed.includes('incidents')
                    ? '（实时更新中）'
                    : '（未连接）'}
              </label>
            )}
          </div>
          <div className="planner-table-wrap">
            {tab === 'query' && result && (
              <table className="admin-table planner-table" data-testid="result-table">
                <thead>
                  <tr>
                    {columns.map((k) => (
                      <th
                        key={k}
                        title={k}
                        data-property={k}
                        onClick={() => setSort({ key: k, desc: sort?.key === k ? !sort.desc : false })}
                      >
                        {titles[k] ?? k}
                        {sort?.key === k ? (sort.desc ? ' ▼' : ' ▲') : ''}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {sorted.slice(0, TABLE_ROWS).map((f, i) => (
                    <tr key={f.id ?? i} data-testid="result-row">
                      {columns.map((k) => (
                        <td key={k}>{cell(f.properties?.[k])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {tab === 'aggregate' && units && (
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
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

interface DensityLegendProps {
  display: Exclude<Display, 'choropleth'>;
  points: { list: Point[]; matched: number } | null;
  collection: string;
  hexDomain: [number, number] | null;
  hexRadius: number;
}

/** 图例 of the heat map (relative density, light to dark) or of the hexbins (count classes per hexagon). */
function DensityLegend({ display, points, collection, hexDomain, hexRadius }: DensityLegendProps) {
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
