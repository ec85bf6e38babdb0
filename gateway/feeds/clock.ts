import { FeedRejection } from './adapter';
import { MAX_SKEW_S } from './signature';

/**
 * How far ahead of the platform's clock a source time may lie: the same clock skew a signed delivery may have. A
 * time further ahead is a wrong clock at the sender; taken as is it would give negative response times and keep
 * a gauge's or a unit's "latest" value stuck until the real clock caught up with it.
 */
export const MAX_AHEAD_MS = MAX_SKEW_S * 1000;

/** Refuses (`bad_time`) a source time more than MAX_AHEAD_MS ahead of `nowMs`. */
export function assertNotAhead(at: string, field: string, nowMs = Date.now()): void {
  const aheadMs = Date.parse(at) - nowMs;
  if (aheadMs > MAX_AHEAD_MS) {
    throw new FeedRejection(
      'bad_time',
      `${field} ${at} 比平台时钟快 ${Math.round(aheadMs / 1000)} 秒（最多容许 ${MAX_SKEW_S} 秒的时钟偏差）：` +
        '发送方的时钟有误，请校准后重新发送',
    );
  }
}
