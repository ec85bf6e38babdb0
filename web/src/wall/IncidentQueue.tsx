import { memo, useRef, useState, type KeyboardEvent } from 'react';
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

/** Keys that move the active row of the queue: to the row at the returned index (clamped to the list). */
const MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowDown: (i) => i + 1,
  ArrowUp: (i) => i - 1,
  Home: () => 0,
  End: (_i, n) => n - 1,
  PageDown: (i) => i + 5,
  PageUp: (i) => i - 5,
};

/**
 * The incident queue: mode-boosted priority first, oldest first among equals; new alerting incidents flash.
 * A listbox: one row is in the tab order (the active one, by default the selected incident or the first); the arrow
 * keys, Home, End and Page Up/Down move between rows, Enter or Space opens the row's incident.
 */
export function IncidentQueue({ incidents, profile, selectedId, alerting, now, onSelect }: Props) {
  const waiting = incidents.filter((i) => i.status === 'new').length;
  const listRef = useRef<HTMLOListElement>(null);
  const [activeId, setActiveId] = useState<number | null>(null);
  const ids = incidents.map((i) => i.id);
  const active = [activeId, selectedId].find((id) => id !== null && ids.includes(id)) ?? ids[0] ?? null;

  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>) => {
    const move = MOVES[e.key];
    if (move && ids.length > 0) {
      e.preventDefault();
      const from = active === null ? 0 : ids.indexOf(active);
      const id = ids[Math.min(ids.length - 1, Math.max(0, move(from, ids.length)))]!;
      setActiveId(id);
      const row = listRef.current?.querySelector<HTMLElement>(`[data-incident-id="${id}"]`);
      row?.focus();
      row?.scrollIntoView({ block: 'nearest' });
    } else if ((e.key === 'Enter' || e.key === ' ') && active !== null) {
      e.preventDefault();
      onSelect(active);
    }
  };

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
        <ol
          ref={listRef}
          className="wall-queue-list"
          role="listbox"
          aria-label="在办警情（方向键移动，回车打开详情）"
          data-testid="incident-queue"
          onKeyDown={onKeyDown}
        >
          {incidents.map((inc) => (
            <QueueRow
              key={inc.id}
              incident={inc}
              boost={rankPriority(inc, profile) - inc.priority}
              selected={inc.id === selectedId}
              active={inc.id === active}
              alerting={alerting.has(inc.id)}
              duplicateOf={
                inc.suspectedDuplicateOf !== null && ids.includes(inc.suspectedDuplicateOf) ? inc.suspectedDuplicateOf : null
              }
              ageText={age(inc.firstReportedAt, now)}
              onSelect={onSelect}
              onFocus={setActiveId}
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
  /** The row in the tab order, where the arrow keys start from. */
  active: boolean;
  alerting: boolean;
  /** The queued incident this one looks like (疑似重复), or null. */
  duplicateOf: number | null;
  ageText: string;
  onSelect: (id: number) => void;
  onFocus: (id: number) => void;
}

const QueueRow = memo(function QueueRow(props: RowProps) {
  const { incident: inc, boost, selected, active, alerting, duplicateOf, ageText, onSelect, onFocus } = props;
  const place = [inc.place.district?.name, inc.place.street?.name].filter(Boolean).join(' · ') || '位置待核实';
  const classes = ['wall-row', `status-${inc.status}`, selected && 'selected', alerting && 'alerting'].filter(Boolean);
  return (
    <li
      id={`incident-option-${inc.id}`}
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
      tabIndex={active ? 0 : -1}
      onClick={() => onSelect(inc.id)}
      onFocus={() => onFocus(inc.id)}
    >
      <PriorityBadge priority={inc.priority} boost={boost} />
      <div className="wall-row-main">
        <div className="wall-row-line">
          <span className="wall-category">{INCIDENT_CATEGORY_LABELS[inc.category] ?? inc.category}</span>
          <span className="wall-row-title" data-testid="incident-row-title">
            {inc.title}
          </span>
          {inc.drill && <span className="wall-drill-inline">演练</span>}
          {duplicateOf !== null && (
            <span className="wall-duplicate-chip" data-testid="duplicate-chip" title="同一机构先后上报的同类、同地警情">
              疑似重复 #{duplicateOf}
            </span>
          )}
        </div>
        <div className="wall-row-line sub">
          <span className="wall-row-place" data-testid="incident-row-place">
            {place}
          </span>
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
