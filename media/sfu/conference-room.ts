import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { ConferenceSource } from '../../contracts/media';
import type { CameraRecord } from '../cameras/store';
import { FfmpegProcess, simulatedCameraArgs } from '../ingest/ffmpeg';
import { RoomRecorder } from '../recording/recorder';
import { MEDIA_CODECS, cameraRtpParameters } from './codecs';
import { MediaError } from './errors';
import type { PoolWorker } from './pool';
import { Room, type TransportListen } from './room';

/** What one participant holds on the room's router. */
interface PeerMedia {
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

export interface RoomProducer {
  producer: types.Producer;
  /** The participant, or `camera:<id>` for an injected camera. */
  peerId: string;
  source: ConferenceSource;
  label: string;
  /**
   * The camera whose video this is (an injected camera), null for a participant's own media: camera media reach
   * only those who may view that camera.
   */
  camera: CameraRecord | null;
}

interface Injected {
  camera: CameraRecord;
  transport: types.PlainTransport;
  producer: types.Producer;
  ffmpeg: FfmpegProcess | null;
}

export interface ConferenceRoomHooks {
  log: Logger;
  /** The dominant speaker changed (a participant's peer id). */
  onSpeaker: (peerId: string | null) => void;
  /** A producer went away by itself (its transport closed, an injected camera's ffmpeg ended). */
  onProducersChanged: () => void;
}

/**
 * A conference's media on one router: per participant a send and a receive WebRTC transport with their producers
 * and consumers, an ActiveSpeakerObserver over the microphones, cameras injected by the moderator (a second ingest of
 * the simulated camera straight into this router, so the camera wall's rooms are not involved) and the recorder.
 */
export class ConferenceRoom extends Room {
  readonly kind = 'conference' as const;
  private readonly peers = new Map<string, PeerMedia>();
  private readonly producerList = new Map<string, RoomProducer>();
  private readonly injected = new Map<string, Injected>();
  private recorder: RoomRecorder | null = null;

  private constructor(
    id: string,
    slot: PoolWorker,
    router: types.Router,
    private readonly speaker: types.ActiveSpeakerObserver,
    private readonly hooks: ConferenceRoomHooks,
  ) {
    super(id, slot, router);
  }

  static async open(id: string, slot: PoolWorker, hooks: ConferenceRoomHooks): Promise<ConferenceRoom> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    try {
      const speaker = await router.createActiveSpeakerObserver({ interval: 300 });
      const room = new ConferenceRoom(id, slot, router, speaker, hooks);
      // The router closes with its worker (death, shutdown): the recorder and injected cameras end with it.
      router.observer.once('close', () => void room.close());
      speaker.on('dominantspeaker', ({ producer }) => {
        hooks.onSpeaker(room.producerList.get(producer.id)?.peerId ?? null);
      });
      return room;
    } catch (err) {
      router.close();
      throw err;
    }
  }

  get producers(): RoomProducer[] {
    return [...this.producerList.values()];
  }

  get recording(): RoomRecorder | null {
    return this.recorder;
  }

  private peer(peerId: string): PeerMedia {
    let p = this.peers.get(peerId);
    if (!p) {
      p = { transports: new Map(), producers: new Map(), consumers: new Map() };
      this.peers.set(peerId, p);
    }
    return p;
  }

  private transport(peerId: string, transportId: string): types.WebRtcTransport {
    const t = this.peers.get(peerId)?.transports.get(transportId);
    if (!t || t.closed) throw new MediaError('not_found', `没有这个传输通道（${transportId}）`);
    return t;
  }

