import { useCallback, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import {
  CASE_EVENT_LABELS,
  CASE_STATE_LABELS,
  SUPERVISION_LEVEL_LABELS,
  type CaseEvent,
  type CaseSummary,
} from '../../../contracts/cases';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { casesApi } from './api';
import { CaseDetailView } from './CaseDetailView';
import { CaseMap } from './CaseMap';
import { CENTRE_STATES, eventsOfRole } from './events';
import { formatTime, placeLine } from './format';
import { SLA_TONE_COLORS, SLA_TONE_LABELS, slaLine, slaTone, sortBySla, type SlaTone } from './sla';
import { useCases, useNow } from './useCases';
import './cases.css';

type View = 'centre' | 'department' | 'supervise' | 'all';

const VIEW_LABELS: Record<View, string> = {
  centre: '受理派遣',
  department: '本部门案件',
  supervise: '督办',
  all: '全部在办',
};

/** Events a queue row offers in one click (派遣 goes to the department the server's dispatch rules choose). */
const QUICK_EVENTS: readonly CaseEvent[] = ['accept', 'file', 'dispatch', 'take'];

/**
 * 数字城管 consoles: the centre's acceptance/dispatch queue, a department's own cases, and supervision, each a
 * queue sorted by SLA (超时, 预警, 正常, 暂停) beside a map of the same cases and the selected case's detail.
 */
export function CasesPage() {
  const { state, can } = useSession();
  const role = state.status === 'signed-in' ? state.user.role : '';
  const views = useMemo(() => {
    const v: View[] = [];
    if (can('case.dispatch')) v.push('centre');
    if (can('case.handle')) v.push('department');
    if (can('case.supervise')) v.push('supervise');
    v.push('all');
    return v;
  }, [can]);
  const [view, setView] = useState<View>(views[0]!);
  const feed = useCases({ state: 'open' });
  const now = useNow();
  const [selected, setSelected] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tone, setTone] = useState<SlaTone | 'any'>('any');
  /** Bumped by a one-click action so the open detail re-reads at once. */
  const [bump, setBump] = useState(0);

  const shown = useMemo(() => {
    const inView = feed.cases.filter((c) =>
      view === 'centre' ? CENTRE_STATES.includes(c.state) : view === 'supervise' ? c.sla.status !== 'none' : true,
    );
    const toned = tone === 'any' ? inView : inView.filter((c) => slaTone(c.sla, now) === tone);
    return sortBySla(toned, now);
  }, [feed.cases, view, tone, now]);

  const counts = useMemo(() => {
    const n: Record<SlaTone, number> = { overdue: 0, warning: 0, normal: 0, paused: 0, idle: 0, awaiting: 0, done: 0 };
    for (const c of feed.cases) n[slaTone(c.sla, now)]++;
    return n;
  }, [feed.cases, now]);

  const quick = useCallback(
    async (c: CaseSummary, event: CaseEvent) => {
      setBusy(c.id);
      setNotice(null);
      try {
        const next = await casesApi.event(c.id, event, {});
        setNotice(
          `${next.code} ${CASE_EVENT_LABELS[event]}完成 → ${CASE_STATE_LABELS[next.state]}${next.departmentName ? `（${next.departmentName}）` : ''}`,
        );
        feed.reload();
        setBump((b) => b + 1);
      } catch (err) {
        setNotice(`${c.code} ${CASE_EVENT_LABELS[event]}失败：${messageOf(err)}`);
        setSelected(c.id);
      } finally {
        setBusy(null);
      }
    },
    [feed],
  );

  return (
    <div className="cases-page" data-testid="cases-page" data-ready={feed.loaded}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">数字城管</span>
        <nav className="cases-tabs" aria-label="视图">
          {views.map((v) => (
            <button
              key={v}
              type="button"
              data-testid={`view-${v}`}
              className={v === view ? 'active' : ''}
              onClick={() => setView(v)}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </nav>
        <UserMenu current="cases" />
      </header>
      <main className="cases-main">
        <section className="cases-queue" aria-label="案件队列">
          <div className="cases-tones" role="group" aria-label="按时限筛选">
            <button type="button" className={tone === 'any' ? 'active' : ''} onClick={() => setTone('any')}>
              全部 {feed.cases.length}
            </button>
            {(['overdue', 'warning', 'normal', 'paused'] as const).map((t) => (
              <button
                key={t}
                type="button"
                className={tone === t ? 'active' : ''}
                onClick={() => setTone(tone === t ? 'any' : t)}
              >
                <i style={{ background: SLA_TONE_COLORS[t] }} />
                {SLA_TONE_LABELS[t]} {counts[t]}
              </button>
            ))}
          </div>
          {feed.error && <p className="case-error">{feed.error}</p>}
          {notice && (
            <p className="cases-notice" data-testid="cases-notice">
              {notice}
            </p>
          )}
          <ul className="cases-list" data-testid="case-queue">
            {shown.map((c) => {
              const t = slaTone(c.sla, now);
              const quickEvents =
                can('case.dispatch') || can('case.handle')
                  ? eventsOfRole(c.state, role).filter((e) => QUICK_EVENTS.includes(e))
                  : [];
              return (
                <li
                  key={c.id}
                  data-testid="case-row"
                  data-case-id={c.id}
                  data-state={c.state}
                  data-tone={t}
                  className={c.id === selected ? 'selected' : ''}
                  style={{ borderLeftColor: SLA_TONE_COLORS[t] }}
                  onClick={() => setSelected(c.id)}
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
                    {quickEvents.map((e) => (
                      <button
                        key={e}
                        type="button"
                        className="case-btn-primary case-btn-small"
                        data-testid={`quick-${e}`}
                        disabled={busy === c.id}
                        title={
                          e === 'dispatch'
                            ? '按派遣规则（小类＋网格）自动派遣；将派往的部门见案件详情，指定其他部门请在详情中派遣'
                            : undefined
                        }
                        onClick={(ev) => {
                          ev.stopPropagation();
                          void quick(c, e);
                        }}
                      >
                        {CASE_EVENT_LABELS[e]}
                      </button>
                    ))}
                  </div>
                </li>
              );
            })}
            {feed.loaded && shown.length === 0 && <li className="muted">没有案件</li>}
          </ul>
        </section>
        <section className="cases-side">
          <CaseMap cases={shown} selectedId={selected} onSelect={setSelected} now={now} />
          <div className="cases-detail">
            {selected !== null ? (
              <CaseDetailView
                caseId={selected}
                version={`${feed.version}:${feed.cases.find((c) => c.id === selected)?.updatedAt ?? ''}:${bump}`}
                onChanged={() => feed.reload()}
              />
            ) : (
              <p className="muted">在队列或地图上选择一个案件</p>
            )}
          </div>
        </section>
      </main>
    </div>
  );
}
