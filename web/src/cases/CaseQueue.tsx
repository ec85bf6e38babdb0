import {
  CASE_EVENT_LABELS,
  CASE_STATE_LABELS,
  SUPERVISION_LEVEL_LABELS,
  type CaseEvent,
  type CaseSummary,
} from '../../../contracts/cases';
import { formatTime, placeLine } from './format';
import { SLA_TONE_COLORS, SLA_TONE_LABELS, slaLine, slaTone, type SlaTone } from './sla';

/**
 * The queue of a 数字城管 console: filters by SLA tone, the last one-click action's notice, and the cases sorted
 * by SLA, each with the one-click events its role has (受理, 立案, 派遣, 签收). On a phone the rows are large
 * and their buttons full width under the thumb.
 */
export function CaseQueue({
  shown,
  total,
  counts,
  tone,
  onTone,
  now,
  error,
  notice,
  loaded,
  selected,
  onSelect,
  quickEventsOf,
  busy,
  onQuick,
  phone,
}: {
  shown: CaseSummary[];
  total: number;
  counts: Record<SlaTone, number>;
  tone: SlaTone | 'any';
  onTone: (t: SlaTone | 'any') => void;
  now: Date;
  error: string | null;
  notice: string | null;
  loaded: boolean;
  selected: number | null;
  onSelect: (id: number) => void;
  quickEventsOf: (c: CaseSummary) => CaseEvent[];
  busy: number | null;
  onQuick: (c: CaseSummary, e: CaseEvent) => void;
  phone: boolean;
}) {
  return (
    <section className="cases-queue" aria-label="案件队列">
      <div className="cases-tones" role="group" aria-label="按时限筛选">
        <button type="button" className={tone === 'any' ? 'active' : ''} onClick={() => onTone('any')}>
          全部 {total}
        </button>
        {(['overdue', 'warning', 'normal', 'paused'] as const).map((t) => (
          <button key={t} type="button" className={tone === t ? 'active' : ''} onClick={() => onTone(tone === t ? 'any' : t)}>
            <i style={{ background: SLA_TONE_COLORS[t] }} />
            {SLA_TONE_LABELS[t]} {counts[t]}
          </button>
        ))}
      </div>
      {error && <p className="case-error">{error}</p>}
      {notice && (
        <p className="cases-notice" data-testid="cases-notice">
          {notice}
        </p>
      )}
      <ul className="cases-list" data-testid="case-queue">
        {shown.map((c) => {
          const t = slaTone(c.sla, now);
          return (
            <li
              key={c.id}
              data-testid="case-row"
              data-case-id={c.id}
              data-state={c.state}
              data-tone={t}
              className={c.id === selected ? 'selected' : ''}
              style={{ borderLeftColor: SLA_TONE_COLORS[t] }}
              onClick={() => onSelect(c.id)}
            >
              <div className="case-row-head">
                <strong>{c.code}</strong>
                <span className={`case-state case-state-${c.state}`}>{CASE_STATE_LABELS[c.state]}</span>
                {c.urgent && <span className="case-flag case-flag-urgent">加急</span>}
                {c.supervision && (
                  <span className={`case-flag case-level-${c.supervision}`}>{SUPERVISION_LEVEL_LABELS[c.supervision]}</span>
                )}
              </div>
              <div>
                {c.categoryName} · {c.description.slice(0, 40)}
              </div>
              <div className="muted">
                {placeLine(c.place)} · {formatTime(c.reportedAt)}
                {c.departmentName ? ` · ${c.departmentName}` : ''}
              </div>
              <div className="case-row-foot">
                <span className="case-row-sla" style={{ color: SLA_TONE_COLORS[t] }}>
                  {slaLine(c.sla, now)}
                </span>
                {quickEventsOf(c).map((e) => (
                  <button
                    key={e}
                    type="button"
                    className={`case-btn-primary ${phone ? 'case-btn-thumb' : 'case-btn-small'}`}
                    data-testid={`quick-${e}`}
                    disabled={busy === c.id}
                    title={
                      e === 'dispatch'
                        ? '按派遣规则（小类＋网格）自动派遣；将派往的部门见案件详情，指定其他部门请在详情中派遣'
                        : undefined
                    }
                    onClick={(ev) => {
                      ev.stopPropagation();
                      onQuick(c, e);
                    }}
                  >
                    {CASE_EVENT_LABELS[e]}
                  </button>
                ))}
              </div>
            </li>
          );
        })}
        {loaded && shown.length === 0 && <li className="muted">没有案件</li>}
      </ul>
    </section>
  );
}
