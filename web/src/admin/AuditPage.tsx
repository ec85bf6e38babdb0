import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AUDIT_EVENT_LABELS, auditRangeProblem, type AuditEntry } from '../../../contracts/audit';
import {
  AUDIT_OUTCOMES,
  auditQuerySchema,
  type AuditOutcome,
  type AuditQuery,
  type ChainVerification,
} from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { FieldError, fieldProblem } from '../ui/FieldError';
import { auditApi } from './api';
import { PageFrame } from './PageFrame';

const OUTCOME_NAMES: Record<AuditOutcome, string> = { ok: '成功', failed: '失败', denied: '拒绝', locked: '锁定', error: '错误' };
const PAGE_SIZE = 50;

/** A datetime-local value (local time, no zone) as ISO 8601 with the browser's offset, or undefined. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? local : t.toISOString();
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** A detail's value as shown: instants in local time like the 时间 column, the rest as the server wrote it. */
const shownValue = (value: string) =>
  ISO_INSTANT.test(value) ? new Date(value).toLocaleString('zh-CN', { hour12: false }) : value;

/** The time filter's problems, checked with the query's own schema and range rule before anything is asked. */
function timeProblems(form: { from: string; to: string }): { from: string | null; to: string | null } {
  const from = isoOf(form.from);
  const to = isoOf(form.to);
  return {
    from: from ? fieldProblem(auditQuerySchema.shape.from, from) : null,
    to: (to ? fieldProblem(auditQuerySchema.shape.to, to) : null) ?? auditRangeProblem(from, to),
  };
}

/**
 * 审计日志 for the audit administrator: each action one row in Chinese (a command's authorised and completed rows
 * together), its details as labelled fields and its stored rows on request; filter by user, action, outcome and
 * time; 校验链; export.
 */
export function AuditPage() {
  const [form, setForm] = useState({ user: '', action: '', outcome: '', from: '', to: '' });
  const [query, setQuery] = useState<AuditQuery>({ limit: PAGE_SIZE });
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<ChainVerification | 'running' | null>(null);
  const [actions, setActions] = useState<{ id: string; label: string }[]>([]);

  useEffect(() => {
    auditApi.actions().then(
      (list) =>
        setActions([
          ...list.filter((a) => !a.public).map((a) => ({ id: a.id, label: a.label })),
          ...Object.entries(AUDIT_EVENT_LABELS).map(([id, label]) => ({ id, label })),
        ]),
      () => setActions([]),
    );
  }, []);

  const load = useCallback(async (q: AuditQuery, append: boolean) => {
    try {
      const page = await auditApi.entries(q);
      setEntries((prev) => (append ? [...prev, ...page.entries] : page.entries));
      setNext(page.nextBeforeSeq);
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);

  useEffect(() => {
    void load(query, false);
  }, [query, load]);

  const problems = timeProblems(form);
  const search = (e: FormEvent) => {
    e.preventDefault();
    if (problems.from || problems.to) return;
    const outcome = AUDIT_OUTCOMES.find((o) => o === form.outcome);
    const from = isoOf(form.from);
    const to = isoOf(form.to);
    setQuery({
      limit: PAGE_SIZE,
      ...(form.user.trim() ? { user: form.user.trim() } : {}),
      ...(form.action ? { action: form.action } : {}),
      ...(outcome ? { outcome } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
  };
  const verify = () => {
    setVerification('running');
    auditApi.verify().then(setVerification, (err: unknown) => {
      setVerification(null);
      setError(messageOf(err));
    });
  };
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });

  return (
    <PageFrame page="audit" title="审计日志">
      <form className="audit-filters" noValidate onSubmit={search}>
        <input placeholder="用户（登录名前缀）" aria-label="用户" {...field('user')} />
        <select aria-label="操作" {...field('action')}>
          <option value="">全部操作</option>
          {actions.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
        <select aria-label="结果" {...field('outcome')}>
          <option value="">全部结果</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_NAMES[o]}
            </option>
          ))}
        </select>
        <label className="audit-time">
          从{' '}
          <input
            type="datetime-local"
            aria-label="开始时间"
            aria-invalid={problems.from ? true : undefined}
            aria-describedby="audit-from-error"
            {...field('from')}
          />
          <FieldError id="audit-from-error" message={problems.from} />
        </label>
        <label className="audit-time">
          至{' '}
          <input
            type="datetime-local"
            aria-label="结束时间"
            aria-invalid={problems.to ? true : undefined}
            aria-describedby="audit-to-error"
            {...field('to')}
          />
          <FieldError id="audit-to-error" message={problems.to} />
        </label>
        <button type="submit" className="primary" disabled={problems.from !== null || problems.to !== null}>
          查询
        </button>
        <a className="secondary" href={auditApi.exportUrl(query)} download>
          导出 CSV
        </a>
        <button type="button" className="primary verify-button" onClick={verify} disabled={verification === 'running'}>
          {verification === 'running' ? '正在校验…' : '校验链'}
        </button>
      </form>
      {verification && verification !== 'running' && <VerificationResult v={verification} />}
      {error && <p className="warning">{error}</p>}
      <table className="admin-table audit-table">
        <thead>
          <tr>
            <th>时间</th>
            <th>用户</th>
            <th>角色</th>
            <th>操作</th>
            <th>对象</th>
            <th>结果</th>
            <th>详情</th>
            <th>来源 IP</th>
            <th>记录</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <EntryRow key={e.seq} e={e} />
          ))}
        </tbody>
      </table>
      {!entries.length && !error && <p className="muted">没有符合条件的记录。</p>}
      {next !== null && (
        <button type="button" className="secondary" onClick={() => void load({ ...query, beforeSeq: next }, true)}>
          更早的记录
        </button>
      )}
    </PageFrame>
  );
}

