import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { Camera, ConferenceRecording, ConferenceSummary } from '../../../contracts/media';
import { messageOf } from '../api/http';
import { ask } from '../api/socket';
import { useSession, useSignedIn } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { useRealtime } from '../shell/realtime';
import { hashOf, hashOfItem, itemOfHash } from '../shell/routes';
import { videoApi } from '../video/api';
import { conferenceApi } from './api';
import { ConferenceClient, type Snapshot } from './conference-client';
import { ConferenceList, RecordingList } from './ConferenceSide';
import { CreateForm } from './CreateForm';
import { Room } from './Room';
import '../identity/identity.css';
import './conference.css';

function useSnapshot(client: ConferenceClient | null): Snapshot | null {
  const subscribe = useCallback((fn: () => void) => client?.subscribe(fn) ?? (() => undefined), [client]);
  return useSyncExternalStore(subscribe, () => client?.snapshot ?? null);
}

/** The conference a deep link (`#conference/<id>`) names, following hash changes. */
function useLinkedConference(): string | null {
  const [id, setId] = useState(() => itemOfHash(window.location.hash));
  useEffect(() => {
    const sync = () => setId(itemOfHash(window.location.hash));
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return id;
}

/** Puts the conference the user is in into the address (`#conference/<id>`), or the page alone. */
function linkTo(conferenceId: string | null): void {
  const hash = conferenceId ? hashOfItem('conference', conferenceId) : hashOf('conference');
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}

/**
 * 视频会商 (`#conference`, `#conference/<id>` joins that one at once): the conferences the user is invited to, the
 * standing conference of the mode (常设会商) marked so, creating one (leaders and commanders, naming co-hosts),
 * joining with camera and microphone (Room.tsx: the tiles filling the screen, the participant list with microphone
 * states and raised hands, the control bar, the moderators' controls), and the recordings with a player. What the
 * server allows decides what is shown.
 */
export function ConferencePage() {
  const { can } = useSession();
  const { socket } = useRealtime();
  const { user } = useSignedIn();
  const [client, setClient] = useState<ConferenceClient | null>(null);
  useEffect(() => {
    if (!socket) return;
    const c = new ConferenceClient(socket);
    setClient(c);
    return () => {
      c.dispose();
      setClient(null);
    };
  }, [socket]);
  const snap = useSnapshot(client);
  const [list, setList] = useState<ConferenceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [recordings, setRecordings] = useState<ConferenceRecording[]>([]);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const host = can('conference.host');

  const refresh = useCallback(() => {
    if (!socket) return;
    ask(socket, 'conference:list', {}).then(setList, (err: unknown) => setError(messageOf(err)));
    if (can('conference.recording'))
      conferenceApi.recordings().then(
        (r) => setRecordings(r.recordings),
        () => undefined,
      );
  }, [socket, can]);
  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, 5000);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useEffect(() => {
    if (host && can('camera.list'))
      videoApi.cameras().then(
        (c) => setCameras(c.cameras),
        () => undefined,
      );
  }, [host, can]);

  const act = (p: Promise<unknown>) =>
    p.then(refresh, (err: unknown) => {
      setError(messageOf(err));
      throw err;
    });
  const moderator = snap?.state?.members.find((m) => m.peerId === snap.peerId)?.moderator ?? false;
  const inRoom = snap && snap.phase !== 'idle' && snap.phase !== 'removed' && snap.phase !== 'ended';
  const join = useCallback(
    (conferenceId: string) => {
      if (!client) return;
      linkTo(conferenceId);
      void client.join(conferenceId).then(refresh);
    },
    [client, refresh],
  );

  // A deep link joins its conference once the list is read: at once when the user is invited, else it says why not.
  const linked = useLinkedConference();
  const followed = useRef<string | null>(null);
  useEffect(() => {
    if (!linked || !client || list === null || inRoom || followed.current === linked) return;
    followed.current = linked;
    if (list.some((c) => c.id === linked)) join(linked);
    else setError('该会商已结束，或您未受邀参加');
  }, [linked, client, list, inRoom, join]);
  // Out of the room again (left, removed, ended): the address is the page's own.
  const wasInRoom = useRef(false);
  useEffect(() => {
    if (wasInRoom.current && !inRoom) linkTo(null);
    wasInRoom.current = Boolean(inRoom);
  }, [inRoom]);
  return (
    <div className="app conf-app" data-testid="conference-page" data-ready={String(socket !== null)}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">视频会商</span>
        <UserMenu current="conference" />
      </header>
      <main className="conf-main">
        <aside className="conf-side">
          {host && socket && <CreateForm onCreate={(body) => act(ask(socket, 'conference:create', body))} />}
          <ConferenceList list={list} inRoom={Boolean(inRoom)} onJoin={join} />
          {can('conference.recording') && <RecordingList recordings={recordings} />}
        </aside>
        <section className="conf-room">
          {error && (
            <div className="notice" onClick={() => setError(null)}>
              {error}
            </div>
          )}
          {snap?.message && (
            <div className="notice" data-testid="conference-message">
              {snap.message}
            </div>
          )}
          {!inRoom && <div className="conf-empty">选择左侧的会商加入，或发起新的会商</div>}
          {snap?.phase === 'lobby' && (
            <div className="conf-lobby-wait" data-testid="lobby-wait">
              正在等候室等待主持人准入……
            </div>
          )}
          {inRoom && snap.phase !== 'lobby' && client && (
            <Room
              snap={snap}
              client={client}
              moderator={moderator}
              cameras={cameras}
              userName={user.displayName}
              onError={setError}
              onChanged={refresh}
            />
          )}
        </section>
      </main>
    </div>
  );
}
