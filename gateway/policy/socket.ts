import type { Event } from 'socket.io';
import type { Identity } from '../auth/identity';
import { ENDED_MESSAGES } from '../auth/messages';
import { actorOf } from '../auth/principal';
import { refuseEvent } from '../realtime/registry';
import type { RealtimeSocket } from '../realtime/types';

/**
 * The socket side of the policy, the same decision as for HTTP: each incoming event maps to an action of
 * `data/policy.json`; the session is re-read (so a revoked or expired session, or a changed role, counts
 * at once); a refusal is acknowledged with the reason and audited, and the event never reaches its handler.
 */
export function socketAccessControl(
  identity: Identity,
  socket: RealtimeSocket,
  onEnded: (reason: keyof typeof ENDED_MESSAGES) => void,
) {
  return (packet: Event, next: (err?: Error) => void): void => {
    const event = String(packet[0]);
    const actionId = identity.policy.socketAction(event);
    if (!actionId) {
      refuseEvent(packet, { code: 'bad_request', message: `unknown event "${event}"` });
      return;
    }
    void (async () => {
      const check = await identity.sessions.resolveId(socket.data.sessionId);
      if (!check.ok) {
        refuseEvent(packet, { code: 'unauthenticated', message: ENDED_MESSAGES[check.reason] });
        onEnded(check.reason);
        return;
      }
      const principal = check.principal;
      const mode = identity.policy.modeDependent(actionId) ? await identity.mode.get() : undefined;
      const decision = identity.policy.authorize(principal, actionId, mode);
      if (!decision.allowed) {
        await identity.audit
          .append({
            action: 'access.denied',
            outcome: 'denied',
            actor: actorOf(principal),
            object: `socket ${event}`,
            sourceIp: socket.data.ip,
            detail: { channel: 'socket', action: actionId, reason: decision.reason },
          })
          .catch((err: unknown) => identity.log.error({ err }, 'could not audit a socket access denial'));
        refuseEvent(packet, { code: decision.code, message: decision.reason });
        return;
      }
      if (!decision.action.passive) await identity.sessions.touch(principal);
      socket.data.principal = principal;
      socket.data.role = principal.role;
      next();
    })().catch((err: unknown) => {
      identity.log.error({ err, event }, 'socket access check failed');
      refuseEvent(packet, { code: 'unavailable', message: '权限检查暂不可用，请稍后重试' });
    });
  };
}
