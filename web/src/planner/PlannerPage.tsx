import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import { UserMenu } from '../identity/UserMenu';
import { MapView } from '../map/MapView';
import { AggregatePanel, AggregateTable, unitLabelOf, useAggregate } from './AggregatePanel';
import { QueryPanel, QueryTable, useQuery } from './QueryPanel';
import type { Bbox } from './query-builder';
import { ServiceAreaPanel, useServiceArea } from './ServiceAreaPanel';
import { beijingTime, durationLabel } from './timeline';
import { usePlannerMap } from './usePlannerMap';
import { useTask } from './useTask';
import '../identity/identity.css';
import './planner.css';

type Tab = 'query' | 'aggregate' | 'service';
const TABS = [
  ['query', '数据查询'],
  ['aggregate', '统计汇总'],
  ['service', '服务区'],
] as const;

/**
 * 空间查询与分析 for planners (`analysis.run`): three panels — the OGC API Features catalogue with a query builder
 * (QueryPanel), aggregation as a choropleth, heat map or hexbins (AggregatePanel), drive-time service areas from a
 * map click (ServiceAreaPanel) — over one map (usePlannerMap) that draws the active panel's layers.
 */
export function PlannerPage() {
  const [tab, setTab] = useState<Tab>('query');
  const task = useTask();
  const bounds = useRef<() => Bbox | null>(() => null);
  const fit = useRef<(b: Bbox) => void>(() => undefined);
  const q = useQuery(
    task,
    useCallback(() => bounds.current(), []),
    useCallback((b: Bbox) => fit.current(b), []),
  );
  const a = useAggregate(task, tab === 'aggregate');
  const s = useServiceArea(task);

  // The live dots would hide what a density view or the playback shows, so they step aside meanwhile.
  const liveSuppressed =
    (tab === 'aggregate' && a.display !== 'choropleth' && a.units !== null) || (tab === 'query' && q.playback && !!q.result);
  const layers = tab === 'query' ? q.layers : tab === 'aggregate' ? a.layers : s.layers;
  const map = usePlannerMap(layers, liveSuppressed);
  bounds.current = () => {
    const b = map.handles?.map.getBounds();
    return b ? [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] : null;
  };
  fit.current = ([w, s, e, n]) => {
    // A single point (or a tight cluster) is not zoomed past street level.
    map.handles?.map.fitBounds([w, s, e, n], { padding: 48, maxZoom: 16, duration: 0 });
  };
  // The view's bounds on the map element, for the person's tools (and the browser tests) to read.
  const [view, setView] = useState('');
  const mapObj = map.handles?.map;
  useEffect(() => {
    if (!mapObj) return;
    const sync = () => {
      const b = mapObj.getBounds();
      setView([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(','));
    };
    sync();
    mapObj.on('moveend', sync);
    return () => {
      mapObj.off('moveend', sync);
    };
  }, [mapObj]);
  const onMapClick = (e: MapMouseEvent) => {
    if (tab === 'service') s.onMapClick(e);
  };

  return (
    <div className="app planner-app" data-testid="planner-page" data-ready={q.collections ? 'true' : 'false'}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">空间查询与分析</span>
        <UserMenu current="planner" />
      </header>
      <div className="planner-main">
        <aside className="planner-side">
          <nav className="planner-tabs">
            {TABS.map(([id, label]) => (
              <button key={id} type="button" className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
                {label}
              </button>
            ))}
          </nav>
          {task.error && (
            <p className="warning planner-error" role="alert" data-testid="planner-error">
              操作失败：{task.error}
            </p>
          )}
          {tab === 'query' && <QueryPanel q={q} task={task} />}
          {tab === 'aggregate' && <AggregatePanel a={a} task={task} />}
          {tab === 'service' && <ServiceAreaPanel s={s} task={task} />}
        </aside>
        <div className="planner-right">
          <div className="planner-map" data-testid="planner-map" data-view-bounds={view}>
            <MapView onReady={map.setHandles} onClick={onMapClick} />
            {tab === 'query' && q.playback && q.frame && (
              <div className="planner-playback-badge" data-testid="playback-badge" aria-live="polite">
                回放 <strong>{beijingTime(q.frame.at)}</strong>（北京时间）· 前 {durationLabel(q.frame.windowMs)}{' '}
                <strong>{q.frame.visible.length}</strong> 条
              </div>
            )}
            {map.liveServed && (
              <label
                className="planner-live"
                data-testid="live-tiles"
                data-subscribed={map.live.subscribed.join(',')}
                data-refreshed={map.live.refreshed}
                data-shown={map.liveShown ? 'true' : 'false'}
              >
                <input type="checkbox" checked={map.showLive} onChange={(e) => map.setShowLive(e.target.checked)} /> 实时事件图层
                {liveSuppressed
                  ? '（分析显示时暂不显示）'
                  : map.live.subscribed.includes('incidents')
                    ? '（实时更新中）'
                    : '（未连接）'}
              </label>
            )}
          </div>
          <div className="planner-table-wrap">
            {tab === 'query' && <QueryTable q={q} />}
            {tab === 'aggregate' && a.units && (
              <AggregateTable units={a.units} unitLabel={unitLabelOf(a.aggregatedUnit, a.units)} />
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
