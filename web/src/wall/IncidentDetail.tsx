import { useCallback, useEffect, useState, type ReactNode } from 'react';
import {
  FEED_SOURCE_LABELS,
  INCIDENT_ACTION_LABELS,
  INCIDENT_CATEGORY_LABELS,
  INCIDENT_STATE_LABELS,
  INCIDENT_TRANSITIONS,
  UNIT_TYPE_LABELS,
  type Incident,
  type IncidentAction,
  type ModeProfile,
  type RecommendationResponse,
  type SourceRecord,
  type Unit,
} from '../../../contracts/incidents';
import { ApiError } from '../api/http';
import { messageOf } from '../api/http';
import { wallApi } from './api';
import { DuplicateNotice } from './DuplicateNotice';
import { DetailSituation } from './DetailSituation';
import { PriorityBadge, SourceBadge } from './badges';
import { rankPriority } from './feed-state';
import { age, clockTime, dateTime, distance, minSec } from './format';

interface Props {
  incident: Incident;
  /** True when the incident has left the list (closed or cancelled): shown read-only. */
  finished: boolean;
  units: ReadonlyMap<string, Unit>;
  /** The queue, for picking the incident to merge with. */
  queue: Incident[];
  profile: ModeProfile | null;
  now: number;
  canCommand: boolean;
  canDispatch: boolean;
  onClose: () => void;
  onSelect: (id: number) => void;
  /** The cameras nearest the incident (shown under its recommendations), when the caller may list cameras. */
  nearCameras?: ReactNode;
  /** Told the recommendations each time they are read (null while none), for the routes on the map. */
  onRecommendations?: (recs: RecommendationResponse | null) => void;
}

type Transition = Exclude<IncidentAction, 'dispatch'>;

/**
 * One incident: its place and sources, the units dispatched and its latest steps at the top (in view without
 * scrolling on a 1080p screen), lifecycle buttons allowed from its state (`incident.command`), the
 * recommended units with their drive times and 派遣 (`incident.dispatch`), every agency record with the reason it
 * was fused (拆分 splits one off), the nearest cameras, and 合并 with another incident of the queue.
 */
