import { useCallback, useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import { ROLE_IDS, type RoleId } from '../../../contracts/identity';
import type {
  Camera,
  ConferenceClientEvent,
  ConferenceMember,
  ConferenceRecording,
  ConferenceSummary,
} from '../../../contracts/media';
import { messageOf } from '../api/http';
import { ask, type RequestArgs } from '../api/socket';
import { useSession, useSignedIn } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { useRealtime } from '../shell/realtime';
import { videoApi } from '../video/api';
import { conferenceApi } from './api';
import { ConferenceClient, type Snapshot } from './conference-client';
import { RemoteAudio, Tile } from './Tile';
import '../identity/identity.css';
import './conference.css';

const ROLE_LABELS: Record<string, string> = {
  commander: '指挥员',
  dispatcher: '受理员/派遣员',
  inspector: '监督员',
  handler: '处置部门',
  leader: '领导',
  planner: '规划',
};
const INVITABLE = ROLE_IDS.filter((r) => r in ROLE_LABELS);

function useSnapshot(client: ConferenceClient | null): Snapshot | null {
  const subscribe = useCallback((fn: () => void) => client?.subscribe(fn) ?? (() => undefined), [client]);
  return useSyncExternalStore(subscribe, () => client?.snapshot ?? null);
}

/**
 * 视频会商 (`#conference`): the conferences the user is invited to, creating one (leaders and commanders, naming
 * co-hosts), joining with camera and microphone, a tile per participant with the active speaker highlighted, the
 * participant's own controls (raising a hand when a moderator muted it), the moderators' (the convener and named
 * co-hosts: admit from the lobby, mute one or all, let speak, remove, lock, inject a camera, record; the convener
 * also names co-hosts), and the recordings with a player. What the server allows decides what is shown.
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
  const [list, setList] = useState<ConferenceSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [recordings, setRecordings] = useState<ConferenceRecording[]>([]);
  const [playing, setPlaying] = useState<string | null>(null);
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
  const inRoom = snap && snap.phase !== 'idle' && snap.phase !== 'removed';
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
          <h3>我的会商</h3>
          <ul className="conf-list" data-testid="conference-list">
            {list.map((c) => (
              <li key={c.id} data-testid="conference-item" data-conference-id={c.id} data-title={c.title}>
                <div className="conf-list-title">
                  {c.title}
                  {c.locked && <span className="conf-badge">已锁定</span>}
                </div>
                <div className="conf-list-meta">
                  主持：{c.hostName} · {c.participants} 人在会
                </div>
                <button
                  type="button"
                  data-testid="join-conference"
                  disabled={Boolean(inRoom)}
                  onClick={() => client && void client.join(c.id).then(refresh)}
                >
                  加入
                </button>
              </li>
            ))}
            {list.length === 0 && <li className="conf-empty">暂无受邀的会商</li>}
          </ul>
          {can('conference.recording') && (
            <>
              <h3>会商录像</h3>
              {playing && (
                <video
                  className="conf-player"
                  data-testid="recording-player"
                  src={conferenceApi.recordingUrl(playing)}
                  controls
                  autoPlay
                  muted
                />
              )}
              <ul className="conf-list" data-testid="recording-list">
                {recordings.slice(0, 20).map((r) => (
                  <li key={r.name} data-testid="recording-item" data-name={r.name}>
                    <div className="conf-list-title">{r.title}</div>
                    <div className="conf-list-meta">
                      {new Date(r.startedAt).toLocaleString('zh-CN')} · {(r.bytes / 1024).toFixed(0)} KB
                    </div>
                    <button type="button" data-testid="play-recording" onClick={() => setPlaying(r.name)}>
                      回放
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
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

function CreateForm({ onCreate }: { onCreate(body: RequestArgs<'conference:create'>[0]): Promise<unknown> }) {
  const [title, setTitle] = useState('');
  const [users, setUsers] = useState('');
  const [coHosts, setCoHosts] = useState('');
  const [roles, setRoles] = useState<RoleId[]>([]);
  const [autoAdmit, setAutoAdmit] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const names = (text: string) =>
      text
        .split(/[,，\s]+/)
        .map((u) => u.trim())
        .filter(Boolean);
    void onCreate({ title, inviteUsers: names(users), coHosts: names(coHosts), inviteRoles: roles, autoAdmit }).then(
      () => {
        setTitle('');
        setUsers('');
        setCoHosts('');
        setRoles([]);
        setAutoAdmit(false);
      },
      () => undefined,
    );
  };
  return (
    <form className="conf-create" onSubmit={submit} data-testid="create-conference">
      <h3>发起会商</h3>
      <input data-testid="conf-title" placeholder="会商主题" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <input
        data-testid="conf-users"
        placeholder="邀请用户（用户名，逗号分隔）"
        value={users}
        onChange={(e) => setUsers(e.target.value)}
      />
      <input
        data-testid="conf-cohosts"
        placeholder="联合主持人（用户名，逗号分隔）"
        title="联合主持人与您一同主持会商：准入、静音、移出、锁定"
        value={coHosts}
        onChange={(e) => setCoHosts(e.target.value)}
      />
      <div className="conf-roles">
        {INVITABLE.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              data-testid={`conf-role-${r}`}
              checked={roles.includes(r)}
              onChange={(e) => setRoles((x) => (e.target.checked ? [...x, r] : x.filter((y) => y !== r)))}
            />
            {ROLE_LABELS[r]}
          </label>
        ))}
      </div>
      <label>
        <input type="checkbox" checked={autoAdmit} onChange={(e) => setAutoAdmit(e.target.checked)} />
        受邀者无需等候、直接入会
      </label>
      <button type="submit" data-testid="conf-create-submit">
        发起
      </button>
    </form>
  );
}

interface RoomProps {
  snap: Snapshot;
  client: ConferenceClient;
  moderator: boolean;
  cameras: Camera[];
  userName: string;
  onError(message: string): void;
  /** A moderator action went through: the lists beside the room are read again. */
  onChanged(): void;
}

