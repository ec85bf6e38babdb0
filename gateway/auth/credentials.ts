import type { SessionEndReason } from '../../contracts/realtime';
import type { Queryable } from '../../geo/db/types';
import { revokeAllApiTokens } from './api-tokens';
import type { SessionEnded, SessionStore } from './sessions';

export interface CredentialsEnded {
  /** Sessions ended (announce them once the transaction has committed). */
  sessions: SessionEnded[];
  apiTokensRevoked: number;
}

/**
 * Ends every credential a person holds, inside `tx`: their sessions (but `exceptSessionId`, the one changing its own
 * password) and their API tokens. Forced logout, password change and reset, and disabling all come here, so no kind
 * of credential outlives the others.
 */
export async function endCredentialsIn(
  tx: Queryable,
  sessions: SessionStore,
  userId: string,
  reason: SessionEndReason,
  now: Date,
  exceptSessionId?: string,
): Promise<CredentialsEnded> {
  const ended = await sessions.endAllForUserIn(tx, userId, reason, exceptSessionId);
  const apiTokensRevoked = await revokeAllApiTokens(tx, userId, now);
  return { sessions: ended, apiTokensRevoked };
}
