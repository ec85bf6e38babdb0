import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, RtpParameters } from 'mediasoup-client/types';
import { z } from 'zod';
import { DEPARTMENT_KINDS, ROLE_IDS } from './identity';
import type { AckFn } from './ack';

/**
 * The video service's wire: cameras (REST) and the signalling of a camera view (视频调阅) over the platform's
 * Socket.IO connection. A view is one camera shown to one client: one receive transport and one consumer on the
 * camera's room, opened only after the policy allowed it.
 */

export const CAMERA_CODECS = ['VP8', 'H264'] as const;
export type CameraCodec = (typeof CAMERA_CODECS)[number];

/** Where a camera's video comes from: a simulated camera (ffmpeg test pattern) or a plain RTP feed of a media gateway. */
export const cameraSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('simulated'), pattern: z.enum(['testsrc2', 'smptehdbars', 'mandelbrot']).default('testsrc2') })
    .strict(),
  z.object({ kind: z.literal('rtp'), note: z.string().max(200).optional() }).strict(),
]);
export type CameraSource = z.infer<typeof cameraSourceSchema>;

const cameraId = z.string().regex(/^[a-z0-9-]{3,40}$/, '摄像头 id 须为 3–40 个字符，只含 a–z、0–9 或 "-"');

/** One camera of `data/cameras.json`. `group` is the camera group of the access policy (`cameras.groups`). */
export const cameraDefSchema = z
  .object({
    id: cameraId,
    name: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[^'"\\:%,;[\]=]+$/, '摄像头名称不能含 \' " \\ : % , ; [ ] ='),
    lon: z.number().min(125).max(131),
    lat: z.number().min(44).max(47),
    /** Viewing direction, degrees clockwise from north. */
    direction: z.number().min(0).lt(360),
    ownerKind: z.enum(DEPARTMENT_KINDS),
    districtAdcode: z.string().regex(/^[0-9]{6}$/),
    group: z.string().regex(/^[a-z0-9_-]+$/),
    codec: z.enum(CAMERA_CODECS).default('VP8'),
    source: cameraSourceSchema,
  })
  .strict();
export type CameraDef = z.infer<typeof cameraDefSchema>;

export const VIDEO_LAYOUTS = [1, 4, 9, 16] as const;
export type VideoLayout = (typeof VIDEO_LAYOUTS)[number];

/** What the video wall opens with in a system mode: a layout and the cameras on its tiles, in order. */
export const videoPresetSchema = z
  .object({
    layout: z.union([z.literal(1), z.literal(4), z.literal(9), z.literal(16)]),
    cameras: z.array(cameraId).max(16),
    /** Seconds per page of the patrol rotation (轮巡), 0 for none. */
    patrolSeconds: z.number().int().min(0).max(3600).default(0),
  })
  .strict();
export type VideoPreset = z.infer<typeof videoPresetSchema>;

export const cameraFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    cameras: z.array(cameraDefSchema).min(1),
    /** By mode id (data/modes.json). */
    presets: z.record(z.string(), videoPresetSchema),
  })
  .strict();
export type CameraFile = z.infer<typeof cameraFileSchema>;

/** A camera as the API lists it (`GET /api/cameras`). */
export const cameraSchema = z.object({
  id: z.string(),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  direction: z.number(),
  ownerKind: z.string(),
  districtAdcode: z.string(),
  districtName: z.string().nullable(),
  group: z.string(),
  codec: z.enum(CAMERA_CODECS),
  sourceKind: z.enum(['simulated', 'rtp']) satisfies z.ZodType<CameraSource['kind']>,
});
export type Camera = z.infer<typeof cameraSchema>;

export const mediaStatusSchema = z.object({
  workers: z.number(),
  /** Set when no worker runs: why not. */
  reason: z.string().optional(),
});
export type MediaStatus = z.infer<typeof mediaStatusSchema>;

/**
 * Whether a camera's video can be had now, as the video service knows it: `live` (its ingest runs and RTP arrives),
 * `standby` (no one watches; the source starts on demand), `offline` (its source failed, sends nothing, or no media
 * worker runs), with the reason in Chinese when not online.
 */
