import type { LayersList } from '@deck.gl/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { valueLabel, valueLabelsOf } from '../../../contracts/layer-values';
import { ApiError, isAbort, messageOf } from '../api/http';
import { plannerApi, type Collection, type Items } from './api';
import { featuresBbox } from './extent';
import { cell, resultLayer, timelineLayer } from './map-layers';
import {
  buildCql2,
  itemsUrl,
  locateFilterError,
  OPERATORS,
  splitList,
  type Bbox,
  type FilterProblem,
  type FilterRow,
  type Operator,
  type ValueType,
} from './query-builder';
import { TimelinePlayer, type TimelineFrame } from './TimelinePlayer';
import type { Task } from './useTask';

const RESULT_LIMIT = 1000;
/** The operators in words (the CQL2 symbol follows in the preview). */
const OPERATOR_LABELS: Record<Operator, string> = {
  '=': '等于',
  '<>': '不等于',
  '<': '小于',
  '>': '大于',
  LIKE: '包含（LIKE）',
  IN: '属于其中之一（IN）',
};
/** Rows drawn in the table (the map shows every returned feature). */
const TABLE_ROWS = 300;
const EXPORTS = [
  { f: 'csv', label: 'CSV' },
  { f: 'gpkg', label: 'GeoPackage' },
  { f: 'kml', label: 'KML' },
  { f: 'geojson', label: 'GeoJSON' },
] as const;
/** The time property played back per collection; others use their first date-time queryable. */
const TIME_FIELDS: Record<string, string> = { incidents: 'first_reported_at', cases: 'reported_at' };

/** The 0-based offset of an OGC API answer that refused the `filter` parameter, or null for any other failure. */
function filterErrorOf(err: unknown): { offset?: number } | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const details = err.details as { parameter?: unknown; offset?: unknown } | undefined;
  if (details?.parameter !== 'filter') return null;
  return typeof details.offset === 'number' ? { offset: details.offset } : {};
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/**
 * 数据查询: the OGC API Features catalogue, a query built from attribute rows, the current view and raw CQL2, its
 * result (map, sortable table, downloads) and the time playback of the result.
 */
export function useQuery(task: Task, viewBounds: () => Bbox | null, zoomTo: (b: Bbox) => void) {
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
  const [playback, setPlayback] = useState(false);
  const [frame, setFrame] = useState<TimelineFrame | null>(null);
  /** The server's refusal of the filter, placed under the rows or the typed CQL2; cleared by any edit. */
  const [filterProblem, setFilterProblem] = useState<FilterProblem | null>(null);
  const { setError } = task;

  useEffect(() => setFilterProblem(null), [rows, rawCql, collectionId]);

  useEffect(() => {
    const ac = new AbortController();
    plannerApi.collections(ac.signal).then(setCollections, (err: unknown) => !isAbort(err) && setError(messageOf(err)));
    return () => ac.abort();
  }, [setError]);

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
  }, [collectionId, setError]);

  const timeField = useMemo(() => {
    if (!collectionId) return null;
    const known = TIME_FIELDS[collectionId];
    if (known && known in queryables) return known;
    return Object.entries(queryables).find(([, t]) => t === 'date-time')?.[0] ?? null;
  }, [collectionId, queryables]);

  const query = () =>
    task.run(async () => {
      if (!collectionId) return;
      const filter = buildCql2(rows, queryables, rawCql);
      const bbox = useView ? viewBounds() : null;
      const url = itemsUrl(collectionId, { filter, bbox, limit: RESULT_LIMIT }, 'geojson');
      setFilterProblem(null);
      let items: Items;
      try {
        items = await plannerApi.items(url);
      } catch (err) {
        const refused = filterErrorOf(err);
        if (!refused) throw err;
        setFilterProblem(locateFilterError(rows, queryables, rawCql, messageOf(err), refused.offset));
        return;
      }
      setSort(null);
      setResult({ url, filter, bbox, items });
    });

  /** The CQL2 of the builder rows alone, of the rows and the raw text together, or why a row does not parse. */
  const cql = useMemo(() => {
    try {
      return { rows: buildCql2(rows, queryables), combined: buildCql2(rows, queryables, rawCql), error: null };
    } catch (err) {
      return { rows: '', combined: '', error: err instanceof Error ? err.message : String(err) };
    }
  }, [rows, queryables, rawCql]);

  const resultBbox = useMemo(() => (result ? featuresBbox(result.items.features) : null), [result]);
  const zoomToResult = () => {
    if (resultBbox) zoomTo(resultBbox);
  };

  const layers = useMemo((): LayersList => {
    if (!result) return [];
    return [playback && frame ? timelineLayer(frame, timeField) : resultLayer(result.items.features)];
  }, [result, playback, frame, timeField]);

  return {
    collections,
    collectionId,
    setCollectionId,
    queryables,
    titles,
    rows,
    setRows,
    useView,
    setUseView,
    rawCql,
    setRawCql,
    result,
    sort,
    setSort,
    playback,
    setPlayback,
    frame,
    setFrame,
    timeField,
    query,
    layers,
    cql,
    filterProblem,
    resultBbox,
    zoomToResult,
  };
}

