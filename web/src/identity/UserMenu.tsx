import { useState } from 'react';
import { ApiTokensDialog } from './ApiTokensDialog';
import { PasswordDialog } from './PasswordDialog';
import { useSession, useSignedIn } from './session';
import { PAGES, goTo, type PageId } from './pages';
import './identity.css';

const REALTIME_LABELS = { connected: '实时连接正常', connecting: '正在建立实时连接', offline: '实时连接已断开' } as const;

/** The map header's session controls: 登录 for visitors, the user menu once signed in. */
export function SessionControls() {
  const { state } = useSession();
  if (state.status === 'signed-in') return <UserMenu current="map" />;
  return (
    <div className="user-menu">
      <button type="button" className="header-button" onClick={() => goTo('login')}>
        登录
      </button>
    </div>
  );
}

/** The signed-in user in the header: name, role, the pages the role may open, 修改密码 and 退出. */
export function UserMenu({ current }: { current?: PageId }) {
  const { user } = useSignedIn();
  const { can, logout, realtime } = useSession();
  const [changing, setChanging] = useState(false);
  const [tokens, setTokens] = useState(false);
  return (
    <div className="user-menu">
      {PAGES.filter((p) => p.id !== current && p.id !== 'login' && (!p.action || can(p.action))).map((p) => (
        <button key={p.id} type="button" className="header-button" onClick={() => goTo(p.id)}>
          {p.label}
        </button>
      ))}
      <span
        className={`realtime-dot ${realtime}`}
        data-realtime={realtime}
        title={REALTIME_LABELS[realtime]}
        aria-label={REALTIME_LABELS[realtime]}
      />
      <span className="user-name" title={user.department?.name ?? ''}>
        {user.displayName}
        <span className="user-role">{user.roleName}</span>
      </span>
      {user.kind === 'person' && (
        <button type="button" className="header-button" onClick={() => setChanging(true)}>
          修改密码
        </button>
      )}
      {user.kind === 'person' && can('api_token.manage') && (
        <button type="button" className="header-button" onClick={() => setTokens(true)}>
          API 令牌
        </button>
      )}
      <button type="button" className="header-button" onClick={() => void logout()}>
        退出
      </button>
      {changing && <PasswordDialog forced={false} onClose={() => setChanging(false)} />}
      {tokens && <ApiTokensDialog onClose={() => setTokens(false)} />}
    </div>
  );
}
