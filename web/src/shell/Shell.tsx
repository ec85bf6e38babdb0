import { useEffect, useRef } from 'react';
import { ExpiryWarning } from '../identity/ExpiryWarning';
import { LoginPage } from '../identity/LoginPage';
import { PasswordDialog } from '../identity/PasswordDialog';
import { SessionProvider, useSession } from '../identity/session';
import { goTo, useCurrentPage } from './navigation';
import { NoAccessPage } from './NoAccessPage';
import { RealtimeProvider } from './realtime';
import { homePage, shownPage } from './routes';
import { PAGE_VIEWS } from './views';

/**
 * The app: the session, its live connection, and the page the address names (routes.ts). Visitors get the map,
 * whose base data is public (the API's rule too: open data reads need no session), and the login form for `#login`,
 * for every other page and when their session just ended; accounts that must change their password get only that;
 * signed-in users the page if their actions open it (else 无权访问, naming the roles that may), with the expiry warning
 * on top.
 */
export function Shell() {
  return (
    <SessionProvider>
      <RealtimeProvider>
        <Router />
      </RealtimeProvider>
    </SessionProvider>
  );
}

function Router() {
  const { state, can } = useSession();
  const page = useCurrentPage();
  const signedIn = state.status === 'signed-in';
  const home = signedIn ? homePage(state.user, can) : 'map';
  // Devices and inspectors land on their page once per sign-in: they may still open the map from the menu.
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
    if (page !== 'map' || state.notice !== null) return <LoginPage notice={state.notice} backToMap />;
    return <PAGE_VIEWS.map />;
  }
  if (state.user.mustChangePassword) return <PasswordDialog forced />;
  const shown = shownPage(page, can);
  const View = shown === 'forbidden' ? null : PAGE_VIEWS[shown];
  return (
    <>
      {View ? <View /> : <NoAccessPage page={page} />}
      <ExpiryWarning />
    </>
  );
}
