import { useState, type MouseEvent } from 'react';
import { ApiTokensDialog } from './ApiTokensDialog';
import { NotificationBell } from '../duty/NotificationBell';
import { PasswordDialog } from './PasswordDialog';
import { useSession, useSignedIn } from './session';
import { goTo } from '../shell/navigation';
import { useRealtime } from '../shell/realtime';
import { menuPages, type PageId } from '../shell/routes';
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

/**
 * The signed-in user in the header: the pages the role may open (a menu, so the header keeps one line however many
 * there are), the live-connection dot, and the user's own menu with 修改密码, API 令牌 and 退出.
 */
export function UserMenu({ current }: { current?: PageId }) {
  const { user } = useSignedIn();
  const { can, logout } = useSession();
  const realtime = useRealtime().status;
  const [changing, setChanging] = useState(false);
  const [tokens, setTokens] = useState(false);
  const pages = menuPages(can, current);
  /** Runs a menu item and closes the menu it sits in. */
  const pick = (e: MouseEvent<HTMLButtonElement>, run: () => void) => {
    e.currentTarget.closest('details')?.removeAttribute('open');
    run();
  };
  return (
    <div className="user-menu">
      {pages.length > 0 && (
        <details className="header-menu">
          <summary className="header-button">切换页面 ▾</summary>
          <div className="header-menu-items" role="menu">
            {pages.map((p) => (
              <button key={p.id} type="button" role="menuitem" onClick={(e) => pick(e, () => goTo(p.id))}>
                {p.label}
              </button>
            ))}
          </div>
        </details>
      )}
      {user.kind === 'person' && can('notify.inbox') && <NotificationBell />}
      <span
        className={`realtime-dot ${realtime}`}
        data-realtime={realtime}
        title={REALTIME_LABELS[realtime]}
        aria-label={REALTIME_LABELS[realtime]}
      />
      <details className="header-menu">
        <summary className="header-button user-name" title={user.department?.name ?? ''} aria-label="用户菜单">
          {user.displayName}
          <span className="user-role">{user.roleName}</span> ▾
        </summary>
        <div className="header-menu-items right" role="menu">
          {user.kind === 'person' && (
            <button type="button" role="menuitem" onClick={(e) => pick(e, () => setChanging(true))}>
              修改密码
            </button>
          )}
          {user.kind === 'person' && can('api_token.manage') && (
            <button type="button" role="menuitem" onClick={(e) => pick(e, () => setTokens(true))}>
              API 令牌
            </button>
          )}
          <button type="button" role="menuitem" onClick={(e) => pick(e, () => void logout())}>
            退出
          </button>
        </div>
      </details>
      {changing && <PasswordDialog forced={false} onClose={() => setChanging(false)} />}
      {tokens && <ApiTokensDialog onClose={() => setTokens(false)} />}
    </div>
  );
}