const CAMERA_LINK_STATES = ['live', 'standby', 'offline'] as const;
export const cameraLinkSchema = z.object({
  online: z.boolean(),
  state: z.enum(CAMERA_LINK_STATES),
  reason: z.string().optional(),
  /** When the state last changed to offline (ISO time), for an offline camera whose source failed. */
  since: z.string().optional(),
});
export type CameraLink = z.infer<typeof cameraLinkSchema>;
export const listedCameraSchema = cameraSchema.extend({ link: cameraLinkSchema });
export type ListedCamera = z.infer<typeof listedCameraSchema>;

export const cameraListSchema = z.object({
  cameras: z.array(listedCameraSchema),
  presets: z.record(z.string(), videoPresetSchema),
  /** Whether live video can be served now, and why not. */
  video: mediaStatusSchema,
});
export type CameraList = z.output<typeof cameraListSchema>;

/** `GET /api/cameras/nearest`: the cameras nearest a point, nearest first. */
export const nearestCamerasSchema = z.object({ cameras: z.array(cameraSchema.extend({ distanceM: z.number() })) });
export type NearestCamera = z.infer<typeof nearestCamerasSchema>['cameras'][number];

export const nearestCamerasQuery = z.object({
  lon: z.coerce.number({ error: 'lon 须为数字' }).min(-180).max(180),
  lat: z.coerce.number({ error: 'lat 须为数字' }).min(-90).max(90),
  limit: z.coerce.number().int().min(1).max(50).default(6),
});

// ---- signalling ----

const viewId = z.string().uuid({ error: 'viewId 须为 media:view:open 返回的 id' });
const fingerprint = z.object({ algorithm: z.string().min(1).max(20), value: z.string().min(1).max(200) });

export const mediaJoinSchema = z.object({}).strict().optional();
export const viewOpenSchema = z.object({ cameraId }).strict();
export const viewConnectSchema = z
  .object({
    viewId,
    dtlsParameters: z
      .object({ role: z.enum(['auto', 'client', 'server']).optional(), fingerprints: z.array(fingerprint).min(1).max(8) })
      .strict(),
  })
  .strict();
export const viewConsumeSchema = z
  .object({
    viewId,
    rtpCapabilities: z
      .object({
        codecs: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
        headerExtensions: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
      })
      .strict(),
  })
  .strict();
export const viewRefSchema = z.object({ viewId }).strict();

export interface MediaJoined {
  /** The routers' capabilities (every room uses the same codecs): load the client's Device with them. */
  rtpCapabilities: RtpCapabilities;
  /** Ingest stops this long after a camera's last viewer leaves. */
  idleStopMs: number;
}

export interface ViewOpened {
  viewId: string;
  cameraId: string;
  cameraName: string;
  transport: { id: string; iceParameters: IceParameters; iceCandidates: IceCandidate[]; dtlsParameters: DtlsParameters };
}

export interface ViewConsumed {
  viewId: string;
  consumerId: string;
  producerId: string;
  kind: 'video';
  rtpParameters: RtpParameters;
}

export type ViewRef = z.infer<typeof viewRefSchema>;

export const VIEW_CLOSE_REASONS = ['closed', 'ingest_stopped', 'worker_died', 'left', 'disconnected'] as const;
export type ViewCloseReason = (typeof VIEW_CLOSE_REASONS)[number];

export interface MediaClientToServerEvents {
  /** Joins the video service (the guard of every other media request). */
  'media:join': (req: z.input<typeof mediaJoinSchema>, ack: AckFn<MediaJoined>) => void;
  /** Closes every view of this socket. */
  'media:leave': (ack: AckFn<{ closed: number }>) => void;
  /** Authorises and audits viewing a camera, starts its ingest when needed, and creates the receive transport. */
  'media:view:open': (req: z.input<typeof viewOpenSchema>, ack: AckFn<ViewOpened>) => void;
  'media:view:connect': (req: z.input<typeof viewConnectSchema>, ack: AckFn<ViewRef>) => void;
  /** Creates the (paused) consumer of the camera's video. */
  'media:view:consume': (req: z.input<typeof viewConsumeSchema>, ack: AckFn<ViewConsumed>) => void;
  'media:view:resume': (req: ViewRef, ack: AckFn<ViewRef>) => void;
  'media:view:close': (req: ViewRef, ack: AckFn<ViewRef>) => void;
}

