import type { Camera } from '../../contracts/media';
import type { Principal } from '../auth/principal';
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
