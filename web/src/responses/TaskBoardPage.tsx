import { useMemo, useState } from 'react';
import { RESPONSE_LEVEL_LABELS } from '../../../contracts/plans';
import {
  OVERDUE_LABELS,
  TASK_ACTION_LABELS,
  TASK_STATE_LABELS,
  TASK_TRANSITIONS,
  type ResponseTask,
  type TaskAction,
} from '../../../contracts/responses';
import { messageOf } from '../api/http';
import { applyChanges, applySnapshot, emptyFeed, type ChangeFeedState, type LayerRules } from '../changes/feed';
import { useChangeFeed, type ChangeSource } from '../changes/useChangeFeed';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { useRealtime } from '../shell/realtime';
import { useNow } from '../wall/format';
import { photoUrl, responsesApi } from './api';
import { RESPONSE_LAYER_RULES } from './feed-rules';
import { levelBadge, orderTasks, untilDue } from './format';
import './responses.css';

type BoardLayers = { response_tasks: { item: ResponseTask; key: string } };
type BoardState = ChangeFeedState<BoardLayers>;

/** A department's board follows every task change and keeps its own department's open and done tasks. */
function boardSource(departmentId: string | null): ChangeSource<BoardState> {
  const rules: LayerRules<BoardLayers> = {
    response_tasks: {
      ...RESPONSE_LAYER_RULES.response_tasks,
      keeps: (t) => t.state !== 'cancelled' && (departmentId === null || t.departmentId === departmentId),
    },
  };
  return {
    key: `tasks:${departmentId ?? 'all'}`,
    layers: ['response_tasks'],
    required: ['response_tasks'],
    empty: () => emptyFeed(rules),
    apply: (s, changes) => applyChanges(rules, s, changes),
    loadError: '应急任务加载失败',
    async load() {
      const { tasks, seq } = await responsesApi.tasks();
      return (s) => applySnapshot(rules, s, { response_tasks: { items: tasks, seq } });
    },
  };
}

/**
 * 应急任务看板: a department's tasks of every active response, on a desk or a phone — receive, acknowledge, report
 * progress with checklist ticks and photos, done. Overdue tasks are amber, then red (and already with the duty
 * leader). Kept current by the change log.
 */
export function TaskBoardPage() {
  const { state, can } = useSession();
  const { socket } = useRealtime();
  const user = state.status === 'signed-in' ? state.user : null;
  const departmentId = user?.role === 'handler' ? (user.department?.id ?? '') : null;
  const source = useMemo(() => boardSource(departmentId), [departmentId]);
  const live = useChangeFeed(socket, source);
  const now = useNow(15_000);
  const tasks = useMemo(() => orderTasks(live.state.response_tasks.values()), [live.state.response_tasks]);
  const work = can('response_task.work');
  return (
    <div className="taskboard" data-testid="taskboard" data-ready={String(live.state.loaded)}>
      <header className="app-header">
        <h1>应急任务</h1>
        <span className="app-subtitle">{user?.department?.name ?? '全部部门'}</span>
        <UserMenu current="tasks" />
      </header>
      {live.error && (
        <p className="resp-error" role="alert">
          {live.error}
        </p>
      )}
      {live.state.loaded && tasks.length === 0 && <p>当前没有本部门的应急任务。</p>}
      <div className="taskboard-list">
        {tasks.map((t) => (
          <TaskCard key={t.id} task={t} now={now} canWork={work} onChanged={(next) => live.update((s) => applyTask(s, next))} />
        ))}
      </div>
    </div>
  );
}

/** The answer to a command, held until its change arrives (the change carries the same version or a newer one). */
function applyTask(s: BoardState, task: ResponseTask): BoardState {
  const map = new Map(s.response_tasks);
  map.set(task.id, task);
  return { ...s, response_tasks: map };
}