/** One action: when, who, what on which object, the outcome, its details, and the stored rows it is made of. */
function EntryRow({ e }: { e: AuditEntry }) {
  return (
    <tr className={e.outcome === 'ok' ? '' : 'audit-bad'} data-testid="audit-entry" data-seq={e.seq} data-action={e.action}>
      <td>{new Date(e.at).toLocaleString('zh-CN', { hour12: false })}</td>
      <td>{e.username ?? '—'}</td>
      <td>{e.roleName ?? '—'}</td>
      <td className="audit-action">{e.actionLabel}</td>
      <td className="audit-object">{e.objectLabel ?? '—'}</td>
      <td>{OUTCOME_NAMES[e.outcome]}</td>
      <td className="audit-detail">
        {e.fields.length > 0 && (
          <dl className="audit-fields">
            {e.fields.map((f, i) => (
              <div key={i}>
                <dt>{f.label}</dt>
                <dd>{shownValue(f.value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td>{e.sourceIp ?? '—'}</td>
      <td className="audit-rows">
        {e.command ? (
          <span className="audit-stages">
            {e.command.authorisedSeq !== null ? `#${e.command.authorisedSeq} 授权` : '授权记录缺失'}
            <br />
            {e.command.completedSeq !== null ? `#${e.command.completedSeq} 完成` : '未记录完成'}
          </span>
        ) : (
          `#${e.seq}`
        )}
        <details>
          <summary>原始记录</summary>
          <pre>{JSON.stringify(e.rows, null, 1)}</pre>
        </details>
      </td>
    </tr>
  );
}

function VerificationResult({ v }: { v: ChainVerification }) {
  return v.ok ? (
    <p className="chain-ok" role="status">
      哈希链完整：已校验 {v.checked} 条记录（HMAC-SM3）
      {v.anchoredThroughSeq ? `，#${v.anchoredThroughSeq} 及之前的记录已按保留期清理（锚点有效）` : ''}。
    </p>
  ) : (
    <p className="chain-broken" role="alert">
      哈希链断裂：第一处断点在记录 #{v.firstBroken?.seq}——{v.firstBroken?.reason}（此前 {v.checked} 条完好）。
    </p>
  );
}