  async createTransport(peerId: string, listen: TransportListen, direction: 'send' | 'recv'): Promise<types.WebRtcTransport> {
    const p = this.peer(peerId);
    // One send and one receive transport per participant: a new one (the client entered again) replaces the old.
    for (const old of [...p.transports.values()]) {
      if (old.appData.direction !== direction) continue;
      p.transports.delete(old.id);
      old.close();
    }
    const info = { ip: listen.ip, ...(listen.announcedAddress ? { announcedAddress: listen.announcedAddress } : {}) };
    const t = await this.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...info },
        { protocol: 'tcp', ...info },
      ],
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { direction },
    });
    p.transports.set(t.id, t);
    return t;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(peerId, transportId).connect({ dtlsParameters });
  }

  async produce(
    peerId: string,
    transportId: string,
    kind: types.MediaKind,
    rtpParameters: types.RtpParameters,
    source: ConferenceSource,
    label: string,
    paused = false,
  ): Promise<types.Producer> {
    const t = this.transport(peerId, transportId);
    if (t.appData.direction !== 'send') throw new MediaError('bad_request', '该传输通道只用于接收');
    const p = this.peer(peerId);
    const same = [...p.producers.values()].find((x) => this.producerList.get(x.id)?.source === source);
    if (same)
      throw new MediaError('conflict', `已在发送${source === 'screen' ? '屏幕共享' : source === 'mic' ? '音频' : '视频'}`);
    const producer = await t.produce({ kind, rtpParameters, paused, appData: { source } });
    p.producers.set(producer.id, producer);
    this.producerList.set(producer.id, { producer, peerId, source, label, camera: null });
    producer.on('transportclose', () => {
      p.producers.delete(producer.id);
      if (this.producerList.delete(producer.id)) this.hooks.onProducersChanged();
    });
    if (kind === 'audio') await this.speaker.addProducer({ producerId: producer.id }).catch(() => undefined);
    return producer;
  }

  /** A producer of this participant (or, for the moderator, of anyone). */
  producer(producerId: string): RoomProducer {
    const p = this.producerList.get(producerId);
    if (!p) throw new MediaError('not_found', `没有这个媒体流（${producerId}）`);
    return p;
  }

  closeProducer(producerId: string): void {
    const p = this.producer(producerId);
    p.producer.close();
    this.peers.get(p.peerId)?.producers.delete(producerId);
    this.producerList.delete(producerId);
  }

  async consume(peerId: string, producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<types.Consumer> {
    const target = this.producer(producerId);
    if (target.peerId === peerId) throw new MediaError('bad_request', '不能接收自己发送的媒体流');
    const p = this.peer(peerId);
    const recv = [...p.transports.values()].find((t) => t.appData.direction === 'recv' && !t.closed);
    if (!recv) throw new MediaError('conflict', '请先创建接收通道（conference:transport:create direction=recv）');
    if (!this.router.canConsume({ producerId, rtpCapabilities })) {
      throw new MediaError('bad_request', '浏览器不支持该媒体流的编码');
    }
    const consumer = await recv.consume({ producerId, rtpCapabilities, paused: true });
    p.consumers.set(consumer.id, consumer);
    const forget = () => p.consumers.delete(consumer.id);
    consumer.on('producerclose', forget);
    consumer.on('transportclose', forget);
    return consumer;
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const c = this.peers.get(peerId)?.consumers.get(consumerId);
    if (!c || c.closed) throw new MediaError('not_found', `没有这个接收流（${consumerId}）`);
    await c.resume();
    if (c.kind === 'video') await c.requestKeyFrame().catch(() => undefined);
  }

  /** Closes everything a participant holds (left, removed, disconnected). */
  removePeer(peerId: string): void {
    const p = this.peers.get(peerId);
    if (!p) return;
    this.peers.delete(peerId);
    for (const id of p.producers.keys()) this.producerList.delete(id);
    for (const t of p.transports.values()) if (!t.closed) t.close();
  }

  /** Injects a simulated camera: a PlainTransport on 127.0.0.1 fed by its own ffmpeg, producing into this router. */
  async inject(camera: CameraRecord): Promise<void> {
    if (this.injected.has(camera.id)) throw new MediaError('conflict', `摄像机「${camera.name}」已接入会商`);
    if (camera.source.kind !== 'simulated') {
      throw new MediaError('bad_request', `摄像机「${camera.name}」来自媒体网关（RTP），暂不能接入会商`);
    }
    const transport = await this.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: true,
    });
    try {
      const ssrc = randomInt(1, 2 ** 31);
      const producer = await transport.produce({ kind: 'video', rtpParameters: cameraRtpParameters(camera.codec, ssrc) });
      const rtcpPort = transport.rtcpTuple?.localPort;
      if (rtcpPort === undefined) throw new Error('the ingest transport has no RTCP port');
      const entry: Injected = { camera, transport, producer, ffmpeg: null };
      this.injected.set(camera.id, entry);
      this.producerList.set(producer.id, {
        producer,
        peerId: `camera:${camera.id}`,
        source: 'inject',
        label: camera.name,
        camera,
      });
      entry.ffmpeg = new FfmpegProcess(
        simulatedCameraArgs({
          name: camera.name,
          pattern: camera.source.pattern,
          codec: camera.codec,
          ssrc,
          rtpPort: transport.tuple.localPort,
          rtcpPort,
          startedAtMs: Date.now(),
        }),
        () => {
          if (this.closed || this.injected.get(camera.id) !== entry) return;
          this.hooks.log.warn({ camera: camera.id, conference: this.id }, 'injected camera ingest ended');
          void this.eject(camera.id).then(() => this.hooks.onProducersChanged());
        },
      );
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  async eject(cameraId: string): Promise<boolean> {
    const entry = this.injected.get(cameraId);
    if (!entry) return false;
    this.injected.delete(cameraId);
    this.producerList.delete(entry.producer.id);
    entry.transport.close();
    await entry.ffmpeg?.stop();
    return true;
  }

  get injectedCameras(): CameraRecord[] {
    return [...this.injected.values()].map((i) => i.camera);
  }

  /**
   * Starts recording to `basePath` plus the container's extension: the moderator's camera (or else the first video)
   * and a microphone. Returns the file and the cameras whose video it holds.
   */
  async startRecording(basePath: string, preferPeerId: string): Promise<{ file: string; cameraIds: string[] }> {
    if (this.recorder) throw new MediaError('conflict', '会商已在录制');
    const videos = this.producers.filter((p) => p.producer.kind === 'video' && !p.producer.closed);
    const video =
      videos.find((p) => p.peerId === preferPeerId && p.source === 'camera') ??
      videos.find((p) => p.source === 'camera') ??
      videos[0];
    if (!video) throw new MediaError('conflict', '会商中还没有视频，无法录制');
    const audio =
      this.producers.find((p) => p.source === 'mic' && p.peerId === video.peerId) ??
      this.producers.find((p) => p.source === 'mic');
    this.recorder = await RoomRecorder.start(
      this.router,
      [video.producer, ...(audio ? [audio.producer] : [])],
      basePath,
      this.hooks.log,
    );
    return { file: this.recorder.file, cameraIds: video.camera ? [video.camera.id] : [] };
  }

  async stopRecording(): Promise<string | null> {
    const rec = this.recorder;
    if (!rec) return null;
    this.recorder = null;
    await rec.stop();
    return rec.file;
  }

  /** Kills the processes synchronously (process exit). */
  killNow(): void {
    for (const i of this.injected.values()) i.ffmpeg?.killNow();
    this.recorder?.killNow();
  }

  protected async release(): Promise<void> {
    await this.stopRecording().catch(() => undefined);
    await Promise.all([...this.injected.keys()].map((id) => this.eject(id)));
    for (const id of [...this.peers.keys()]) this.removePeer(id);
  }
}
