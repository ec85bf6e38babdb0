import type { Principal } from '../auth/principal';
import { sessionUser } from '../auth/principal';
import { changeLayerAccess, liveLayerAccess } from '../policy/layer-access';
import type { Policy } from '../policy/policy';
import { changeRooms, layerOfRoom, type RealtimeSocket } from './types';

/**
 * What of a principal the policy decides by: role, account kind, department and its kind, grid scope, and the
 * pending password change. Two principals with the same rights get the same decisions for every room.
 */
export function rightsOf(p: Principal): string {
  return JSON.stringify([p.role, p.kind, p.department?.id ?? null, p.departmentKind, p.gridScope, p.mustChangePassword]);
}

/**
 * Re-grants a socket's rooms to a principal whose rights changed (a new role or department, a department of
 * another kind, a new grid scope): the principal used for per-socket filtering (case scope, tile guards) is
 * replaced, every change-log and layer room it may no longer read is left at once, and the client is told
 * (`session:changed`) so that it reloads what it may now do. Returns the rooms left.
 */
export async function regrant(socket: RealtimeSocket, principal: Principal, policy: Policy): Promise<string[]> {
  socket.data.principal = principal;
  socket.data.role = principal.role;
  socket.data.rights = rightsOf(principal);
  const left: string[] = [];
  for (const room of [...socket.rooms]) {
    const changeLayer = changeRooms.layerOf(room);
    const tileLayer = layerOfRoom(room);
    const allowed =
      changeLayer !== null
        ? changeLayerAccess(policy, principal, changeLayer).allowed
        : tileLayer !== null
          ? liveLayerAccess(policy, principal, tileLayer).allowed
          : true;
    if (allowed) continue;
    await socket.leave(room);
    left.push(room);
  }
  const layers = [...new Set(left.map((r) => changeRooms.layerOf(r) ?? layerOfRoom(r)))].join('、');
  socket.emit('session:changed', {
    user: sessionUser(principal, policy),
    message: left.length ? `账号权限已变更，不再接收：${layers}` : '账号权限已变更',
  });
  return left;
}