function TaskCard({
  task: t,
  now,
  canWork,
  onChanged,
}: {
  task: ResponseTask;
  now: number;
  canWork: boolean;
  onChanged: (t: ResponseTask) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [ticks, setTicks] = useState<number[]>([]);
  const run = async (fn: () => Promise<ResponseTask>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await fn());
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const actions = Object.keys(TASK_TRANSITIONS[t.state]) as TaskAction[];
  const open = t.state !== 'done' && t.state !== 'cancelled';
  return (
    <article
      className={`task-card state-${t.state} overdue-${open ? t.overdue : 'none'}`}
      data-testid="task-card"
      data-task-key={t.taskKey}
      data-response={t.responseId}
      data-state={t.state}
      data-overdue={t.overdue}
    >
      <div className="task-meta">
        <span className={`resp-level level-${t.level}`} title={RESPONSE_LEVEL_LABELS[t.level]}>
          {levelBadge(t.level)}
        </span>
        <span>{t.planTitle}</span>
        {t.drill && <span className="resp-drill">演练</span>}
        <span>{t.role === 'lead' ? '牵头' : '配合'}</span>
      </div>
      <h2>{t.title}</h2>
      <div className="task-meta">
        <strong data-testid="task-state">{TASK_STATE_LABELS[t.state]}</strong>
        {open && <span>{untilDue(t.dueAt, now)}</span>}
        {open && t.overdue !== 'none' && <span className="task-overdue-flag">{OVERDUE_LABELS[t.overdue]}</span>}
      </div>
      <ul className="task-checklist">
        {t.checklist.map((c, i) => (
          <li key={c.item}>
            <label className={c.done ? 'done' : undefined}>
              <input
                type="checkbox"
                checked={c.done || ticks.includes(i)}
                disabled={c.done || !open || !canWork}
                onChange={(e) => setTicks((x) => (e.target.checked ? [...x, i] : x.filter((y) => y !== i)))}
              />
              {c.item}
            </label>
          </li>
        ))}
      </ul>
      {canWork && actions.length > 0 && (
        <div className="task-buttons">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={a === actions[0] ? 'task-primary' : undefined}
              disabled={busy}
              data-testid={`task-${a}`}
              onClick={() => void run(() => responsesApi.transition(t.id, a))}
            >
              {TASK_ACTION_LABELS[a]}
            </button>
          ))}
        </div>
      )}
      {canWork && open && (
        <div className="task-note">
          <textarea
            rows={2}
            maxLength={1000}
            placeholder="进展情况（勾选已完成的清单项）"
            value={note}
            data-testid="task-note-text"
            onChange={(e) => setNote(e.target.value)}
          />
          <div className="task-buttons">
            <button
              type="button"
              disabled={busy || !note.trim()}
              data-testid="task-note-submit"
              onClick={() =>
                void run(() => responsesApi.note(t.id, note.trim(), ticks)).then((ok) => {
                  if (!ok) return;
                  setNote('');
                  setTicks([]);
                })
              }
            >
              报告进展
            </button>
            <label className="task-photo-pick">
              <input
                type="file"
                accept="image/*"
                capture="environment"
                hidden
                data-testid="task-photo-input"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void run(() => responsesApi.photo(t.id, file));
                }}
              />
              <span className="task-photo-button">拍照/上传照片</span>
            </label>
          </div>
        </div>
      )}
      {error && (
        <p className="resp-error" role="alert">
          {error}
        </p>
      )}
      {(t.notes.length > 0 || t.photos.length > 0) && (
        <ul className="task-notes">
          {t.notes.map((n) => (
            <li key={n.id}>
              <span className="task-meta">
                {n.authorName} · {new Date(n.at).toLocaleTimeString('zh-CN', { hour12: false })}
              </span>
              <div>{n.body}</div>
            </li>
          ))}
          <li className="task-photos">
            {t.photos.map((p) => (
              <a key={p.id} href={photoUrl(t.id, p.id, 'view')} target="_blank" rel="noreferrer">
                <img src={photoUrl(t.id, p.id, 'thumb')} alt={`任务照片 ${p.id}`} loading="lazy" />
              </a>
            ))}
          </li>
        </ul>
      )}
    </article>
  );
}
