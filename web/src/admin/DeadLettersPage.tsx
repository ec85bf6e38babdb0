import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { FEED_SOURCE_LABELS, FEED_SOURCES, type DeadLetter, type FeedSource } from '../../../contracts/incidents';
import { messageOf } from '../api/http';
import { wallApi } from '../wall/api';
import { PageFrame } from './PageFrame';
import { beijing } from '../ui/time';

/** Senders besides the six agency webhooks: the MQTT streams of the gateway (see gateway/feeds/mqtt.ts). */
const STREAM_LABELS: Record<string, string> = {
  'flood-gauge': '防汛水位站',
  avl: '车辆定位',
  mqtt: '其他 MQTT 主题',
};

/** The rejection kinds of gateway/feeds/adapter.ts; other codes (gateway errors) are shown as sent. */
const CODE_LABELS: Record<string, string> = {
  malformed: '格式错误',
  bad_time: '时间无效',
  bad_coordinates: '坐标无效',
  outside_area: '不在哈尔滨范围',
  unknown_code: '未知代码',
  missing_location: '无法定位',
};

const TRANSPORT_LABELS: Record<DeadLetter['transport'], string> = { http: 'HTTP 推送', mqtt: 'MQTT' };

const SOURCE_FILTERS: string[] = [...FEED_SOURCES, 'flood-gauge', 'avl'];
const LIMITS = [50, 100, 200, 500] as const;

const isFeedSource = (s: string): s is FeedSource => (FEED_SOURCES as readonly string[]).includes(s);

const sourceLabel = (s: string): string => (isFeedSource(s) ? FEED_SOURCE_LABELS[s] : (STREAM_LABELS[s] ?? s));

const beijingTime = (iso: string): string => beijing(iso, 'dateSecond', iso);

/** Newest first: by receipt time, then by id (a later id was stored later). */
const newestFirst = (a: DeadLetter, b: DeadLetter) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt) || b.id - a.id;

/**
 * 被拒收的推送: feed deliveries the gateway refused (dead letters), newest first, for the operators who look after
 * the agency feeds (`feed.dead_letters`). The delivered payload is shown as plain text on request, never as markup.
 */
export function DeadLettersPage() {
  const [source, setSource] = useState('');
  const [limit, setLimit] = useState<number>(100);
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const request = useRef(0);

  const load = useCallback(async (src: string, n: number) => {
    const mine = ++request.current;
    setLoading(true);
    try {
      const list = await wallApi.deadLetters(n, src || undefined);
      if (mine !== request.current) return;
      setLetters([...list].sort(newestFirst));
      setError(null);
      setLoadedAt(Date.now());
    } catch (err) {
      if (mine === request.current) setError(messageOf(err));
    } finally {
      if (mine === request.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(source, limit);
  }, [source, limit, load]);

  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <PageFrame page="deadletters" title="被拒收的推送">
      <p className="muted dead-letter-intro">
        各委办局推送（HTTP）和 MQTT
        数据流（水位站、车辆定位）中被网关拒收的记录，最新的在前。被拒收的记录没有入库，请联系发送方核对后重新推送。
      </p>
      <div className="audit-filters dead-letter-filters">
        <label>
          来源{' '}
          <select aria-label="来源" data-testid="dead-letter-source" value={source} onChange={(e) => setSource(e.target.value)}>
            <option value="">全部来源</option>
            {SOURCE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {sourceLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          显示{' '}
          <select aria-label="显示条数" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                最近 {n} 条
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          data-testid="dead-letter-refresh"
          disabled={loading}
          onClick={() => void load(source, limit)}
        >
          {loading ? '正在刷新…' : '刷新'}
        </button>
        {loadedAt !== null && (
          <span className="muted">
            共 {letters?.length ?? 0} 条 · 更新于 {beijingTime(new Date(loadedAt).toISOString())}
          </span>
        )}
      </div>
      {error && (
        <p className="warning" role="alert">
          {error}
        </p>
      )}
      {letters && letters.length > 0 && (
        <table className="admin-table dead-letter-table" data-testid="dead-letter-table">
          <thead>
            <tr>
              <th>接收时间</th>
              <th>来源</th>
              <th>通道</th>
              <th>来源记录编号</th>
              <th>拒收原因</th>
              <th>说明</th>
              <th aria-label="推送内容" />
            </tr>
          </thead>
          <tbody>
            {letters.map((d) => {
              const expanded = open.has(d.id);
              return (
                <Fragment key={d.id}>
                  <tr
                    data-testid="dead-letter-row"
                    data-id={d.id}
                    data-code={d.code}
                    data-source={d.source}
                    className={expanded ? 'dead-letter-open' : undefined}
                  >
                    <td className="dead-letter-time">{beijingTime(d.receivedAt)}</td>
                    <td>{sourceLabel(d.source)}</td>
                    <td>{TRANSPORT_LABELS[d.transport] ?? d.transport}</td>
                    <td>{d.sourceId ? <code>{d.sourceId}</code> : <span className="muted">—</span>}</td>
                    <td>
                      <span className={`dead-letter-code code-${CODE_LABELS[d.code] ? d.code : 'other'}`} title={d.code}>
                        {CODE_LABELS[d.code] ?? d.code}
                      </span>
                    </td>
                    <td className="dead-letter-reason">{d.reason}</td>
                    <td>
                      <button
                        type="button"
                        className="dead-letter-expand"
                        aria-expanded={expanded}
                        aria-controls={`dead-letter-payload-${d.id}`}
                        onClick={() => toggle(d.id)}
                      >
                        {expanded ? '收起内容' : '查看内容'}
                      </button>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="dead-letter-payload-row" id={`dead-letter-payload-${d.id}`}>
                      <td colSpan={7}>
                        <div className="muted dead-letter-payload-head">推送内容（原文，共 {d.payload.length} 个字符）</div>
                        <pre className="dead-letter-payload" data-testid="dead-letter-payload">
                          {d.payload || '（空）'}
                        </pre>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {letters && letters.length === 0 && !error && <p className="muted">{source ? '该来源' : '目前'}没有被拒收的推送。</p>}
      {!letters && !error && <p className="muted">正在加载…</p>}
    </PageFrame>
  );
}