export const MEDIA_CLIENT_EVENTS = [
  'media:join',
  'media:leave',
  'media:view:open',
  'media:view:connect',
  'media:view:consume',
  'media:view:resume',
  'media:view:close',
] as const satisfies readonly (keyof MediaClientToServerEvents)[];
export type MediaClientEvent = (typeof MEDIA_CLIENT_EVENTS)[number];

export interface MediaServerToClientEvents {
  /** A view ended on the server side (its camera's ingest stopped, the session ended…). */
  'media:view:closed': (info: { viewId: string; cameraId: string; reason: ViewCloseReason }) => void;
  /**
   * A media worker died: these views are gone, their rooms were re-created on another worker; open and consume
   * the cameras again.
   */
  'media:reconnect': (info: { views: { viewId: string; cameraId: string }[]; reason: string }) => void;
}

// ---- conferences (视频会商) ----

/**
 * A government video conference: a room created by a leader or commander with a title and an invite list (users
 * and/or roles). Every request is answered with an Ack; the server sends the whole room state on every change, so a
 * client consumes the producers it does not have yet and drops the ones that went away.
 */
export const CONFERENCE_SOURCES = ['mic', 'camera', 'screen', 'inject'] as const;
export type ConferenceSource = (typeof CONFERENCE_SOURCES)[number];

const conferenceId = z.string().uuid({ error: 'conferenceId 须为 conference:create 返回的 id' });
const mediaId = z.string().min(1).max(64);
const peerId = z.string().min(1).max(64);
const dtlsParametersSchema = z
  .object({ role: z.enum(['auto', 'client', 'server']).optional(), fingerprints: z.array(fingerprint).min(1).max(8) })
  .strict();
const rtpCapabilitiesSchema = z
  .object({
    codecs: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
    headerExtensions: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
  })
  .strict();

export const conferenceCreateSchema = z
  .object({
    title: z.string().trim().min(1, '请填写会议主题').max(60),
    /** Invited accounts by username. */
    inviteUsers: z.array(z.string().trim().min(1).max(64)).max(100).default([]),
    /** Invited roles: every account of the role may join. */
    inviteRoles: z.array(z.enum(ROLE_IDS)).max(ROLE_IDS.length).default([]),
    /** Invited people enter at once instead of waiting in the lobby for the moderator. */
    autoAdmit: z.boolean().default(false),
    /** Co-hosts (联合主持人) by username: invited, they enter without waiting and moderate beside the convener. */
    coHosts: z.array(z.string().trim().min(1).max(64)).max(10).default([]),
  })
  .strict();
export const conferenceListSchema = z.object({}).strict().optional();
export const conferenceRefSchema = z.object({ conferenceId }).strict();
export const conferenceTransportCreateSchema = z.object({ direction: z.enum(['send', 'recv']) }).strict();
export const conferenceTransportConnectSchema = z.object({ transportId: mediaId, dtlsParameters: dtlsParametersSchema }).strict();
export const conferenceProduceSchema = z
  .object({
    transportId: mediaId,
    kind: z.enum(['audio', 'video']),
    rtpParameters: z
      .object({
        mid: z.string().max(32).optional(),
        codecs: z.array(z.record(z.string(), z.unknown())).min(1).max(20),
        headerExtensions: z.array(z.record(z.string(), z.unknown())).max(40).optional(),
        encodings: z.array(z.record(z.string(), z.unknown())).max(8).optional(),
        rtcp: z.record(z.string(), z.unknown()).optional(),
        msid: z.string().max(200).optional(),
      })
      .strict(),
    source: z.enum(['mic', 'camera', 'screen']),
  })
  .strict()
  .refine((p) => (p.kind === 'audio') === (p.source === 'mic'), '音频只能来自麦克风，视频只能来自摄像头或屏幕');
