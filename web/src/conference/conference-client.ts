import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/types';
import type { ConferenceSource, ConferenceState } from '../../../contracts/media';
import { ApiError } from '../api/http';
import { ask, type RealtimeSocket } from '../api/socket';

export type Phase = 'idle' | 'joining' | 'lobby' | 'in' | 'reconnecting' | 'removed' | 'ended' | 'error';

export interface RemoteMedia {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: ConferenceSource;
  track: MediaStreamTrack;
  consumer: Consumer;
}

export interface Snapshot {
  phase: Phase;
  conferenceId: string | null;
  peerId: string | null;
  state: ConferenceState | null;
  speaker: string | null;
  remote: RemoteMedia[];
  local: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null; screen: MediaStreamTrack | null };
  micOn: boolean;
  cameraOn: boolean;
  /** Producers this client may not receive (a camera it may not view), with the notice shown in their place. */
  refused: Record<string, string>;
  message: string | null;
  /** How many times the room was re-entered after its worker died. */
  rejoins: number;
}

const NOT_VIEWABLE = '无权查看该摄像机画面';
const MUTED_BY_MODERATOR = '主持人已将您静音，请举手申请发言';

const EMPTY: Snapshot = {
  phase: 'idle',
  conferenceId: null,
  peerId: null,
  state: null,
  speaker: null,
  remote: [],
  local: { mic: null, camera: null, screen: null },
  micOn: true,
  cameraOn: true,
  refused: {},
  message: null,
  rejoins: 0,
};

/**
 * The browser side of a conference over the session's socket: join (waiting in the lobby when the moderator has to
 * admit), a send and a receive transport, the microphone and camera produced (and the screen when shared), every other
 * producer of the room consumed as the room state lists it. When the room's worker dies the client joins again with
 * the same local tracks.
 */
export class ConferenceClient {
  private snap: Snapshot = EMPTY;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private device: Device | null = null;
  private send: Transport | null = null;
  private recv: Transport | null = null;
  private producers: Partial<Record<'mic' | 'camera' | 'screen', Producer>> = {};
  private readonly consuming = new Set<string>();
  private syncing = Promise.resolve();
  private readonly off: (() => void)[] = [];

  constructor(readonly socket: RealtimeSocket) {
    const on = <E extends string>(event: E, fn: (arg: never) => void) => {
      (socket.on as (e: string, f: (a: never) => void) => void)(event, fn);
      this.off.push(() => (socket.off as (e: string, f: (a: never) => void) => void)(event, fn));
    };
    on('conference:state', (state: ConferenceState) => {
      if (state.id !== this.snap.conferenceId) return;
      this.set({ state, speaker: this.snap.speaker ?? state.activeSpeaker });
      if (this.snap.phase === 'in') this.queueSync();
    });
    on('conference:speaker', (info: { conferenceId: string; peerId: string | null }) => {
      if (info.conferenceId === this.snap.conferenceId) this.set({ speaker: info.peerId });
    });
    on('conference:admitted', (info: { conferenceId: string }) => {
      if (info.conferenceId === this.snap.conferenceId) void this.enter(info.conferenceId);
    });
    on('conference:removed', (info: { conferenceId: string; reason: string }) => {
      if (info.conferenceId !== this.snap.conferenceId) return;
      this.teardown(true);
      this.set({ ...EMPTY, phase: 'removed', message: info.reason });
    });
    // The conference ended for everyone (a standing conference when its mode ends).
    on('conference:ended', (info: { conferenceId: string; reason: string }) => {
      if (info.conferenceId !== this.snap.conferenceId) return;
      this.teardown(true);
      this.set({ ...EMPTY, phase: 'ended', message: info.reason });
    });
    // The server lets a socket that disconnects leave its conference: on the new connection the client enters again
    // (someone admitted once is let in without waiting).
    on('disconnect', () => {
      if (this.snap.phase !== 'in' && this.snap.phase !== 'lobby') return;
      this.teardown(false);
      this.set({ phase: 'reconnecting', message: '实时连接中断，正在重新加入会商', remote: [] });
    });
    on('connect', () => {
      if (this.snap.phase === 'reconnecting' && this.snap.conferenceId) void this.enter(this.snap.conferenceId);
    });
    on('conference:reconnect', (info: { conferenceId: string; reason: string }) => {
      if (info.conferenceId !== this.snap.conferenceId) return;
      this.teardown(false);
      this.set({ phase: 'reconnecting', message: info.reason, remote: [], rejoins: this.snap.rejoins + 1 });
      void this.enter(info.conferenceId);
    });
  }

