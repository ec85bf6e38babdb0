import { useCallback, useEffect, useState } from 'react';
import type { ApiTokenSummary, UserSummary } from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { TokenTable } from '../identity/TokenTable';
import { adminApi } from './api';

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
        {tokens && (
          <TokenTable
            tokens={tokens}
            onRevoke={(t) => void revoke(t)}
            className="admin-table"
            emptyText="该用户没有签发过 API 令牌"
            testId="user-tokens"
          />
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