function Room({ snap, client, moderator, cameras, userName, onError, onChanged }: RoomProps) {
  const state = snap.state;
  const [camera, setCamera] = useState('');
  const fail = (err: unknown) => onError(messageOf(err));
  const emit = <E extends ConferenceClientEvent>(event: E, ...args: RequestArgs<E>) =>
    ask(client.socket, event, ...args).then(onChanged, fail);
  if (!state) return null;
  const paused = new Map(state.producers.map((p) => [p.producerId, p.paused]));
  const micOf = (peerId: string) => state.producers.find((p) => p.peerId === peerId && p.source === 'mic');
  // Participants' cameras in the order they joined, then shared screens, then injected cameras.
  const rank = { camera: 0, screen: 1, inject: 2, mic: 3 } as const;
  const joinOrder = (peerId: string) => {
    const i = state.members.findIndex((m) => m.peerId === peerId);
    return i < 0 ? state.members.length : i;
  };
  const videos = snap.remote
    .filter((r) => r.kind === 'video')
    .sort((a, b) => rank[a.source] - rank[b.source] || joinOrder(a.peerId) - joinOrder(b.peerId));
  const audios = snap.remote.filter((r) => r.kind === 'audio');
  const memberName = (peerId: string) =>
    state.members.find((m) => m.peerId === peerId)?.displayName ??
    state.producers.find((p) => p.peerId === peerId)?.label ??
    peerId;
  const myMic = micOf(snap.peerId ?? '');
  const me = state.members.find((m) => m.peerId === snap.peerId);
  const hardMuted = me?.mutedByModerator ?? false;
  const member = (peerId: string) => state.members.find((m) => m.peerId === peerId);
  // Videos this user may not receive (a camera it may not view): a notice in their place.
  const refused = state.producers.filter((p) => p.kind === 'video' && snap.refused[p.producerId]);
  // The convener acts on everyone but themselves; a co-host on participants who do not moderate.
  const mayTarget = (m: ConferenceMember) => !m.convener && (me?.convener === true || !m.moderator);
  return (
    <div
      className="conf-room-inner"
      data-testid="conference-room"
      data-conference-id={state.id}
      data-phase={snap.phase}
      data-rejoins={snap.rejoins}
    >
      <div className="conf-room-head">
        <h2>{state.title}</h2>
        {state.locked && <span className="conf-badge">已锁定</span>}
        {state.recording && (
          <span className="conf-badge recording" data-testid="recording-badge">
            ● 录制中
          </span>
        )}
        {snap.phase === 'reconnecting' && <span className="conf-badge">正在恢复</span>}
      </div>
      <div className="conf-grid" data-testid="conf-grid">
        <Tile
          peerId={snap.peerId ?? 'self'}
          label={`${userName}（我）`}
          video={snap.cameraOn ? snap.local.camera : null}
          consumer={null}
          self
          source="camera"
          muted={!snap.micOn || (myMic?.paused ?? false)}
          mutedByModerator={hardMuted}
          cameraOff={!snap.cameraOn}
          speaking={state.activeSpeaker !== null && snap.speaker === snap.peerId}
        />
        {videos.map((r) => (
          <Tile
            key={r.producerId}
            peerId={r.peerId}
            label={r.source === 'screen' ? `${memberName(r.peerId)}（屏幕共享）` : memberName(r.peerId)}
            video={r.track}
            consumer={r.consumer}
            source={r.source}
            muted={r.source === 'camera' && (micOf(r.peerId)?.paused ?? false)}
            mutedByModerator={member(r.peerId)?.mutedByModerator ?? false}
            cameraOff={paused.get(r.producerId) ?? false}
            speaking={snap.speaker === r.peerId && r.source === 'camera'}
          />
        ))}
        {refused.map((p) => (
          <Tile
            key={p.producerId}
            peerId={p.peerId}
            label={p.label}
            video={null}
            consumer={null}
            source={p.source}
            muted={false}
            cameraOff={false}
            speaking={false}
            notice={snap.refused[p.producerId]}
          />
        ))}
      </div>
      {hardMuted && (
        <div className="conf-hard-muted" data-testid="muted-by-moderator">
          主持人已将您静音{me?.handRaised ? '，已举手，等待主持人允许发言' : '，如需发言请举手'}
        </div>
      )}
      {audios.map((a) => (
        <RemoteAudio key={a.producerId} track={a.track} />
      ))}
      <div className="conf-controls" data-testid="conf-controls">
        <button
          type="button"
          data-testid="toggle-mic"
          disabled={hardMuted}
          title={hardMuted ? '主持人已将您静音，主持人允许发言后才能取消静音' : undefined}
          onClick={() => void client.toggleMic().catch(fail)}
        >
          {hardMuted ? '主持人已静音' : snap.micOn ? '静音' : '取消静音'}
        </button>
        {hardMuted && (
          <button type="button" data-testid="raise-hand" onClick={() => void client.raiseHand(!me?.handRaised).catch(fail)}>
            {me?.handRaised ? '放下手' : '举手发言'}
          </button>
        )}
        <button type="button" data-testid="toggle-camera" onClick={() => void client.toggleCamera().catch(fail)}>
          {snap.cameraOn ? '关闭摄像头' : '打开摄像头'}
        </button>
        <button type="button" data-testid="toggle-screen" onClick={() => void client.toggleScreen().catch(fail)}>
          {snap.local.screen ? '停止共享' : '共享屏幕'}
        </button>
        <button type="button" className="danger" data-testid="leave" onClick={() => void client.leave().then(onChanged)}>
          退出会商
        </button>
      </div>
      {moderator && (
        <div className="conf-moderator" data-testid="moderator-panel">
          <h3>主持人控制</h3>
          <div className="conf-controls">
            <button type="button" data-testid="mute-all" onClick={() => void emit('conference:mute', {})}>
              全体静音
            </button>
            <button type="button" data-testid="lock" onClick={() => void emit('conference:lock', { locked: !state.locked })}>
              {state.locked ? '解除锁定' : '锁定会商'}
            </button>
            <button
              type="button"
              data-testid="record"
              onClick={() => void emit('conference:record', { recording: !state.recording })}
            >
              {state.recording ? '停止录制' : '开始录制'}
            </button>
            <select data-testid="inject-camera" value={camera} onChange={(e) => setCamera(e.target.value)}>
              <option value="">选择摄像机…</option>
              {cameras.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              data-testid="inject"
              disabled={!camera}
              onClick={() => void emit('conference:inject', { cameraId: camera, on: true })}
            >
              接入摄像机
            </button>
          </div>
          {state.lobby.length > 0 && (
            <ul className="conf-people" data-testid="lobby-list">
              {state.lobby.map((m) => (
                <li key={m.peerId} data-testid="lobby-item" data-peer-id={m.peerId}>
                  {m.displayName}（{m.roleName}）等候中
                  <button type="button" data-testid="admit" onClick={() => void emit('conference:admit', { peerId: m.peerId })}>
                    准入
                  </button>
                </li>
              ))}
            </ul>
          )}
          <ul className="conf-people" data-testid="member-list">
            {state.members
              .filter((m) => m.peerId !== snap.peerId)
              .map((m) => (
                <li key={m.peerId} data-testid="member-item" data-peer-id={m.peerId} data-name={m.displayName}>
                  {m.displayName}（{m.roleName}）{m.convener && <span className="conf-badge">发起人</span>}
                  {m.cohost && <span className="conf-badge">联合主持人</span>}
                  {m.mutedByModerator && <span className="conf-badge muted">主持人已静音</span>}
                  {m.handRaised && (
                    <span className="conf-badge hand" data-testid="hand-raised">
                      举手
                    </span>
                  )}
                  {mayTarget(m) && !m.mutedByModerator && (
                    <button
                      type="button"
                      data-testid="mute-one"
                      onClick={() => void emit('conference:mute', { peerId: m.peerId })}
                    >
                      静音
                    </button>
                  )}
                  {mayTarget(m) && m.mutedByModerator && (
                    <button
                      type="button"
                      data-testid="allow-speak"
                      onClick={() => void emit('conference:unmute', { peerId: m.peerId })}
                    >
                      允许发言
                    </button>
                  )}
                  {mayTarget(m) && (
                    <button
                      type="button"
                      data-testid="remove"
                      onClick={() => void emit('conference:remove', { peerId: m.peerId })}
                    >
                      移出
                    </button>
                  )}
                  {me?.convener && !m.convener && (
                    <button
                      type="button"
                      data-testid="cohost"
                      onClick={() => void emit('conference:cohost', { peerId: m.peerId, cohost: !m.cohost })}
                    >
                      {m.cohost ? '取消联合主持' : '设为联合主持'}
                    </button>
                  )}
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  );
}
