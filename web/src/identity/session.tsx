import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import {
  loginResponseSchema,
  sessionInfoSchema,
  sessionProbeSchema,
  type SessionInfo,
  type SessionUser,
} from '../../../contracts/identity';
import { call, messageOf, noContent, sessionSignals } from '../api/http';
import type { RealtimeSocket } from '../api/socket';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'signed-in'; user: SessionUser; session: SessionInfo };

export type RealtimeStatus = 'offline' | 'connecting' | 'connected';

export type { RealtimeSocket };

export interface SessionApi {
  state: SessionState;
  /** The live connection that delivers session ends (and, later, operational updates). */
  realtime: RealtimeStatus;
  /** That connection, for pages that subscribe to live data (null when signed out); it reconnects by itself. */
  socket: RealtimeSocket | null;
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
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [realtime, setRealtime] = useState<RealtimeStatus>('offline');
  const [socket, setSocket] = useState<RealtimeSocket | null>(null);

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
    sessionSignals.idle = (idleExpiresAt) =>
      setState((s) => (s.status === 'signed-in' ? { ...s, session: { ...s.session, idleExpiresAt } } : s));
    sessionSignals.unauthenticated = (message) => ended(message);
    return () => {
      sessionSignals.idle = null;
      sessionSignals.unauthenticated = null;
    };
  }, [ended]);

  const signedInAs = state.status === 'signed-in' ? state.user.id : null;
  useEffect(() => {
    if (!signedInAs) return;
    // Reconnects on its own, at most 2 s apart, so that a wall is back soon after a gateway restarts.
    const socket: RealtimeSocket = io({
      withCredentials: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
    });
    let retry: number | undefined;
    setSocket(socket);
    setRealtime('connecting');
    socket.on('connect', () => setRealtime('connected'));
    socket.on('disconnect', () => setRealtime('offline'));
    // A refused handshake may mean the session ended before the socket was up: ask the server.
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setRealtime('offline');
      if (err.data?.code === 'unauthenticated') void refresh();
      // A gateway that is still starting refuses the handshake ("unavailable"); Socket.IO does not retry a refused
      // handshake by itself, so try again shortly.
      else if (!socket.active) retry = window.setTimeout(() => socket.connect(), 2000);
    });
    socket.on('session:ended', ({ message }) => ended(message));
    // Rights changed while signed in: take the new role's actions (the server has already left the rooms it lost).
    socket.on('session:changed', ({ user }) => setState((s) => (s.status === 'signed-in' ? { ...s, user } : s)));
    socket.on('session:expiring', ({ idleExpiresAt }) =>
      setState((s) => (s.status === 'signed-in' ? { ...s, session: { ...s.session, idleExpiresAt } } : s)),
    );
    return () => {
      window.clearTimeout(retry);
      socket.disconnect();
      setSocket(null);
      setRealtime('offline');
    };
  }, [signedInAs, ended, refresh]);

  const api = useMemo<SessionApi>(
    () => ({
      state,
      realtime,
      socket,
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
      can: (action) => state.status === 'signed-in' && state.user.actions.includes(action),
    }),
    [state, realtime, socket, refresh, ended],
  );

  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}
