import { useEffect, useMemo, useRef, useState } from 'react';
import {
  FEED_SOURCE_LABELS,
  FEED_SOURCES,
  SYSTEM_MODE_LABELS,
  type CommandKpis,
  type FeedSource,
  type Incident,
  type ModeState,
  type Unit,
} from '../../../contracts/incidents';
import { wallApi } from './api';
import { minSec } from './format';
import { AGENCY_LOOK } from './look';

const REFRESH_MS = 15_000;
/** After a change of the incident list, KPIs are re-read once things settle for this long. */
const SETTLE_MS = 1000;

/**
 * The wall's KPIs from `GET /api/command/kpis`, re-read every 15 s and shortly after the incident list or the
 * number of available units changes. Until the first answer, the counts are taken from the live lists.
 */
export function useCommandKpis(incidents: ReadonlyMap<number, Incident>, units: ReadonlyMap<string, Unit>): CommandKpis {
  const [server, setServer] = useState<CommandKpis | null>(null);
  const live = useMemo(() => liveKpis(incidents, units), [incidents, units]);
  const inFlight = useRef(false);

  useEffect(() => {
    let disposed = false;
    const load = () => {
      if (inFlight.current) return;
      inFlight.current = true;
      wallApi
        .kpis()
        .then(
          (k) => !disposed && setServer(k),
          () => undefined,
        )
        .finally(() => {
          inFlight.current = false;
        });
    };
    const timer = window.setInterval(load, REFRESH_MS);
    load();
    return () => {
      disposed = true;
      window.clearInterval(timer);
    };
  }, []);

  // Re-read soon after the list changes (new incident, dispatch, closing) or units become (un)available.
  const firstRun = useRef(true);
  useEffect(() => {
    if (firstRun.current) {
      firstRun.current = false;
      return;
    }
    let disposed = false;
    const timer = window.setTimeout(() => {
      wallApi.kpis().then(
        (k) => !disposed && setServer(k),
        () => undefined,
      );
    }, SETTLE_MS);
    return () => {
      disposed = true;
      window.clearTimeout(timer);
    };
  }, [incidents, live.unitsAvailable]);

  return server ?? live;
}

function liveKpis(incidents: ReadonlyMap<number, Incident>, units: ReadonlyMap<string, Unit>): CommandKpis {
  const openByAgency = Object.fromEntries(FEED_SOURCES.map((s) => [s, 0])) as Record<FeedSource, number>;
  for (const inc of incidents.values()) {
    if (inc.status === 'resolved') continue;
    for (const s of new Set(inc.sources)) openByAgency[s] += 1;
  }
  let unitsAvailable = 0;
  for (const u of units.values()) if (u.status === 'available') unitsAvailable += 1;
  return { openByAgency, unitsAvailable, unitsTotal: units.size, medianDispatchS: null, dispatchedToday: 0 };
}

interface Props {
  kpis: CommandKpis;
  mode: ModeState | null;
}

/** Open incidents by agency, units available / total, today's median time to dispatch and the current mode. */
export function KpiBar({ kpis, mode }: Props) {
  return (
    <section className="wall-kpis" aria-label="关键指标">
      {FEED_SOURCES.map((s) => {
        const n = kpis.openByAgency[s] ?? 0;
        return (
          <div
            key={s}
            className="wall-kpi"
            data-testid={`kpi-open-${s}`}
            data-value={n}
            style={{ borderTopColor: AGENCY_LOOK[s].color }}
          >
            <span className="wall-kpi-label">{FEED_SOURCE_LABELS[s]}</span>
            <span className="wall-kpi-value">{n}</span>
            <span className="wall-kpi-unit">起在办</span>
          </div>
        );
      })}
      <div
        className="wall-kpi wide"
        data-testid="kpi-units-available"
        data-value={kpis.unitsAvailable}
        data-total={kpis.unitsTotal}
      >
        <span className="wall-kpi-label">可用力量</span>
        <span className="wall-kpi-value">
          {kpis.unitsAvailable}
          <small> / {kpis.unitsTotal}</small>
        </span>
      </div>
      <div className="wall-kpi wide" data-testid="kpi-median-dispatch" data-value={kpis.medianDispatchS ?? ''}>
        <span className="wall-kpi-label">今日派遣用时中位数</span>
        <span className="wall-kpi-value">{kpis.medianDispatchS === null ? '—' : minSec(kpis.medianDispatchS)}</span>
        <span className="wall-kpi-unit">今日已派 {kpis.dispatchedToday} 起</span>
      </div>
      <div className="wall-kpi wide" data-testid="kpi-mode" data-value={mode?.mode ?? ''}>
        <span className="wall-kpi-label">当前模式</span>
        <span className="wall-kpi-value mode">
          {mode ? SYSTEM_MODE_LABELS[mode.mode] : '—'}
          {mode?.drill && <small className="wall-drill-inline">演练</small>}
        </span>
      </div>
    </section>
  );
}