export type QueryState = ReturnType<typeof useQuery>;

export function QueryPanel({ q, task }: { q: QueryState; task: Task }) {
  const { collections, collectionId, titles, queryables, rows, setRows, result } = q;
  const chosen = collections?.find((c) => c.id === collectionId) ?? null;
  const matched = result ? (result.items.numberMatched ?? result.items.features.length) : 0;
  const problem = q.filterProblem;
  const rawDetails = useRef<HTMLDetailsElement>(null);
  const rawText = useRef<HTMLTextAreaElement>(null);
  // A refusal of the typed CQL2: open its box and select the offending text there.
  useEffect(() => {
    if (problem?.where !== 'raw') return;
    if (rawDetails.current) rawDetails.current.open = true;
    const box = rawText.current;
    if (box && problem.start !== undefined) {
      box.focus();
      box.setSelectionRange(problem.start, problem.end ?? problem.start);
    }
  }, [problem]);
  return (
    <>
      <h2>数据目录</h2>
      {!collections && !task.error && <p className="muted">正在读取数据目录…</p>}
      <ul className="planner-catalog">
        {collections?.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              data-testid="catalog-item"
              data-collection-id={c.id}
              className={c.id === collectionId ? 'active' : ''}
              onClick={() => q.setCollectionId(c.id)}
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
                onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, property: e.target.value, value: '' } : r)))}
              >
                {Object.keys(queryables).map((p) => (
                  <option key={p} value={p}>
                    {titles[p] ?? p}
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
                    {OPERATOR_LABELS[op]}
                  </option>
                ))}
              </select>
              <ValueEditor
                labels={collectionId ? valueLabelsOf(collectionId, row.property) : null}
                row={row}
                onChange={(value) => setRows(rows.map((r, j) => (j === i ? { ...r, value } : r)))}
              />
              <button type="button" aria-label="删除条件" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                ×
              </button>
            </div>
          ))}
          {problem?.where === 'rows' && (
            <p className="warning planner-cql-error" role="alert" data-testid="rows-cql-error">
              条件行有误：{problem.message}
              {problem.start !== undefined && '（位置按下方“条件行生成的 CQL2”计）'}
            </p>
          )}
          <button
            type="button"
            data-testid="add-filter"
            disabled={!Object.keys(queryables).length}
            onClick={() => setRows([...rows, { property: Object.keys(queryables)[0] ?? '', op: '=', value: '' }])}
          >
            添加条件
          </button>
          <label className="planner-check">
            <input type="checkbox" checked={q.useView} onChange={(e) => q.setUseView(e.target.checked)} /> 仅限当前视图范围
          </label>
          <details ref={rawDetails}>
            <summary>高级：另加 CQL2 文本条件</summary>
            <textarea
              ref={rawText}
              aria-label="CQL2 文本"
              aria-invalid={problem?.where === 'raw'}
              data-testid="raw-cql"
              rows={3}
              value={q.rawCql}
              placeholder="如 name LIKE '%医院%' AND S_INTERSECTS(geometry, BBOX(126.6,45.7,126.7,45.8))"
              onChange={(e) => q.setRawCql(e.target.value)}
            />
            {problem?.where === 'raw' && (
              <p
                className="warning planner-cql-error"
                role="alert"
                data-testid="raw-cql-error"
                data-start={problem.start ?? ''}
                data-end={problem.end ?? ''}
              >
                CQL2 文本有误：{problem.message}
              </p>
            )}
          </details>
          <CqlPreview rows={q.cql.rows} raw={q.rawCql.trim()} combined={q.cql.combined} error={q.cql.error} />
          <button
            type="button"
            className="primary"
            data-testid="query-button"
            disabled={task.busy || q.cql.error !== null}
            onClick={() => void q.query()}
          >
            {task.busy ? '正在查询…' : '查询'}
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
          <button
            type="button"
            data-testid="zoom-to-results"
            data-bbox={q.resultBbox?.join(',') ?? ''}
            disabled={!q.resultBbox}
            onClick={q.zoomToResult}
          >
            缩放到结果
          </button>
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
          {q.timeField && (
            <label className="planner-check">
              <input
                type="checkbox"
                data-testid="timeline-toggle"
                checked={q.playback}
                onChange={(e) => q.setPlayback(e.target.checked)}
              />{' '}
              时间回放（按 <code>{q.timeField}</code>）
            </label>
          )}
          {q.timeField && q.playback && collectionId && (
            <TimelinePlayer
              layerId={collectionId}
              features={result.items.features}
              timeField={q.timeField}
              onFrame={q.setFrame}
            />
          )}
        </section>
      )}
    </>
  );
}

