import type { ApiTokenSummary } from '../../../contracts/identity';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—');

const isLive = (t: ApiTokenSummary) => !t.revokedAt && Date.parse(t.expiresAt) > Date.now();

function statusOf(t: ApiTokenSummary): string {
  if (t.revokedAt) return `已撤销（${when(t.revokedAt)}）`;
  return isLive(t) ? '有效' : '已过期';
}

/**
 * API tokens as a table (never the token itself): purpose, issue, expiry, last use and state, with 撤销 on the live
 * ones. The person's own dialog and the system administrator's view of someone else's tokens both show it.
 */
export function TokenTable({
  tokens,
  onRevoke,
  className,
  emptyText,
  testId,
}: {
  tokens: readonly ApiTokenSummary[];
  onRevoke: (t: ApiTokenSummary) => void;
  className: string;
  emptyText: string;
  testId?: string;
}) {
  return (
    <table className={className} data-testid={testId}>
      <thead>
        <tr>
          <th>用途</th>
          <th>签发时间</th>
          <th>到期</th>
          <th>最近使用</th>
          <th>状态</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id} data-token-id={t.id}>
            <td>{t.label}</td>
            <td>{when(t.createdAt)}</td>
            <td>{when(t.expiresAt)}</td>
            <td>{when(t.lastUsedAt)}</td>
            <td>{statusOf(t)}</td>
            <td>
              {isLive(t) && (
                <button type="button" onClick={() => onRevoke(t)}>
                  撤销
                </button>
              )}
            </td>
          </tr>
        ))}
        {tokens.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              {emptyText}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
