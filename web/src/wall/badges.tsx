import { FEED_SOURCE_LABELS, type FeedSource } from '../../../contracts/incidents';
import { AGENCY_LOOK, priorityColor } from './look';

/** An agency badge: its colour and short name (110, 119, 120, 防汛, 人防, 交警). */
export function SourceBadge({ source }: { source: FeedSource }) {
  const look = AGENCY_LOOK[source];
  return (
    <span className="wall-source" style={{ background: look.color }} title={FEED_SOURCE_LABELS[source]} data-source={source}>
      {look.short}
    </span>
  );
}

/** The priority badge: the common 0–10 priority, with the mode's boost when there is one. */
export function PriorityBadge({ priority, boost = 0 }: { priority: number; boost?: number }) {
  return (
    <span
      className="wall-priority"
      style={{ background: priorityColor(priority + boost) }}
      title={boost > 0 ? `优先级 ${priority}（当前模式加权 +${boost}）` : `优先级 ${priority}`}
    >
      {priority}
      {boost > 0 && <sup>+{boost}</sup>}
    </span>
  );
}