  get snapshot(): Snapshot {
    return this.snap;
  }

  subscribe(fn: (s: Snapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<Snapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(this.snap);
  }

  /** Joins a conference with the camera and microphone. */
  async join(conferenceId: string): Promise<void> {
    this.set({ ...EMPTY, phase: 'joining', conferenceId });
    try {
      const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      this.set({ local: { mic: media.getAudioTracks()[0] ?? null, camera: media.getVideoTracks()[0] ?? null, screen: null } });
    } catch (err) {
      this.set({ message: `无法打开摄像头或麦克风：${err instanceof Error ? err.message : String(err)}` });
    }
    await this.enter(conferenceId);
  }

  private async enter(conferenceId: string, attempt = 0): Promise<void> {
    const rejoining = this.snap.phase === 'reconnecting';
    try {
      const joined = await ask(this.socket, 'conference:join', { conferenceId });
      if (joined.status === 'lobby') {
        this.set({ phase: 'lobby', peerId: joined.peerId });
        return;
      }
      this.set({ peerId: joined.peerId, state: joined.state, speaker: joined.state.activeSpeaker });
      if (!this.device) {
        const device = new Device();
        await device.load({ routerRtpCapabilities: joined.rtpCapabilities });
        this.device = device;
      }
      this.send = await this.transport('send');
      this.recv = await this.transport('recv');
      const { mic, camera, screen } = this.snap.local;
      if (mic) await this.produce('mic', mic, !this.snap.micOn);
      if (camera) await this.produce('camera', camera, !this.snap.cameraOn);
      if (screen) await this.produce('screen', screen, false);
      this.set({ phase: 'in', message: null });
      this.queueSync();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // While the room comes back on another worker (or the connection returns) a refusal is tried again shortly.
      const transient = err instanceof ApiError && ['unavailable', 'conflict'].includes(err.code);
      if (rejoining && transient && attempt < 10 && this.snap.conferenceId === conferenceId) {
        this.teardown(false);
        this.set({ phase: 'reconnecting', message, remote: [] });
        window.setTimeout(() => void this.enter(conferenceId, attempt + 1), 1000);
        return;
      }
      this.set({ phase: 'error', message });
    }
  }

  private async transport(direction: 'send' | 'recv'): Promise<Transport> {
    const device = this.device!;
    const info = await ask(this.socket, 'conference:transport:create', { direction });
    const params = {
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates,
      dtlsParameters: info.dtlsParameters,
    };
    const t = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    t.on('connect', ({ dtlsParameters }, done, fail) => {
      ask(this.socket, 'conference:transport:connect', { transportId: t.id, dtlsParameters }).then(() => done(), fail);
    });
    if (direction === 'send') {
      t.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        // `produce` below sets the source; mediasoup-client types appData as open.
        const source = appData.source;
        if (source !== 'mic' && source !== 'camera' && source !== 'screen')
          return fail(new Error(`未知的媒体来源：${String(source)}`));
        ask(this.socket, 'conference:produce', { transportId: t.id, kind, rtpParameters, source }).then(
          ({ producerId }) => done({ id: producerId }),
          fail,
        );
      });
    }
    return t;
  }

  private async produce(source: 'mic' | 'camera' | 'screen', track: MediaStreamTrack, paused: boolean): Promise<void> {
    if (!this.send) return;
    const producer = await this.send.produce({ track, appData: { source }, stopTracks: false });
    this.producers[source] = producer;
    if (paused) await this.pauseOwn(producer, true);
  }

  private async pauseOwn(producer: Producer, paused: boolean): Promise<void> {
    if (paused) producer.pause();
    else producer.resume();
    await ask(this.socket, 'conference:producer:pause', { producerId: producer.id, paused });
  }

  private queueSync(): void {
    this.syncing = this.syncing.then(() => this.sync()).catch(() => undefined);
  }

  /** Consumes the producers the room lists that this client does not receive yet; drops the ones that went away. */
  private async sync(): Promise<void> {
    const state = this.snap.state;
    if (!state || !this.recv || !this.device || this.snap.phase !== 'in') return;
    const listed = new Set(state.producers.map((p) => p.producerId));
    const kept = this.snap.remote.filter((r) => {
      if (listed.has(r.producerId)) return true;
      r.consumer.close();
      this.consuming.delete(r.producerId);
      return false;
    });
    if (kept.length !== this.snap.remote.length) this.set({ remote: kept });
    const refused = Object.fromEntries(Object.entries(this.snap.refused).filter(([id]) => listed.has(id)));
    for (const p of state.producers) if (!p.viewable) refused[p.producerId] ??= NOT_VIEWABLE;
    this.set({ refused });
    // Moderator muted my microphone: reflect it locally.
    const mine = state.producers.find((p) => p.producerId === this.producers.mic?.id);
    if (mine && mine.paused && this.snap.micOn) {
      this.producers.mic?.pause();
      this.set({ micOn: false });
    }
    for (const p of state.producers) {
      if (p.peerId === this.snap.peerId || this.consuming.has(p.producerId) || this.snap.refused[p.producerId]) continue;
      this.consuming.add(p.producerId);
      try {
        const c = await ask(this.socket, 'conference:consume', {
          producerId: p.producerId,
          rtpCapabilities: this.device.rtpCapabilities,
        });
        const consumer = await this.recv.consume({
          id: c.consumerId,
          producerId: c.producerId,
          kind: c.kind,
          rtpParameters: c.rtpParameters,
        });
        await ask(this.socket, 'conference:consumer:resume', { consumerId: c.consumerId });
        this.set({
          remote: [
            ...this.snap.remote,
            { producerId: p.producerId, peerId: p.peerId, kind: p.kind, source: p.source, track: consumer.track, consumer },
          ],
        });
      } catch (err) {
        this.consuming.delete(p.producerId);
        // A refusal (a camera this user may not view) is shown in place of the video and not asked for again.
        if (err instanceof ApiError && err.code === 'forbidden') {
          this.set({ refused: { ...this.snap.refused, [p.producerId]: err.message } });
        }
      }
    }
  }

  /** Whether a moderator muted this participant (only a moderator lifts it). */
  get mutedByModerator(): boolean {
    return this.snap.state?.members.find((m) => m.peerId === this.snap.peerId)?.mutedByModerator ?? false;
  }

  async toggleMic(): Promise<void> {
    const on = !this.snap.micOn;
    if (on && this.mutedByModerator) throw new ApiError(0, 'forbidden', MUTED_BY_MODERATOR);
    this.set({ micOn: on });
    const mic = this.producers.mic;
    if (!mic) return;
    try {
      await this.pauseOwn(mic, !on);
    } catch (err) {
      // The server keeps it muted: so does this page.
      mic.pause();
      this.set({ micOn: false });
      throw err;
    }
  }

  /** Raises or lowers the hand to ask the moderator to speak. */
  async raiseHand(raised: boolean): Promise<void> {
    await ask(this.socket, 'conference:hand', { raised });
  }

  async toggleCamera(): Promise<void> {
    const on = !this.snap.cameraOn;
    this.set({ cameraOn: on });
    if (this.producers.camera) await this.pauseOwn(this.producers.camera, !on);
  }

  async toggleScreen(): Promise<void> {
    const current = this.producers.screen;
    if (current) {
      await ask(this.socket, 'conference:producer:close', { producerId: current.id }).catch(() => undefined);
      current.close();
      delete this.producers.screen;
      this.snap.local.screen?.stop();
      this.set({ local: { ...this.snap.local, screen: null } });
      return;
    }
    const media = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = media.getVideoTracks()[0];
    if (!track) return;
    track.addEventListener('ended', () => this.producers.screen && void this.toggleScreen());
    this.set({ local: { ...this.snap.local, screen: track } });
    await this.produce('screen', track, false);
  }

  private teardown(stopTracks: boolean): void {
    this.send?.close();
    this.recv?.close();
    this.send = null;
    this.recv = null;
    this.producers = {};
    this.consuming.clear();
    for (const r of this.snap.remote) r.consumer.close();
    if (stopTracks) {
      const { mic, camera, screen } = this.snap.local;
      for (const t of [mic, camera, screen]) t?.stop();
    }
  }

  async leave(): Promise<void> {
    this.teardown(true);
    this.set({ ...EMPTY });
    await ask(this.socket, 'conference:leave', {}).catch(() => undefined);
  }

  dispose(): void {
    if (this.snap.conferenceId) void this.leave();
    for (const f of this.off) f();
  }
}