export const conferenceProducerRefSchema = z.object({ producerId: mediaId }).strict();
export const conferenceProducerPauseSchema = z.object({ producerId: mediaId, paused: z.boolean() }).strict();
export const conferenceConsumeSchema = z.object({ producerId: mediaId, rtpCapabilities: rtpCapabilitiesSchema }).strict();
export const conferenceConsumerRefSchema = z.object({ consumerId: mediaId }).strict();
export const conferencePeerRefSchema = z.object({ peerId }).strict();
/** Mute one participant (peerId) or everybody but the moderators (no peerId): a hard mute only a moderator lifts. */
export const conferenceMuteSchema = z.object({ peerId: peerId.optional() }).strict();
/** The convener names a participant co-host, or takes it back. */
export const conferenceCohostSchema = z.object({ peerId, cohost: z.boolean() }).strict();
/** A participant raises (or lowers) its hand to ask to speak. */
export const conferenceHandSchema = z.object({ raised: z.boolean() }).strict();
export const conferenceLockSchema = z.object({ locked: z.boolean() }).strict();
export const conferenceInjectSchema = z.object({ cameraId, on: z.boolean().default(true) }).strict();
export const conferenceRecordSchema = z.object({ recording: z.boolean() }).strict();

export interface ConferenceSummary {
  id: string;
  title: string;
  hostName: string;
  createdAt: string;
  inviteUsers: string[];
  inviteRoles: string[];
  autoAdmit: boolean;
  locked: boolean;
  participants: number;
  /** Co-hosts named by the convener, by username. */
  coHosts: string[];
  /** Whether the caller may moderate it (its convener, or a co-host the convener named). */
  moderator: boolean;
  /** The standing conference of the mode (常设会商): open while the mode lasts, with the record's id. */
  standing: boolean;
}

export interface ConferenceMember {
  peerId: string;
  userId: string;
  displayName: string;
  roleName: string;
  /** The convener (发起人) or a co-host: sees and uses the moderator controls. */
  moderator: boolean;
  /** The one who called the conference. */
  convener: boolean;
  /** Named co-host (联合主持人) by the convener. */
  cohost: boolean;
  /** Muted by a moderator: the server refuses to unmute its microphone until a moderator lets it speak. */
  mutedByModerator: boolean;
  /** Asks to speak (举手). */
  handRaised: boolean;
}

export interface ConferenceProducerInfo {
  producerId: string;
  /** The participant's peer id, or `camera:<id>` for an injected camera. */
  peerId: string;
  kind: 'audio' | 'video';
  source: ConferenceSource;
  paused: boolean;
  label: string;
  /**
   * Whether the recipient of this state may receive it: false for an injected camera it may not view, shown as a
   * notice instead of video (the server refuses to consume it).
   */
  viewable: boolean;
}

export interface ConferenceState {
  id: string;
  title: string;
  locked: boolean;
  recording: boolean;
  members: ConferenceMember[];
  lobby: ConferenceMember[];
  producers: ConferenceProducerInfo[];
  activeSpeaker: string | null;
}

export type ConferenceJoined =
  | { status: 'lobby'; conferenceId: string; peerId: string }
  | { status: 'admitted'; conferenceId: string; peerId: string; rtpCapabilities: RtpCapabilities; state: ConferenceState };

export interface ConferenceTransport {
  transportId: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
}

export interface ConferenceConsumed {
  consumerId: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: RtpParameters;
}

export const conferenceRecordingSchema = z.object({
  /** The file's name under DATA_DIR/recordings, also its id in the API. */
  name: z.string(),
  conferenceId: z.string(),
  title: z.string(),
  startedAt: z.string(),
  bytes: z.number(),
  /** Cameras whose video the recording holds: only those who may view each of them may play it. */
  cameraIds: z.array(z.string()),
});
export type ConferenceRecording = z.infer<typeof conferenceRecordingSchema>;
/** `GET /api/conferences/recordings`. */
export const conferenceRecordingsSchema = z.object({ recordings: z.array(conferenceRecordingSchema) });

