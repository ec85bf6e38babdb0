import { memo, useMemo, useState } from 'react';
import { RESPONSE_LEVEL_LABELS, RESPONSE_LEVELS, type ResponseLevel } from '../../../contracts/plans';
import {
  OVERDUE_LABELS,
  RESPONSE_STEP_LABELS,
  TASK_STATE_LABELS,
  type EmergencyResponse,
  type ResponseSuggestion,
  type ResponseTask,
} from '../../../contracts/responses';
import { messageOf } from '../api/http';
import { responsesApi } from './api';
import type { ResponseItem } from './feed-rules';
import { countByState, elapsed, levelBadge, orderTasks, untilDue } from './format';
import './responses.css';

interface Props {
  items: ReadonlyMap<string, ResponseItem>;
  tasks: ReadonlyMap<string, ResponseTask>;
  now: number;
  /** The signed-in role may declare (`response.declare`); the plan's level rule is checked by the server. */
  canDeclare: boolean;
}

/**
 * 应急响应 on the wall: open suggestions (启动建议) with their reasons, and every active response with its level,
 * elapsed time and tasks by state, overdue first. Kept current by the wall's change feed.
 */
export const ResponsesPanel = memo(function ResponsesPanel({ items, tasks, now, canDeclare }: Props) {
  const { responses, suggestions } = useMemo(() => {
    const responses: EmergencyResponse[] = [];
    const suggestions: ResponseSuggestion[] = [];
    for (const i of items.values()) {
      if (i.kind === 'response') responses.push(i.response);
      else suggestions.push(i.suggestion);
    }
    responses.sort((a, b) => a.level.localeCompare(b.level) || a.startedAt.localeCompare(b.startedAt));
    suggestions.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { responses, suggestions };
  }, [items]);
  const byResponse = useMemo(() => {
    const m = new Map<string, ResponseTask[]>();
    for (const t of tasks.values()) m.set(t.responseId, [...(m.get(t.responseId) ?? []), t]);
    return m;
  }, [tasks]);
  const [declaring, setDeclaring] = useState<ResponseSuggestion | null>(null);

  return (
    <section className="wall-responses" data-testid="wall-panel-responses" aria-label="应急响应">
      <header className="wall-section-head">
        <h2>应急响应</h2>
        <span className="wall-queue-count">
          响应中 <strong>{responses.length}</strong> · 建议 <strong>{suggestions.length}</strong>
        </span>
      </header>
      <div className="resp-scroll">
        {suggestions.map((s) => (
          <SuggestionCard key={s.id} s={s} canDeclare={canDeclare} onDeclare={() => setDeclaring(s)} />
        ))}
        {responses.map((r) => (
          <ResponseCard key={r.id} r={r} tasks={byResponse.get(r.id) ?? r.tasks} now={now} />
        ))}
        {responses.length === 0 && suggestions.length === 0 && <p className="wall-empty">当前无应急响应</p>}
      </div>
      {declaring && <DeclareDialog suggestion={declaring} onClose={() => setDeclaring(null)} />}
    </section>
  );
});

function SuggestionCard({ s, canDeclare, onDeclare }: { s: ResponseSuggestion; canDeclare: boolean; onDeclare: () => void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <article className="resp-suggestion" data-testid="response-suggestion" data-plan={s.planId} data-level={s.level}>
      <div className="resp-card-head">
        <span className={`resp-level level-${s.level}`}>{levelBadge(s.level)}</span>
        <strong>启动建议 · {s.planTitle}</strong>
        {s.drill && <span className="resp-drill">演练</span>}
      </div>
      <p className="resp-reason" data-testid="response-suggestion-reason">
        {s.reason}
      </p>
      {canDeclare && (
        <div className="resp-actions">
          <button type="button" className="resp-primary" data-testid="response-declare-open" onClick={onDeclare}>
            启动响应…
          </button>
          <button
            type="button"
            onClick={() =>
              void responsesApi.dismiss(s.id, '指挥员研判暂不启动').then(
                () => undefined,
                (e: unknown) => setError(messageOf(e)),
              )
            }
          >
            搁置
          </button>
        </div>
      )}
      {error && <p className="resp-error">{error}</p>}
    </article>
  );
}

