import { memo } from 'react';
import type { GaugeReading } from '../../../contracts/incidents';

/** A reading older than this is greyed: the station has stopped reporting. */
const OLD_AFTER_MS = 2 * 3600_000;

const SHANGHAI_DAY = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short' });
const HOUR_MINUTE = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const MONTH_DAY = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric' });

/** HH:mm in Beijing time, with the date in front when the reading is not from today. */
function readingTime(iso: string, now: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const today = SHANGHAI_DAY.format(d) === SHANGHAI_DAY.format(now);
  return today ? HOUR_MINUTE.format(d) : `${MONTH_DAY.format(d)} ${HOUR_MINUTE.format(d)}`;
}

/** How far above (positive) or below its warning level a station is, or null when either is unknown. */
const margin = (g: GaugeReading): number | null =>
  g.waterLevelM === null || g.warningLevelM === null ? null : g.waterLevelM - g.warningLevelM;

/** Stations over the warning level first, then the closest to it, then stations without a level, by code. */
export function orderGauges(gauges: Iterable<GaugeReading>): GaugeReading[] {
  return [...gauges].sort((a, b) => {
    const ma = margin(a);
    const mb = margin(b);
    return (
      Number(b.overWarning) - Number(a.overWarning) ||
      Number(mb !== null) - Number(ma !== null) ||
      (mb ?? 0) - (ma ?? 0) ||
      a.stationId.localeCompare(b.stationId)
    );
  });
}

const metres = (m: number) => m.toFixed(2);

interface Props {
  gauges: GaugeReading[];
  now: number;
}

/** 水位雨量: the latest reading of every flood-control station, 超警戒 in red. */
export const GaugePanel = memo(function GaugePanel({ gauges, now }: Props) {
  const rows = orderGauges(gauges);
  const over = rows.filter((g) => g.overWarning).length;
  return (
    <section className="wall-gauges" data-testid="wall-panel-gauges" aria-label="水位雨量">
      <header className="wall-section-head">
        <h2>水位雨量</h2>
        <span className="wall-queue-count">
          {over > 0 && (
            <>
              <span className="wall-gauge-over">
                超警戒 <strong>{over}</strong> 站
              </span>{' '}
              ·{' '}
            </>
          )}
          共 <strong>{rows.length}</strong> 站
        </span>
      </header>
      {rows.length === 0 ? (
        <p className="wall-empty">暂无测站报数</p>
      ) : (
        <div className="wall-gauge-scroll">
          <table className="wall-gauge-table">
            <thead>
              <tr>
                <th>测站</th>
                <th>水位 / 警戒（米）</th>
                <th>雨量</th>
                <th>时间</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <GaugeRow key={g.stationId} gauge={g} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});

function GaugeRow({ gauge: g, now }: { gauge: GaugeReading; now: number }) {
  const m = margin(g);
  const old = now - Date.parse(g.at) > OLD_AFTER_MS;
  const river = g.river;
  return (
    <tr
      className={`wall-gauge${g.overWarning ? ' over' : ''}${old ? ' old' : ''}`}
      data-testid="gauge-row"
      data-station-id={g.stationId}
      data-over-warning={String(g.overWarning)}
      title={old ? '该站超过 2 小时没有新报数' : undefined}
    >
      <td>
        <span className="wall-gauge-name">{g.name}</span>
        {river && <span className="wall-gauge-sub">{river}</span>}
      </td>
      <td>
        <span className="wall-gauge-level">
          {g.waterLevelM === null ? '—' : metres(g.waterLevelM)}
          <small> / {g.warningLevelM === null ? '—' : metres(g.warningLevelM)}</small>
        </span>
        {g.overWarning ? (
          <span className="wall-gauge-badge">超警戒{m !== null && ` +${metres(m)}`}</span>
        ) : (
          m !== null && <span className="wall-gauge-sub">距警戒 {metres(-m)}</span>
        )}
      </td>
      <td className="wall-gauge-rain">{g.rainfallMm === null ? '—' : `${g.rainfallMm} 毫米`}</td>
      <td className="wall-gauge-time">{readingTime(g.at, now)}</td>
    </tr>
  );
}