/** The result as a table (the first rows, the first ten properties), sorted by a clicked column. */
export function QueryTable({ q }: { q: QueryState }) {
  const { result, sort, titles, collectionId } = q;
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
  if (!result) return null;
  return (
    <table className="admin-table planner-table" data-testid="result-table">
      <thead>
        <tr>
          {columns.map((k) => (
            <th
              key={k}
              title={k}
              data-property={k}
              onClick={() => q.setSort({ key: k, desc: sort?.key === k ? !sort.desc : false })}
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
              <td key={k} data-property={k}>
                {labelled(collectionId, k, f.properties?.[k])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A table cell: a coded value by its Chinese name (the code as the tooltip), anything else as text. */
function labelled(collection: string | null, property: string, v: unknown) {
  const text = cell(v);
  if (!collection || typeof v !== 'string') return text;
  const name = valueLabel(collection, property, v);
  return name === v ? text : <span title={v}>{name}</span>;
}

/**
 * The value of one row: a list of the coded values by their Chinese names where the layer's values are coded
 * (several may be picked for IN), free text otherwise.
 */
function ValueEditor({
  labels,
  row,
  onChange,
}: {
  labels: Readonly<Record<string, string>> | null;
  row: FilterRow;
  onChange: (value: string) => void;
}) {
  if (labels && (row.op === '=' || row.op === '<>' || row.op === 'IN')) {
    const entries = Object.entries(labels);
    if (row.op === 'IN') {
      const picked = splitList(row.value);
      return (
        <select
          aria-label="值（可多选）"
          data-testid="filter-value"
          multiple
          size={Math.min(6, entries.length)}
          value={picked}
          onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value).join(','))}
        >
          {entries.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      );
    }
    return (
      <select aria-label="值" data-testid="filter-value" value={row.value} onChange={(e) => onChange(e.target.value)}>
        <option value="" disabled>
          请选择…
        </option>
        {entries.map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label="值"
      data-testid="filter-value"
      value={row.value}
      placeholder={row.op === 'IN' ? '多个值用逗号分隔' : row.op === 'LIKE' ? '如 %医院%' : '值'}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/**
 * What the query will send, in the open: the CQL2 the rows make and, when CQL2 text is typed too, that both apply
 * (joined with AND) and the filter they make together.
 */
function CqlPreview({ rows, raw, combined, error }: { rows: string; raw: string; combined: string; error: string | null }) {
  if (error) {
    return (
      <p className="warning planner-cql-preview" role="alert" data-testid="cql-preview" data-state="error">
        条件有误：{error}
      </p>
    );
  }
  if (!rows && !raw) {
    return (
      <p className="muted planner-cql-preview" data-testid="cql-preview" data-state="empty">
        未设条件：查询全部要素。
      </p>
    );
  }
  return (
    <div className="planner-cql-preview" data-testid="cql-preview" data-state={rows && raw ? 'both' : rows ? 'rows' : 'raw'}>
      {rows && (
        <p>
          条件行生成的 CQL2：<code data-testid="cql-rows">{rows}</code>
        </p>
      )}
      {rows && raw && (
        <p data-testid="cql-combine-note">
          <strong>条件行与 CQL2 文本同时生效</strong>，以 AND 组合（须同时满足）。发送的过滤条件：
          <code data-testid="cql-combined">{combined}</code>
        </p>
      )}
      {!rows && raw && <p>仅使用 CQL2 文本条件。</p>}
    </div>
  );
}
