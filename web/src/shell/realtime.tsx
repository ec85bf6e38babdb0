import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import type { RealtimeSocket } from '../api/socket';
import { useSession } from '../identity/session';

export type RealtimeStatus = 'offline' | 'connecting' | 'connected';

export interface Realtime {
  /** The one Socket.IO connection of the signed-in session (null when signed out); it reconnects by itself. */
  socket: RealtimeSocket | null;
  status: RealtimeStatus;
}

const RealtimeContext = createContext<Realtime>({ socket: null, status: 'offline' });

/** The session's live connection, for pages that subscribe to live data and for the connection dot. */
export const useRealtime = (): Realtime => useContext(RealtimeContext);

/**
 * Opens the live connection while someone is signed in and passes on what it says about the session: ended
 * (logout elsewhere, revocation, expiry), rights changed, idle deadline moved.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { state, refresh, heard } = useSession();
  const [realtime, setRealtime] = useState<Realtime>({ socket: null, status: 'offline' });
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
    const status = (s: RealtimeStatus) => setRealtime({ socket, status: s });
    status('connecting');
    socket.on('connect', () => status('connected'));
    socket.on('disconnect', () => status('offline'));
    // A refused handshake may mean the session ended before the socket was up: ask the server.
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      status('offline');
      if (err.data?.code === 'unauthenticated') void refresh();
      // A gateway that is still starting refuses the handshake ("unavailable"); Socket.IO does not retry a refused
      // handshake by itself, so try again shortly.
      else if (!socket.active) retry = window.setTimeout(() => socket.connect(), 2000);
    });
    socket.on('session:ended', ({ message }) => heard.ended(message));
    socket.on('session:changed', ({ user }) => heard.changed(user));
    socket.on('session:expiring', ({ idleExpiresAt }) => heard.idle(idleExpiresAt));
    socket.on('mode:changed', (m) => heard.mode(m.mode));
    return () => {
      window.clearTimeout(retry);
      socket.disconnect();
      setRealtime({ socket: null, status: 'offline' });
    };
  }, [signedInAs, refresh, heard]);

  return <RealtimeContext.Provider value={realtime}>{children}</RealtimeContext.Provider>;
}
