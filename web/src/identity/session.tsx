import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { z } from 'zod';
import {
  loginResponseSchema,
  sessionInfoSchema,
  sessionProbeSchema,
  type SessionInfo,
  type SessionUser,
} from '../../../contracts/identity';
import { SYSTEM_MODES, type SystemMode } from '../../../contracts/incidents';
import { call, messageOf, noContent, sessionSignals } from '../api/http';

/** Only the mode is read from `GET /api/mode` here (the wall reads the rest). */
const currentModeSchema = z.object({ state: z.object({ mode: z.enum(SYSTEM_MODES) }) });

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'signed-in'; user: SessionUser; session: SessionInfo };

export interface SessionApi {
  state: SessionState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Extends the idle deadline (续期). */
  renew(): Promise<void>;
  /** Re-reads the session from the server (after a password change, or when a deadline passed). */
  refresh(): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** Forgets why the last session ended (the visitor goes on without signing in). */
  dismiss(): void;
  /** Whether the signed-in role may perform a policy action (for showing menus; the server decides). */
  can(action: string): boolean;
  /** What the server said about the session on the live connection (shell/realtime.tsx). */
  heard: SessionNews;
}

/** Session news the live connection brings: the session ended, the user's rights changed, the idle deadline moved. */
export interface SessionNews {
  ended(message: string): void;
  changed(user: SessionUser): void;
  idle(idleExpiresAt: string): void;
  /** The system mode changed: some actions' grants change with it (data/policy.json `modes`). */
  mode(mode: SystemMode): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession must be used inside <SessionProvider>');
  return api;
}

/** The signed-in user for components that only render when signed in. */
export function useSignedIn(): { user: SessionUser; session: SessionInfo } {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn outside a signed-in page');
  return state;
}

/**
 * Holds the session: read at start (`GET /api/auth/session`), set by login, cleared by logout, by a 401 from
 * any call, or by the server's `session:ended` on the socket (logout elsewhere, revocation, expiry).
 */
/** The state with a new idle deadline; the same object when the deadline has not moved, so nothing re-renders. */
function withIdleDeadline(s: SessionState, idleExpiresAt: string | null): SessionState {
  if (s.status !== 'signed-in' || s.session.idleExpiresAt === idleExpiresAt) return s;
  return { ...s, session: { ...s.session, idleExpiresAt } };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  // The system mode, for the actions whose grants change with it: read once signed in, then told by the live connection.
  const [mode, setMode] = useState<SystemMode | null>(null);

  const ended = useCallback((notice: string | null) => setState({ status: 'anonymous', notice }), []);

  const refresh = useCallback(async () => {
    try {
      const probe = await call('GET', '/api/auth/session', sessionProbeSchema);
      if (probe.user) setState({ status: 'signed-in', user: probe.user, session: probe.session });
      else ended(probe.notice);
    } catch (err) {
      ended(messageOf(err));
    }
  }, [ended]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    sessionSignals.idle = (idleExpiresAt) => setState((s) => withIdleDeadline(s, idleExpiresAt));
    sessionSignals.unauthenticated = (message) => ended(message);
    return () => {
      sessionSignals.idle = null;
      sessionSignals.unauthenticated = null;
    };
  }, [ended]);

  const heard = useMemo<SessionNews>(
    () => ({
      ended,
      // Rights changed while signed in: take the new role's actions (the server has already left the rooms it lost).
      changed: (user) => setState((s) => (s.status === 'signed-in' ? { ...s, user } : s)),
      idle: (idleExpiresAt) => setState((s) => withIdleDeadline(s, idleExpiresAt)),
      mode: setMode,
    }),
    [ended],
  );

  const signedInAs = state.status === 'signed-in' ? state.user.id : null;
  useEffect(() => {
    if (!signedInAs) return;
    const abort = new AbortController();
    call('GET', '/api/mode', currentModeSchema, undefined, abort.signal).then(
      (r) => setMode(r.state.mode),
      () => undefined,
    );
    return () => abort.abort();
  }, [signedInAs]);

  // `can` changes only with the person's rights and the mode: every answer renews the idle deadline, and pages key
  // effects on `can`.
  const user = state.status === 'signed-in' ? state.user : null;
  const actions = user ? ((mode && user.actionsByMode?.[mode]) ?? user.actions) : null;
  const can = useCallback((action: string) => actions?.includes(action) ?? false, [actions]);

  const api = useMemo<SessionApi>(
    () => ({
      state,
      async login(username, password) {
        const res = await call('POST', '/api/auth/login', loginResponseSchema, { username, password });
        setState({ status: 'signed-in', ...res });
      },
      async logout() {
        await call('POST', '/api/auth/logout', noContent).catch(() => undefined);
        ended('已退出登录');
      },
      async renew() {
        const session = await call('POST', '/api/auth/renew', sessionInfoSchema);
        setState((s) => (s.status === 'signed-in' ? { ...s, session } : s));
      },
      refresh,
      async changePassword(currentPassword, newPassword) {
        await call('POST', '/api/auth/password', noContent, { currentPassword, newPassword });
        await refresh();
      },
      dismiss: () => setState((s) => (s.status === 'anonymous' ? { status: 'anonymous', notice: null } : s)),
      can,
      heard,
    }),
    [state, refresh, ended, heard, can],
  );

  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}
