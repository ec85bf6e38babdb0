import { useEffect, useMemo, useState } from 'react';
import { casesApi } from '../cases/api';
import { CaseDetailView, SlaBadge } from '../cases/CaseDetailView';
import { Icon } from '../cases/icons';
import { flattenCategories, type CategoryHit } from '../cases/categories';
import { INSPECTOR_TASK_STATES } from '../cases/events';
import { formatTime, placeLine } from '../cases/format';
import { sortBySla } from '../cases/sla';
import { useCases, useNow } from '../cases/useCases';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { PointPicker } from './PointPicker';
import { ReportForm, refusalOf, type ReportResult } from './ReportForm';
import type { OutboxItem } from './outbox';
import { useOutbox } from './useOutbox';
import '../cases/cases.css';
import './inspector.css';

type Tab = 'report' | 'tasks' | 'outbox';

const CATEGORY_CACHE = 'harbin-inspector-categories';

/** The category tree, remembered on the phone so reports can be made offline. */
function useCategories(): { categories: CategoryHit[]; error: string | null } {
  const [categories, setCategories] = useState<CategoryHit[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(CATEGORY_CACHE) ?? '[]') as CategoryHit[];
    } catch {
      return [];
    }
  });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    casesApi
      .categories()
      .then((tree) => {
        const flat = flattenCategories(tree);
        setCategories(flat);
        localStorage.setItem(CATEGORY_CACHE, JSON.stringify(flat));
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);
  return { categories, error: categories.length ? null : error };
}

/**
 * 监督员 field app for a phone held in one hand: 上报 (photos, position, category, description, duplicate check,
 * offline outbox), 我的任务 (核实 and 核查 with their SLA, the actions and navigation), and the 待发箱; the
 * tab bar and the main buttons sit at the bottom, within reach of the thumb.
 */
