import { useCallback, useEffect, useState } from 'react';
import type { ApiTokenSummary, UserSummary } from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { adminApi } from './api';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—');

function statusOf(t: ApiTokenSummary): string {
  if (t.revokedAt) return `已撤销（${when(t.revokedAt)}）`;
  return Date.parse(t.expiresAt) <= Date.now() ? '已过期' : '有效';
}

/** 用户的 API 令牌: another person's tokens as the system administrator sees them (never the token itself), each revocable. */
export function UserTokensDialog({ user, onClose }: { user: UserSummary; onClose: () => void }) {
  const [tokens, setTokens] = useState<ApiTokenSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    adminApi.userTokens(user.id).then(setTokens, (err: unknown) => setError(messageOf(err)));
  }, [user.id]);
  useEffect(reload, [reload]);

  const revoke = async (t: ApiTokenSummary) => {
    try {
      await adminApi.revokeUserToken(user.id, t.id);
      setError(null);
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div className="modal-backdrop">
      <div
        className="panel identity-dialog admin-form user-tokens-dialog"
        role="dialog"
        aria-modal
        aria-labelledby="user-tokens-title"
      >
        <header>
          <h2 id="user-tokens-title">{user.username} 的 API 令牌</h2>
        </header>
        <p className="muted">令牌本身只在签发时向本人显示一次；撤销后立即失效。强制下线、重置密码或停用账号会撤销其全部令牌。</p>
        {tokens === null && !error && <p className="muted">正在读取…</p>}
        {tokens?.length === 0 && <p className="muted">该用户没有签发过 API 令牌</p>}
        {tokens && tokens.length > 0 && (
          <table className="admin-table" data-testid="user-tokens">
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
                    {!t.revokedAt && Date.parse(t.expiresAt) > Date.now() && (
                      <button type="button" onClick={() => void revoke(t)}>
                        撤销
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && <p className="login-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            关闭
          </button>
        </div>
      </div>
    </div>
  );
}
