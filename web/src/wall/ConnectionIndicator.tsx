import { STALE_AFTER_MS } from '../../../contracts/realtime';
import type { ConnectionState } from './useCommandFeed';

interface Props {
  state: ConnectionState;
  lastHeardAt: number | null;
  socketConnected: boolean;
  now: number;
}

/** 已连接 while the gateway's heartbeats arrive; 连接中断 with the time since the last one when it falls silent. */
export function ConnectionIndicator({ state, lastHeardAt, socketConnected, now }: Props) {
  const silentS = lastHeardAt === null ? null : Math.max(0, Math.floor((now - lastHeardAt) / 1000));
  let text: string;
  if (state === 'connected') text = '已连接';
  else if (silentS === null) text = socketConnected ? '连接中断 · 尚未收到心跳' : '连接中断 · 正在连接…';
  else text = `连接中断 · ${silentS} 秒无心跳${socketConnected ? '' : '，正在重连…'}`;
  return (
    <span
      className={`wall-connection ${state}`}
      data-testid="wall-connection"
      data-state={state}
      data-silent-s={silentS ?? ''}
      role="status"
      title={`超过 ${STALE_AFTER_MS / 1000} 秒未收到指挥网关的心跳即视为中断；恢复后自动补齐数据`}
    >
      <span className="wall-connection-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
