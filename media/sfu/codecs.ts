import type { types } from 'mediasoup';
import type { CameraCodec } from '../../contracts/media';
import { PAYLOAD_TYPE } from '../ingest/ffmpeg';

/** Every room's router offers the same codecs, so one set of capabilities serves all of them. */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** What a camera's PlainTransport producer declares for the RTP ffmpeg (or a media gateway) sends it. */
export function cameraRtpParameters(codec: CameraCodec, ssrc: number): types.RtpParameters {
  const c: types.RtpCodecParameters =
    codec === 'VP8'
      ? { mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE.VP8, clockRate: 90000 }
      : {
          mimeType: 'video/H264',
          payloadType: PAYLOAD_TYPE.H264,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
        };
  return { codecs: [c], encodings: [{ ssrc }] };
}