export function InspectorPage() {
  const { state, can, logout } = useSession();
  const [tab, setTab] = useState<Tab>('report');
  const { items, online, flush, outbox } = useOutbox();
  const { categories, error: categoryError } = useCategories();
  const [result, setResult] = useState<ReportResult | null>(null);
  /** A refused report from the 待发箱 opened in the form to be corrected. */
  const [editing, setEditing] = useState<OutboxItem | null>(null);
  const feed = useCases({ state: 'open' });
  const now = useNow();
  const [openTask, setOpenTask] = useState<number | null>(null);
  const name = state.status === 'signed-in' ? state.user.displayName : '';
  const tasks = useMemo(
    () =>
      sortBySla(
        feed.cases.filter((c) => INSPECTOR_TASK_STATES.includes(c.state)),
        now,
      ),
    [feed.cases, now],
  );
  const queued = items.length;

  return (
    <div className="insp-page" data-testid="inspector-page" data-online={online} data-outbox={queued}>
      <header className="insp-header">
        <strong>数字城管 · 监督员</strong>
        <span className={`insp-net ${online ? 'on' : 'off'}`} data-testid="net-state">
          {online ? '在线' : '离线'}
        </span>
        <span className="insp-user">{name}</span>
        <button type="button" className="insp-link" onClick={() => void logout()}>
          退出
        </button>
      </header>

      <main className="insp-main">
        {tab === 'report' &&
          (can('case.report') ? (
            <>
              {categoryError && <p className="case-error">类别加载失败：{categoryError}</p>}
              <ReportForm
                key={editing?.key ?? 'new'}
                categories={categories}
                outbox={outbox}
                online={online}
                result={result}
                onResult={setResult}
                editing={editing}
                onEditDone={() => setEditing(null)}
              />
            </>
          ) : (
            <p className="muted">当前角色不能上报案件</p>
          ))}

        {tab === 'tasks' &&
          (openTask !== null ? (
            <div className="insp-task-detail">
              <button type="button" className="insp-btn" onClick={() => setOpenTask(null)}>
                ← 返回任务列表
              </button>
              <TaskLinks c={tasks.find((t) => t.id === openTask) ?? feed.cases.find((t) => t.id === openTask)} />
              <TaskMap c={tasks.find((t) => t.id === openTask) ?? feed.cases.find((t) => t.id === openTask)} />
              <CaseDetailView
                caseId={openTask}
                version={`${feed.version}:${feed.cases.find((c) => c.id === openTask)?.updatedAt ?? ''}`}
                large
                onChanged={() => feed.reload()}
              />
            </div>
          ) : (
            <ul className="insp-tasks" data-testid="task-list">
              {tasks.map((c) => (
                <li key={c.id} data-testid="task" data-case-id={c.id} data-state={c.state}>
                  <button type="button" className="insp-task" onClick={() => setOpenTask(c.id)}>
                    <span className="insp-task-kind">{c.state === 'checking' ? '核查' : '核实'}</span>
                    <span className="insp-task-body">
                      <strong>
                        {c.code} · {c.categoryName}
                      </strong>
                      <span>{c.description.slice(0, 36)}</span>
                      <span className="muted">{placeLine(c.place)}</span>
                      <span className="insp-task-when">
                        {c.state === 'checking' ? '待核查' : '待核实'} · 派发于 {formatTime(c.updatedAt)}
                      </span>
                      {c.sla.status !== 'done' && c.sla.status !== 'none' && <SlaBadge sla={c.sla} />}
                    </span>
                  </button>
                  <TaskLinks c={c} />
                </li>
              ))}
              {feed.loaded && tasks.length === 0 && <li className="muted insp-empty">暂无待核实、待核查的任务</li>}
              {feed.error && <li className="case-error">{feed.error}</li>}
            </ul>
          ))}

        {tab === 'outbox' && (
          <section className="insp-outbox" data-testid="outbox">
            <p className="muted">无网络时的上报保存在本机，联网后自动发送，每条只生成一个案件。</p>
            <ul>
              {items.map((i) => (
                <li key={i.key} data-testid="outbox-item" data-key={i.key} data-state={i.state}>
                  <strong>{categories.find((c) => c.code === i.report.categoryCode)?.name ?? i.report.categoryCode}</strong>
                  <span>{i.report.description}</span>
                  <span className="muted">
                    {formatTime(i.createdAt)} · 照片 {i.photos.length + i.photoIds.length} 张 · 尝试 {i.attempts} 次
                  </span>
                  {i.lastError && (
                    <span className="case-error">
                      {i.state === 'failed' ? `被退回：${refusalOf(i.lastError)}` : `未发出：${i.lastError}`}
                    </span>
                  )}
                  {i.state === 'failed' && (
                    <div className="insp-bar-buttons">
                      <button
                        type="button"
                        className="insp-btn"
                        onClick={() => {
                          if (editing?.key === i.key) setEditing(null);
                          void outbox.remove(i.key);
                        }}
                      >
                        删除
                      </button>
                      <button type="button" className="insp-btn" onClick={() => void outbox.retry(i.key).then(() => flush())}>
                        重试
                      </button>
                      <button
                        type="button"
                        className="insp-btn-primary"
                        data-testid="outbox-edit"
                        onClick={() => {
                          setResult(null);
                          setEditing(i);
                          setTab('report');
                        }}
                      >
                        修改
                      </button>
                    </div>
                  )}
                </li>
              ))}
              {queued === 0 && <li className="muted insp-empty">待发箱是空的</li>}
            </ul>
            <div className="insp-submit-bar">
              <button
                type="button"
                className="insp-btn-primary insp-btn-block"
                disabled={!online || queued === 0}
                onClick={() => void flush()}
              >
                立即发送
              </button>
            </div>
          </section>
        )}
      </main>

      <nav className="insp-tabs" aria-label="监督员">
        <button
          type="button"
          data-testid="tab-report"
          className={tab === 'report' ? 'active' : ''}
          onClick={() => setTab('report')}
        >
          <Icon name="camera" size={24} />
          上报
        </button>
        <button type="button" data-testid="tab-tasks" className={tab === 'tasks' ? 'active' : ''} onClick={() => setTab('tasks')}>
          <Icon name="list" size={24} />
          我的任务
          {tasks.length > 0 && <b className="insp-badge">{tasks.length}</b>}
        </button>
        <button
          type="button"
          data-testid="tab-outbox"
          className={tab === 'outbox' ? 'active' : ''}
          onClick={() => setTab('outbox')}
        >
          <Icon name="outbox" size={24} />
          待发箱
          <b className={`insp-badge${queued ? '' : ' zero'}`} data-testid="outbox-count" data-count={queued}>
            {queued}
          </b>
        </button>
      </nav>
    </div>
  );
}

function TaskMap({ c }: { c: { place: { lon: number; lat: number } } | undefined }) {
  if (!c) return null;
  return <PointPicker point={{ lon: c.place.lon, lat: c.place.lat }} testId="task-map" />;
}

/** Navigation to the spot in the phone's map app (`geo:` URI); the task's detail shows it on the map too. */
function TaskLinks({ c }: { c: { place: { lon: number; lat: number }; code: string } | undefined }) {
  if (!c) return null;
  const { lon, lat } = c.place;
  return (
    <div className="insp-task-links">
      <a
        className="insp-btn"
        data-testid="navigate"
        href={`geo:${lat.toFixed(6)},${lon.toFixed(6)}?q=${lat.toFixed(6)},${lon.toFixed(6)}(${encodeURIComponent(c.code)})`}
      >
        <Icon name="compass" /> 导航到现场
      </a>
    </div>
  );
}