export interface ConferenceClientToServerEvents {
  /** The conferences the caller is invited to (or hosts). */
  'conference:list': (req: z.input<typeof conferenceListSchema>, ack: AckFn<ConferenceSummary[]>) => void;
  'conference:create': (req: z.input<typeof conferenceCreateSchema>, ack: AckFn<ConferenceSummary>) => void;
  /** Joins (or, once admitted, enters) a conference: answered `lobby` until the moderator admits the caller. */
  'conference:join': (req: z.input<typeof conferenceRefSchema>, ack: AckFn<ConferenceJoined>) => void;
  'conference:leave': (req: unknown, ack: AckFn<{ left: boolean }>) => void;
  'conference:transport:create': (req: z.input<typeof conferenceTransportCreateSchema>, ack: AckFn<ConferenceTransport>) => void;
  'conference:transport:connect': (
    req: z.input<typeof conferenceTransportConnectSchema>,
    ack: AckFn<{ transportId: string }>,
  ) => void;
  'conference:produce': (req: z.input<typeof conferenceProduceSchema>, ack: AckFn<{ producerId: string }>) => void;
  'conference:producer:pause': (req: z.input<typeof conferenceProducerPauseSchema>, ack: AckFn<{ producerId: string }>) => void;
  'conference:producer:close': (req: z.input<typeof conferenceProducerRefSchema>, ack: AckFn<{ producerId: string }>) => void;
  'conference:consume': (req: z.input<typeof conferenceConsumeSchema>, ack: AckFn<ConferenceConsumed>) => void;
  'conference:consumer:resume': (req: z.input<typeof conferenceConsumerRefSchema>, ack: AckFn<{ consumerId: string }>) => void;
  'conference:hand': (req: z.input<typeof conferenceHandSchema>, ack: AckFn<{ raised: boolean }>) => void;
  // moderator controls
  'conference:admit': (req: z.input<typeof conferencePeerRefSchema>, ack: AckFn<{ peerId: string }>) => void;
  'conference:mute': (req: z.input<typeof conferenceMuteSchema>, ack: AckFn<{ muted: number }>) => void;
  /** Lets a participant muted by a moderator speak again (it unmutes its microphone itself). */
  'conference:unmute': (req: z.input<typeof conferencePeerRefSchema>, ack: AckFn<{ peerId: string }>) => void;
  /** Lowers a participant's raised hand (举手) without letting it speak. */
  'conference:hand:lower': (req: z.input<typeof conferencePeerRefSchema>, ack: AckFn<{ peerId: string }>) => void;
  /** Convener only: names or takes back a co-host. */
  'conference:cohost': (req: z.input<typeof conferenceCohostSchema>, ack: AckFn<{ peerId: string; cohost: boolean }>) => void;
  'conference:remove': (req: z.input<typeof conferencePeerRefSchema>, ack: AckFn<{ peerId: string }>) => void;
  'conference:lock': (req: z.input<typeof conferenceLockSchema>, ack: AckFn<{ locked: boolean }>) => void;
  'conference:inject': (req: z.input<typeof conferenceInjectSchema>, ack: AckFn<{ cameraId: string; on: boolean }>) => void;
  'conference:record': (req: z.input<typeof conferenceRecordSchema>, ack: AckFn<{ recording: boolean; name?: string }>) => void;
}

export const CONFERENCE_CLIENT_EVENTS = [
  'conference:list',
  'conference:create',
  'conference:join',
  'conference:leave',
  'conference:transport:create',
  'conference:transport:connect',
  'conference:produce',
  'conference:producer:pause',
  'conference:producer:close',
  'conference:consume',
  'conference:consumer:resume',
  'conference:hand',
  'conference:admit',
  'conference:mute',
  'conference:unmute',
  'conference:hand:lower',
  'conference:cohost',
  'conference:remove',
  'conference:lock',
  'conference:inject',
  'conference:record',
] as const satisfies readonly (keyof ConferenceClientToServerEvents)[];
export type ConferenceClientEvent = (typeof CONFERENCE_CLIENT_EVENTS)[number];

export interface ConferenceServerToClientEvents {
  /** The room changed (members, lobby, producers, lock, recording, speaker): the whole state. */
  'conference:state': (state: ConferenceState) => void;
  /** The loudest participant now (ActiveSpeakerObserver), or null. */
  'conference:speaker': (info: { conferenceId: string; peerId: string | null }) => void;
  /** The moderator let this socket in from the lobby: send conference:join again to enter. */
  'conference:admitted': (info: { conferenceId: string }) => void;
  /** The moderator removed this socket from the conference. */
  'conference:removed': (info: { conferenceId: string; reason: string }) => void;
  /** The conference's worker died; its room was re-created: join again and produce/consume anew. */
  'conference:reconnect': (info: { conferenceId: string; reason: string }) => void;
  /** The conference ended for everyone in it (a standing conference when its mode ends): leave the room. */
  'conference:ended': (info: { conferenceId: string; reason: string }) => void;
}
