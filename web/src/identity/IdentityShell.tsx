import { useEffect, useRef, type ReactNode } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { AuditPage } from '../admin/AuditPage';
import { DeadLettersPage } from '../admin/DeadLettersPage';
import { PlannerPage } from '../planner/PlannerPage';
import { VideoWallPage } from '../video/VideoWallPage';
import { ConferencePage } from '../conference/ConferencePage';
import { WallPage } from '../wall/WallPage';
import { ExpiryWarning } from './ExpiryWarning';
import { LoginPage } from './LoginPage';
import { goTo, useCurrentPage } from './pages';
import { PasswordDialog } from './PasswordDialog';
import { SessionProvider, useSession } from './session';

/**
 * The login gate around the command platform. Accounts that must change their password get only that;
 * signed-in users the page the address names (the map by default, 指挥大屏 for wall devices; 指挥大屏,
 * 用户/角色/部门管理, 审计日志, 被拒收的推送 and 空间查询与分析 for the roles the policy grants them) with the expiry warning on top.
 * Visitors get the login page for `#login` and the protected pages, and — unless `requireLogin` — the map,
 * whose base data is public (the same rule as the API's: open data reads need no session, everything else does).
 */
export function IdentityShell({ children, requireLogin = false }: { children: ReactNode; requireLogin?: boolean }) {
  return (
    <SessionProvider>
      <Gate requireLogin={requireLogin}>{children}</Gate>
    </SessionProvider>
  );
}

function Gate({ children, requireLogin }: { children: ReactNode; requireLogin: boolean }) {
  const { state, can } = useSession();
  const page = useCurrentPage();
  const signedIn = state.status === 'signed-in';
  // Wall device accounts land on 指挥大屏 and field inspectors on their phone page (once per sign-in: they may still
  // open the map from the menu).
  const home =
    signedIn && state.user.role === 'wall' && can('incident.read')
      ? 'wall'
      : signedIn && state.user.role === 'inspector' && can('case.inspect')
        ? 'inspector'
        : 'map';
  const landed = useRef(false);
  useEffect(() => {
    if (!signedIn) {
      landed.current = false;
      return;
    }
    if (page === 'login') goTo(home);
    else if (!landed.current && home !== 'map' && page === 'map') goTo(home);
    landed.current = true;
  }, [signedIn, home, page]);
  if (state.status === 'loading') {
    return (
      <div className="login-page">
        <p className="login-card muted">正在检查登录状态…</p>
      </div>
    );
  }
  if (state.status === 'anonymous') {
    // A session that just ended (logout, revocation, timeout) lands on the login form with the reason.
    const login = requireLogin || page !== 'map' || state.notice !== null;
    return login ? <LoginPage notice={state.notice} backToMap={!requireLogin} /> : <>{children}</>;
  }
  if (state.user.mustChangePassword) return <PasswordDialog forced />;
  const content =
    page === 'wall' && can('incident.read') ? (
      <WallPage />
    ) : page === 'admin' && can('user.read') ? (
      <AdminPage />
    ) : page === 'audit' && can('audit.read') ? (
      <AuditPage />
    ) : page === 'deadletters' && can('feed.dead_letters') ? (
      <DeadLettersPage />
    ) : page === 'planner' && can('analysis.run') ? (
      <PlannerPage />
    ) : page === 'video' && can('camera.view') ? (
      <VideoWallPage />
    ) : page === 'conference' && can('conference.join') ? (
      <ConferencePage />
    ) : (
      children
    );
  return (
    <>
      {content}
      <ExpiryWarning />
    </>
  );
}
