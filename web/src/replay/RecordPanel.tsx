import type { ReplayEntry, ReplayRecording } from '../../../contracts/replay';
import { dateTime } from '../wall/format';

/**
 * The replay's side column: the records of topics the wall's map does not draw — responses (应急响应), their
 * tasks, warnings (预警) and any other logged topic — as they stood at the replay's instant, then the video
 * recordings of the period. Read-only: nothing here acts.
 */

const TOPIC_LABELS: Record<string, string> = {
  response: '应急响应',
  response_task: '响应任务',
  response_suggestion: '启动建议',
  warning: '公开预警',
  siren: '警报器',
  shelter: '避难场所',
};
const TOPIC_ORDER = ['response', 'response_task', 'warning'];

/** Fields that name a record or its state, shown in this order where the record has them. */
const SUMMARY_FIELDS = ['planTitle', 'title', 'headline', 'name', 'level', 'color', 'severity', 'status', 'state', 'overdue'];
const LEVEL_LABELS: Record<string, string> = { I: 'Ⅰ级', II: 'Ⅱ级', III: 'Ⅲ级', IV: 'Ⅳ级' };
const WORDS: Record<string, string> = {
  active: '进行中',
  open: '待决定',
  accepted: '已采纳',
  dismissed: '已驳回',
  ended: '已终止',
  issued: '已下达',
  received: '已接收',
  acknowledged: '已确认',
  done: '已完成',
  cancelled: '已撤销',
  expired: '已过期',
  amber: '超时（黄）',
  red: '超时（红）',
};
const COLOR_WORDS: Record<string, string> = { red: '红色预警', orange: '橙色预警', yellow: '黄色预警', blue: '蓝色预警' };

const META = new Set(['seq', 'topic', 'at', 'district', 'entity']);

/** The record an entry carries: its one object-valued field besides the change's own. */
function recordOf(e: ReplayEntry): Record<string, unknown> {
  for (const [k, v] of Object.entries(e))
    if (!META.has(k) && v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  return {};
}

function summary(e: ReplayEntry): string[] {
  const r = recordOf(e);
  const parts: string[] = [];
  for (const f of SUMMARY_FIELDS) {
    const v = r[f];
    if (typeof v !== 'string' || !v || v === 'none') continue;
    const words = f === 'level' ? LEVEL_LABELS : f === 'color' ? COLOR_WORDS : WORDS;
    parts.push(words[v] ?? v);
  }
  if (r.drill === true) parts.push('演练');
  return parts.length ? parts : [e.entity];
}

interface Props {
  others: ReadonlyMap<string, ReadonlyMap<string, ReplayEntry>>;
  recordings: readonly ReplayRecording[];
  cameraArchive: string;
  onSeek: (t: number) => void;
}

export function RecordPanel({ others, recordings, cameraArchive, onSeek }: Props) {
  const topics = [...new Set([...TOPIC_ORDER, ...others.keys()])].sort(
    (a, b) => (TOPIC_ORDER.indexOf(a) + 1 || 99) - (TOPIC_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  return (
    <aside className="replay-records" aria-label="响应、任务、预警与录像" data-testid="replay-records">
      {topics.map((topic) => {
        const entries = [...(others.get(topic)?.values() ?? [])].sort((a, b) => b.seq - a.seq);
        return (
          <section key={topic} className="replay-topic" data-topic={topic} data-count={entries.length}>
            <header className="wall-section-head">
              <h2>{TOPIC_LABELS[topic] ?? topic}</h2>
              <span className="muted">{entries.length}</span>
            </header>
            {entries.length === 0 ? (
              <p className="wall-empty">该时刻无记录</p>
            ) : (
              <ul className="replay-topic-list">
                {entries.map((e) => (
                  <li key={e.entity}>
                    <span>{summary(e).join(' · ')}</span>
                    <span className="muted">{dateTime(e.at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <section className="replay-topic" data-testid="replay-recordings">
        <header className="wall-section-head">
          <h2>时段内录像</h2>
          <span className="muted">{recordings.length}</span>
        </header>
        <p className="replay-note muted">{cameraArchive}</p>
        {recordings.length === 0 ? (
          <p className="wall-empty">该时段无会商录像</p>
        ) : (
          <ul className="replay-topic-list">
            {recordings.map((r) => (
              <li key={r.name}>
                <button type="button" className="replay-link" onClick={() => onSeek(Date.parse(r.startedAt))}>
                  {r.title}
                </button>
                <span className="muted">
                  {dateTime(r.startedAt)} – {dateTime(r.endedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
