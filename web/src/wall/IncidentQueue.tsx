import { memo } from 'react';
import { INCIDENT_CATEGORY_LABELS, INCIDENT_STATE_LABELS, type Incident, type ModeProfile } from '../../../contracts/incidents';
import { PriorityBadge, SourceBadge } from './badges';
import { rankPriority } from './feed-state';
import { age } from './format';

interface Props {
  /** In queue order. */
  incidents: Incident[];
  profile: ModeProfile | null;
  selectedId: number | null;
  alerting: ReadonlySet<number>;
  now: number;
  onSelect: (id: number) => void;
}

/** The incident queue: mode-boosted priority first, oldest first among equals; new alerting incidents flash. */
export function IncidentQueue({ incidents, profile, selectedId, alerting, now, onSelect }: Props) {
  const waiting = incidents.filter((i) => i.status === 'new').length;
  return (
    <section className="wall-queue" aria-label="警情队列">
      <header className="wall-section-head">
        <h2>警情队列</h2>
        <span className="wall-queue-count">
          在办 <strong>{incidents.length}</strong> 起
          {waiting > 0 && (
            <>
              {' '}
              · 待确认 <strong>{waiting}</strong>
            </>
          )}
        </span>
      </header>
      {incidents.length === 0 ? (
        <p className="wall-empty">当前无在办警情</p>
      ) : (
        <ol className="wall-queue-list" role="listbox" aria-label="在办警情">
          {incidents.map((inc) => (
            <QueueRow
              key={inc.id}
              incident={inc}
              boost={rankPriority(inc, profile) - inc.priority}
              selected={inc.id === selectedId}
              alerting={alerting.has(inc.id)}
              ageText={age(inc.firstReportedAt, now)}
              onSelect={onSelect}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

interface RowProps {
  incident: Incident;
  boost: number;
  selected: boolean;
  alerting: boolean;
  ageText: string;
  onSelect: (id: number) => void;
}

const QueueRow = memo(function QueueRow({ incident: inc, boost, selected, alerting, ageText, onSelect }: RowProps) {
  const place = [inc.place.district?.name, inc.place.street?.name].filter(Boolean).join(' · ') || '位置待核实';
  const classes = ['wall-row', `status-${inc.status}`, selected && 'selected', alerting && 'alerting'].filter(Boolean);
  return (
    <li
      className={classes.join(' ')}
      data-testid="incident-row"
      data-incident-id={inc.id}
      data-priority={inc.priority}
      data-rank-priority={inc.priority + boost}
      data-sources={inc.sources.join(',')}
      data-status={inc.status}
      data-alert={String(alerting)}
      aria-selected={selected}
      role="option"
      tabIndex={0}
      onClick={() => onSelect(inc.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(inc.id);
        }
      }}
    >
      <PriorityBadge priority={inc.priority} boost={boost} />
      <div className="wall-row-main">
        <div className="wall-row-line">
          <span className="wall-category">{INCIDENT_CATEGORY_LABELS[inc.category] ?? inc.category}</span>
          <span className="wall-row-title">{inc.title}</span>
          {inc.drill && <span className="wall-drill-inline">演练</span>}
        </div>
        <div className="wall-row-line sub">
          <span className="wall-row-place">{place}</span>
          <span className="wall-sources">
            {inc.sources.map((s) => (
              <SourceBadge key={s} source={s} />
            ))}
          </span>
        </div>
      </div>
      <div className="wall-row-side">
        <span className="wall-age" title="自首次报警起">
          {ageText}
        </span>
        <span className={`wall-status status-${inc.status}`}>{INCIDENT_STATE_LABELS[inc.status]}</span>
      </div>
    </li>
  );
});
