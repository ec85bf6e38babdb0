import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  AUDIT_OUTCOMES,
  type AuditEventView,
  type AuditOutcome,
  type AuditQuery,
  type ChainVerification,
} from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { adminApi, auditApi } from './api';
import { PageFrame } from './PageFrame';

const OUTCOME_NAMES: Record<AuditOutcome, string> = { ok: '成功', failed: '失败', denied: '拒绝', locked: '锁定', error: '错误' };
const PAGE_SIZE = 50;

/** A datetime-local value (local time, no zone) as ISO 8601 with the browser's offset, or undefined. */
function isoOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** 审计日志 for the audit administrator: filter by user, action, outcome and time; 校验链; export. */
export function AuditPage() {
  const [form, setForm] = useState({ user: '', action: '', outcome: '', from: '', to: '' });
  const [query, setQuery] = useState<AuditQuery>({ limit: PAGE_SIZE });
  const [events, setEvents] = useState<AuditEventView[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<ChainVerification | 'running' | null>(null);
  const [roleNames, setRoleNames] = useState<Record<string, string>>({});

  useEffect(() => {
    adminApi.roles().then(
      (roles) => setRoleNames(Object.fromEntries(roles.map((r) => [r.id, r.name]))),
      () => setRoleNames({}),
    );
  }, []);

  const load = useCallback(async (q: AuditQuery, append: boolean) => {
    try {
      const page = await auditApi.events(q);
      setEvents((prev) => (append ? [...prev, ...page.events] : page.events));
      setNext(page.nextBeforeSeq);
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);

  useEffect(() => {
    void load(query, false);
  }, [query, load]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const outcome = AUDIT_OUTCOMES.find((o) => o === form.outcome);
    setQuery({
      limit: PAGE_SIZE,
      ...(form.user.trim() ? { user: form.user.trim() } : {}),
      ...(form.action.trim() ? { action: form.action.trim() } : {}),
      ...(outcome ? { outcome } : {}),
      ...(isoOf(form.from) ? { from: isoOf(form.from) } : {}),
      ...(isoOf(form.to) ? { to: isoOf(form.to) } : {}),
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
      <form className="audit-filters" onSubmit={search}>
        <input placeholder="用户（登录名前缀）" aria-label="用户" {...field('user')} />
        <input placeholder="操作（如 auth 或 auth.login）" aria-label="操作" {...field('action')} />
        <select aria-label="结果" {...field('outcome')}>
          <option value="">全部结果</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_NAMES[o]}
            </option>
          ))}
        </select>
        <label>
          从 <input type="datetime-local" aria-label="开始时间" {...field('from')} />
        </label>
        <label>
          至 <input type="datetime-local" aria-label="结束时间" {...field('to')} />
        </label>
        <button type="submit" className="primary">
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
            <th>序号</th>
            <th>时间</th>
            <th>用户</th>
            <th>角色</th>
            <th>操作</th>
            <th>对象</th>
            <th>结果</th>
            <th>来源 IP</th>
            <th>详情</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} className={e.outcome === 'ok' ? '' : 'audit-bad'}>
              <td>{e.seq}</td>
              <td>{new Date(e.at).toLocaleString('zh-CN', { hour12: false })}</td>
              <td>{e.username ?? '—'}</td>
              <td>{e.role ? (roleNames[e.role] ?? e.role) : '—'}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.object ?? '—'}</td>
              <td>{OUTCOME_NAMES[e.outcome]}</td>
              <td>{e.sourceIp ?? '—'}</td>
              <td className="audit-detail">{Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!events.length && !error && <p className="muted">没有符合条件的记录。</p>}
      {next !== null && (
        <button type="button" className="secondary" onClick={() => void load({ ...query, beforeSeq: next }, true)}>
          更早的记录
        </button>
      )}
    </PageFrame>
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
