import { useCallback, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import { CASE_EVENT_LABELS, CASE_STATE_LABELS, type CaseEvent, type CaseSummary } from '../../../contracts/cases';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { casesApi } from './api';
import { CaseDetailView } from './CaseDetailView';
import { CaseMap } from './CaseMap';
import { CaseQueue } from './CaseQueue';
import { CENTRE_STATES, eventsOfRole } from './events';
import { Icon } from './icons';
import { slaTone, sortBySla, type SlaTone } from './sla';
import { useCases, useNow } from './useCases';
import { usePhoneLayout } from './usePhoneLayout';
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
 * On a phone (a handler in the street) the same page is one column: the queue, then one case full width with
 * large buttons (签收, 反馈 with the camera) and navigation to the spot.
 */
export function CasesPage() {
  const { state, can } = useSession();
  const role = state.status === 'signed-in' ? state.user.role : '';
  const phone = usePhoneLayout();
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

  const quickEventsOf = (c: CaseSummary) =>
    can('case.dispatch') || can('case.handle') ? eventsOfRole(c.state, role).filter((e) => QUICK_EVENTS.includes(e)) : [];
  const queue = (
    <CaseQueue
      shown={shown}
      total={feed.cases.length}
      counts={counts}
      tone={tone}
      onTone={setTone}
      now={now}
      error={feed.error}
      notice={notice}
      loaded={feed.loaded}
      selected={selected}
      onSelect={setSelected}
      quickEventsOf={quickEventsOf}
      busy={busy}
      onQuick={(c, e) => void quick(c, e)}
      phone={phone}
    />
  );
  const detail = (id: number) => (
    <CaseDetailView
      caseId={id}
      version={`${feed.version}:${feed.cases.find((c) => c.id === id)?.updatedAt ?? ''}:${bump}`}
      large={phone}
      onChanged={() => feed.reload()}
    />
  );
  const open = selected === null ? undefined : feed.cases.find((c) => c.id === selected);

  return (
    <div
      className={`cases-page${phone ? ' cases-phone' : ''}`}
      data-testid="cases-page"
      data-ready={feed.loaded}
      data-layout={phone ? 'phone' : 'desktop'}
    >
      <header className="app-header">
        {!phone && (
          <>
            <h1>{PRODUCT_NAME}</h1>
            <span className="app-subtitle">数字城管</span>
          </>
        )}
        <nav className="cases-tabs" aria-label="视图">
          {views.map((v) => (
            <button
              key={v}
              type="button"
              data-testid={`view-${v}`}
              className={v === view ? 'active' : ''}
              onClick={() => {
                setView(v);
                if (phone) setSelected(null);
              }}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </nav>
        <UserMenu current="cases" />
      </header>
      {phone ? (
        <main className="cases-phone-main">
          {selected === null ? (
            queue
          ) : (
            <div className="cases-phone-detail" data-testid="phone-case">
              <div className="cases-phone-bar">
                <button type="button" className="case-btn" data-testid="back-to-queue" onClick={() => setSelected(null)}>
                  ← 返回列表
                </button>
                {open && (
                  <a
                    className="case-btn"
                    data-testid="navigate"
                    href={`geo:${open.place.lat.toFixed(6)},${open.place.lon.toFixed(6)}?q=${open.place.lat.toFixed(6)},${open.place.lon.toFixed(6)}(${encodeURIComponent(open.code)})`}
                  >
                    <Icon name="compass" /> 导航到现场
                  </a>
                )}
              </div>
              {detail(selected)}
            </div>
          )}
        </main>
      ) : (
        <main className="cases-main">
          {queue}
          <section className="cases-side">
            <CaseMap cases={shown} selectedId={selected} onSelect={setSelected} now={now} />
            <div className="cases-detail">
              {selected !== null ? detail(selected) : <p className="muted">在队列或地图上选择一个案件</p>}
            </div>
          </section>
        </main>
      )}
    </div>
  );
}
