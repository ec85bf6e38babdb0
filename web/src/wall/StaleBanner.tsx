import { dataAge } from './format';

interface Props {
  /** When the gateway was last heard from, epoch ms. */
  lastHeardAt: number;
  now: number;
}

/**
 * Across the wall while the connection to the gateway is down: what is on the map and in the queue is as old as the
 * last word from the gateway, and says so in words readable from the back of the room. The page dims what is stale
 * beneath it; both go when the connection is back (the feed then catches up by itself).
 */
export function StaleBanner({ lastHeardAt, now }: Props) {
  const ageS = Math.max(0, Math.floor((now - lastHeardAt) / 1000));
  return (
    <div className="wall-stale-banner" role="alert" data-testid="wall-stale-banner" data-age-s={ageS}>
      <strong className="wall-stale-text">连接已中断，数据停留在 {dataAge(lastHeardAt, now)}</strong>
      <span className="wall-stale-note">地图、警情队列和指标不是当前状态 · 正在重新连接，恢复后自动补齐</span>
    </div>
  );
}
