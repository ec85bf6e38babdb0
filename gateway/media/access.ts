import type { Camera } from '../../contracts/media';
import { getCamera, type CameraRecord } from '../../media/cameras/store';
import { MediaError } from '../../media/sfu/errors';
import type { Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import type { Denial, Policy } from '../policy/policy';

/**
 * May this principal view this camera? The policy's camera rule (`camera.view` and the camera's group in
 * `cameras.groups`, by role and department kind), then the principal's area: an account limited to grid, street or
 * district codes sees only cameras of the districts those codes lie in.
 */
export function cameraAccess(policy: Policy, principal: Principal, camera: Camera): { allowed: true } | Denial {
  const decision = policy.camera(principal, camera.group);
  if (!decision.allowed) return { allowed: false, code: decision.code, reason: decision.reason };
  if (principal.gridScope.length > 0 && !principal.gridScope.some((code) => code.slice(0, 6) === camera.districtAdcode)) {
    return {
      allowed: false,
      code: 'forbidden',
      reason: `无权限：摄像机「${camera.name}」（${camera.districtName ?? camera.districtAdcode}）不在您的管辖区域内`,
    };
  }
  return { allowed: true };
}

/** Where a camera's media is about to reach someone: the request, for the audit row of a refusal. */
export interface CameraUse {
  /** The socket event or API action (`media:view:open`, `conference:consume`, `conference.recording`…). */
  event: string;
  sourceIp: string | null;
  /** What else identifies the use (conference, recording). */
  detail?: Record<string, unknown>;
}

/**
 * The one gate of a camera's media: every camera view, conference consumer, injection and recording playback passes
 * here for that camera and that user, at the moment the media would flow. The camera is read again from the
 * registry (a camera re-classified since it was opened or injected counts at once); a refusal is audited
 * (`access.denied`, fail closed) and thrown with the reason in Chinese.
 */
export async function authorizeCameraMedia(
  identity: Identity,
  principal: Principal,
  cameraId: string,
  use: CameraUse,
): Promise<CameraRecord> {
  const camera = await getCamera(identity.db(), cameraId);
  if (!camera) throw new MediaError('not_found', `没有编号为 ${cameraId} 的摄像机`);
  const decision = cameraAccess(identity.policy, principal, camera);
  if (decision.allowed) return camera;
  await identity.audit.append({
    action: 'access.denied',
    outcome: 'denied',
    actor: actorOf(principal),
    object: `camera ${camera.id}`,
    sourceIp: use.sourceIp,
    detail: { channel: 'socket', ...use.detail, event: use.event, action: 'camera.view', reason: decision.reason },
  });
  throw new MediaError(decision.code, decision.reason);
}