function ResponseCard({ r, tasks, now }: { r: EmergencyResponse; tasks: ResponseTask[]; now: number }) {
  const counts = countByState(tasks);
  const open = tasks.filter((t) => t.state !== 'cancelled');
  const overdue = open.filter((t) => t.overdue !== 'none' && t.state !== 'done').length;
  return (
    <article
      className="resp-card"
      data-testid="response-card"
      data-id={r.id}
      data-level={r.level}
      data-drill={String(r.drill)}
      data-plan={r.planId}
      data-incidents={r.incidentIds.join(' ')}
    >
      <div className="resp-card-head">
        <span className={`resp-level level-${r.level}`} data-testid="response-level">
          {levelBadge(r.level)}
        </span>
        <strong>{r.planTitle}</strong>
        {r.drill && <span className="resp-drill">演练</span>}
        <span
          className="resp-elapsed"
          title={r.steps
            .map((s) => `${new Date(s.at).toLocaleString('zh-CN')} ${RESPONSE_STEP_LABELS[s.action]}：${s.reason}`)
            .join('\n')}
        >
          已持续 {elapsed(r.startedAt, now)}
        </span>
      </div>
      <div className="resp-counts" data-testid="response-counts">
        {overdue > 0 && <span className="resp-count overdue">超时 {overdue}</span>}
        <span className="resp-count">已下达 {counts.issued}</span>
        <span className="resp-count">已接收 {counts.received}</span>
        <span className="resp-count">已确认 {counts.acknowledged}</span>
        <span className="resp-count done">已完成 {counts.done}</span>
      </div>
      <ul className="resp-tasks">
        {orderTasks(open).map((t) => (
          <li
            key={t.id}
            className={`resp-task state-${t.state} overdue-${t.overdue}`}
            data-testid="response-task-row"
            data-state={t.state}
            data-overdue={t.overdue}
            title={t.overdue !== 'none' ? OVERDUE_LABELS[t.overdue] : undefined}
          >
            <span className="resp-task-dept">{t.departmentName}</span>
            <span className="resp-task-title">{t.title}</span>
            <span className="resp-task-state">{TASK_STATE_LABELS[t.state]}</span>
            <span className="resp-task-due">{t.state === 'done' ? '✓' : untilDue(t.dueAt, now)}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}

function DeclareDialog({ suggestion, onClose }: { suggestion: ResponseSuggestion; onClose: () => void }) {
  const [level, setLevel] = useState<ResponseLevel>(suggestion.level);
  const [reason, setReason] = useState(suggestion.reason);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await responsesApi.declare({
        incidentIds: suggestion.incidentIds,
        planId: suggestion.planId,
        level,
        reason,
        suggestionId: suggestion.id,
      });
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop">
      <div
        className="panel wall-dialog resp-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="启动应急响应"
        data-testid="response-declare-dialog"
      >
        <h3>启动《{suggestion.planTitle}》</h3>
        <label>
          响应级别
          <select value={level} onChange={(e) => setLevel(e.target.value as ResponseLevel)} data-testid="response-level-select">
            {RESPONSE_LEVELS.map((l) => (
              <option key={l} value={l}>
                {RESPONSE_LEVEL_LABELS[l]}
                {l === suggestion.level ? '（建议）' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          启动理由
          <textarea value={reason} rows={4} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        </label>
        {error && (
          <p className="resp-error" role="alert">
            {error}
          </p>
        )}
        <div className="resp-actions">
          <button
            type="button"
            className="resp-primary"
            disabled={busy || !reason.trim()}
            onClick={() => void submit()}
            data-testid="response-declare-submit"
          >
            启动{RESPONSE_LEVEL_LABELS[level]}响应
          </button>
          <button type="button" onClick={onClose}>
            取消
          </button>
        </div>
      </div>
    </div>
  );
}