export function IncidentDetail(props: Props) {
  const { incident: inc, finished, units, queue, profile, now, canCommand, canDispatch, onClose, onSelect, nearCameras } = props;
  const { onRecommendations } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [mergeWith, setMergeWith] = useState('');

  // A different incident starts with a clean form.
  useEffect(() => {
    setNote('');
    setMessage(null);
    setMergeWith('');
  }, [inc.id]);

  /** Runs an action, showing its outcome; true when it succeeded. */
  const run = useCallback(async (what: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ kind: 'ok', text: await what() });
      return true;
    } catch (err) {
      setMessage({ kind: 'error', text: messageOf(err) });
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  const allowed = Object.keys(INCIDENT_TRANSITIONS[inc.status]) as IncidentAction[];
  const transitions = allowed.filter((a): a is Transition => a !== 'dispatch');
  const dispatchable = !finished && 'dispatch' in INCIDENT_TRANSITIONS[inc.status];
  const boost = rankPriority(inc, profile) - inc.priority;
  const place = [inc.place.district?.name, inc.place.street?.name, inc.place.gridCode && `网格 ${inc.place.gridCode}`]
    .filter(Boolean)
    .join(' · ');
  const mergeCandidates = queue.filter((i) => i.id !== inc.id);
  const original = inc.suspectedDuplicateOf === null ? undefined : queue.find((i) => i.id === inc.suspectedDuplicateOf);

  const transition = (action: Transition) =>
    run(async () => {
      const updated = await wallApi.transition(inc.id, action, note.trim() || undefined);
      setNote('');
      return `${INCIDENT_ACTION_LABELS[action]}成功，当前状态：${INCIDENT_STATE_LABELS[updated.status]}`;
    });

  const split = (record: SourceRecord) =>
    run(async () => {
      const { to } = await wallApi.split(inc.id, record.id);
      return `已将 ${FEED_SOURCE_LABELS[record.source]} 记录拆分为新警情 #${to.id}`;
    });

  const merge = () => {
    const other = Number(mergeWith);
    if (!Number.isInteger(other) || other <= 0) return;
    void run(async () => {
      const merged = await wallApi.merge(inc.id, other);
      setMergeWith('');
      if (merged.id !== inc.id) onSelect(merged.id);
      return `已将警情 #${other} 合并入 #${merged.id}`;
    });
  };

  const mergeIntoOriginal = (into: number) =>
    void run(async () => {
      const merged = await wallApi.merge(into, inc.id);
      onSelect(merged.id);
      return `已将警情 #${inc.id} 并入 #${merged.id}`;
    });

  return (
    <aside
      className="wall-detail"
      data-testid="incident-detail"
      data-incident-id={inc.id}
      data-status={inc.status}
      aria-label={`警情 #${inc.id} 详情`}
    >
      <header className="wall-detail-head">
        <PriorityBadge priority={inc.priority} boost={boost} />
        <div className="wall-detail-title">
          <span className="wall-detail-id">
            #{inc.id} · {INCIDENT_CATEGORY_LABELS[inc.category] ?? inc.category}
            {inc.drill && <span className="wall-drill-inline">演练</span>}
          </span>
          <h2>{inc.title}</h2>
        </div>
        <span className={`wall-status status-${inc.status}`}>{INCIDENT_STATE_LABELS[inc.status]}</span>
        <button type="button" className="wall-close" aria-label="关闭详情" onClick={onClose}>
          ×
        </button>
      </header>

      <div className="wall-detail-body">
        {finished && <p className="wall-note">该警情状态为“{INCIDENT_STATE_LABELS[inc.status]}”，已移出队列。</p>}
        {original && !finished && (
          <DuplicateNotice
            original={original}
            canCommand={canCommand}
            busy={busy}
            onMerge={() => mergeIntoOriginal(original.id)}
          />
        )}
        <dl className="wall-facts">
          <div>
            <dt>地点</dt>
            <dd>
              {place || '位置待核实'}
              <span className="muted">
                {' '}
                ({inc.place.lon.toFixed(5)}, {inc.place.lat.toFixed(5)}
                {inc.place.via === 'geocoded' ? '，按地址定位' : ''})
              </span>
            </dd>
          </div>
          <div>
            <dt>首报</dt>
            <dd>
              {dateTime(inc.firstReportedAt)} · 已 {age(inc.firstReportedAt, now)}
            </dd>
          </div>
          <div>
            <dt>来源</dt>
            <dd className="wall-sources">
              {inc.sources.map((s) => (
                <SourceBadge key={s} source={s} />
              ))}
              <span className="muted">共 {inc.records.length} 条记录</span>
            </dd>
          </div>
        </dl>

        <DetailSituation incident={inc} units={units} />

        {canCommand && !finished && (
          <section className="wall-block" aria-label="处置操作">
            <h3>处置操作</h3>
            {transitions.length === 0 ? (
              <p className="muted">当前状态无可执行的操作</p>
            ) : (
              <>
                <input
                  className="wall-input"
                  placeholder="备注（可选）"
                  maxLength={500}
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  aria-label="操作备注"
                />
                <div className="wall-actions">
                  {transitions.map((action) => (
                    <button
                      key={action}
                      type="button"
                      className={`wall-action action-${action}`}
                      data-testid={`transition-${action}`}
                      disabled={busy}
                      onClick={() => void transition(action)}
                    >
                      {INCIDENT_ACTION_LABELS[action]}
                    </button>
                  ))}
                </div>
              </>
            )}
          </section>
        )}

        {message && (
          <p className={message.kind === 'ok' ? 'wall-ok' : 'warning'} role={message.kind === 'ok' ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}

        {!finished && (
          <Recommendations
            incident={inc}
            canDispatch={canDispatch && dispatchable}
            busy={busy}
            onLoaded={onRecommendations}
            onDispatch={(unitIds) =>
              run(async () => {
                await wallApi.dispatch(inc.id, unitIds, note.trim() || undefined);
                setNote('');
                return `已派遣 ${unitIds.length} 个力量`;
              })
            }
          />
        )}

        {nearCameras}

        <section className="wall-block" aria-label="来源记录">
          <h3>来源记录（{inc.records.length}）</h3>
          <ol className="wall-records">
            {inc.records.map((r) => (
              <li key={r.id} className="wall-record" data-testid="source-record" data-record-id={r.id} data-source={r.source}>
                <div className="wall-record-head">
                  <SourceBadge source={r.source} />
                  <span className="wall-record-priority" title="该部门原始等级 / 统一优先级">
                    {r.nativePriority || '—'} / {r.priority}
                  </span>
                  <span className="muted">{clockTime(r.reportedAt)}</span>
                  {canCommand && !finished && inc.records.length > 1 && (
                    <button
                      type="button"
                      className="wall-small-button"
                      data-testid="split-record"
                      data-record-id={r.id}
                      disabled={busy}
                      onClick={() => void split(r)}
                    >
                      拆分
                    </button>
                  )}
                </div>
                <div className="wall-record-title">{r.title}</div>
                {r.description && <p className="wall-record-desc">{r.description}</p>}
                {(r.address || r.casualties !== null) && (
                  <p className="wall-record-desc muted">
                    {r.address && <>地址：{r.address} </>}
                    {r.casualties !== null && <>伤亡/被困：{r.casualties} 人</>}
                  </p>
                )}
                <p className="wall-fusion" data-testid="fusion-reason" data-score={r.link.score} data-by={r.link.by}>
                  <span className="wall-fusion-label">关联依据</span>
                  {r.link.reason}
                  <span className="wall-fusion-score">
                    相关度 {r.link.score.toFixed(2)} ·{' '}
                    {r.link.by === 'auto' ? '自动融合' : `人工关联（${r.link.actor ?? '操作员'}）`}
                  </span>
                </p>
              </li>
            ))}
          </ol>
        </section>

        {canCommand && !finished && mergeCandidates.length > 0 && (
          <section className="wall-block" aria-label="合并警情">
            <h3>合并警情</h3>
            <div className="wall-merge">
              <select
                className="wall-input"
                data-testid="merge-target"
                aria-label="选择要合并进来的警情"
                value={mergeWith}
                onChange={(e) => setMergeWith(e.target.value)}
              >
                <option value="">选择队列中的警情…</option>
                {mergeCandidates.map((o) => (
                  <option key={o.id} value={o.id}>
                    #{o.id} {INCIDENT_CATEGORY_LABELS[o.category] ?? o.category} {o.title}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="wall-action"
                data-testid="merge-button"
                disabled={busy || !mergeWith}
                onClick={merge}
              >
                合并
              </button>
            </div>
          </section>
        )}
      </div>
    </aside>
  );
}

const RECOMMENDATION_REFRESH_MS = 30_000;

interface RecommendationProps {
  incident: Incident;
  canDispatch: boolean;
  busy: boolean;
  onDispatch: (unitIds: string[]) => Promise<boolean>;
  onLoaded?: (recs: RecommendationResponse | null) => void;
}

/** The nearest available units of each needed type by drive time, each with its ETA; 派遣 the ticked ones. */
function Recommendations({ incident, canDispatch, busy, onDispatch, onLoaded }: RecommendationProps) {
  const [data, setData] = useState<RecommendationResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hidden, setHidden] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [reload, setReload] = useState(0);
  const id = incident.id;
  // Re-read when the incident's state or assigned units change, and every 30 s (units move).
  const version = `${incident.status}|${incident.unitIds.join(',')}`;

  useEffect(() => {
    setPicked(new Set());
    setData(null);
    setHidden(false);
  }, [id]);
  useEffect(() => {
    onLoaded?.(data);
  }, [data, onLoaded]);
  useEffect(() => () => onLoaded?.(null), [onLoaded]);

  useEffect(() => {
    let disposed = false;
    const load = () =>
      wallApi.recommendations(id).then(
        (r) => {
          if (disposed) return;
          setData(r);
          setError(null);
        },
        (err: unknown) => {
          if (disposed) return;
          // Roles that may not see recommendations simply do not get the section.
          if (err instanceof ApiError && err.status === 403) setHidden(true);
          else setError(messageOf(err));
        },
      );
    void load();
    const timer = window.setInterval(() => void load(), RECOMMENDATION_REFRESH_MS);
    return () => {
      disposed = true;
      window.clearInterval(timer);
    };
  }, [id, version, reload]);

  if (hidden) return null;
  const toggle = (unitId: string) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (!next.delete(unitId)) next.add(unitId);
      return next;
    });
  const dispatch = async () => {
    if (!(await onDispatch([...picked]))) return;
    setPicked(new Set());
    setReload((n) => n + 1);
  };

  return (
    <section className="wall-block" aria-label="推荐力量">
      <h3>推荐力量（按行车时间）</h3>
      {error && <p className="warning">推荐力量加载失败：{error}</p>}
      {!data && !error && <p className="muted">正在计算…</p>}
      {data && data.byType.length === 0 && <p className="muted">无需要推荐的力量类型</p>}
      {data?.byType.map((group) => (
        <div key={group.type} className="wall-recommend-group">
          <h4>
            {UNIT_TYPE_LABELS[group.type]}
            {data.needs.includes(group.type) && <span className="wall-need">需要</span>}
          </h4>
          {group.units.length === 0 ? (
            <p className="muted">附近无可用{UNIT_TYPE_LABELS[group.type]}</p>
          ) : (
            <ul className="wall-recommend-list">
              {group.units.map((r) => (
                <li key={r.unit.id}>
                  <label
                    className="wall-recommend"
                    data-testid="recommendation"
                    data-unit-id={r.unit.id}
                    data-unit-type={r.unit.type}
                    data-eta-s={r.etaS}
                  >
                    {canDispatch && (
                      <input
                        type="checkbox"
                        checked={picked.has(r.unit.id)}
                        onChange={() => toggle(r.unit.id)}
                        aria-label={`选择 ${r.unit.callsign}`}
                      />
                    )}
                    <strong>{r.unit.callsign}</strong>
                    <span className="muted">{r.unit.home}</span>
                    <span className="wall-distance">{distance(r.distanceM)}</span>
                    <span className="wall-eta" title="预计到达用时（分:秒）">
                      {minSec(r.etaS)}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {canDispatch && data && (
        <button
          type="button"
          className="wall-action primary-action"
          data-testid="dispatch-button"
          disabled={busy || picked.size === 0}
          onClick={() => void dispatch()}
        >
          派遣{picked.size > 0 ? `（${picked.size}）` : ''}
        </button>
      )}
    </section>
  );
}
