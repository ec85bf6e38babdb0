import { useCallback, useEffect, useState } from 'react';
import {
  CASE_CHANNEL_LABELS,
  CASE_EVENT_LABELS,
  CASE_STATE_LABELS,
  PHOTO_STAGE_LABELS,
  SUPERVISION_LEVEL_LABELS,
  TIME_LIMIT_UNIT_LABELS,
  type CaseDetail,
} from '../../../contracts/cases';
import { messageOf } from '../api/http';
import { casesApi } from './api';
import { DuplicateMerge } from './DuplicateMerge';
import { EventActions } from './EventActions';
import { formatTime, placeLine } from './format';
import { SLA_TONE_COLORS, slaLine, slaTone } from './sla';
import { useNow } from './useCases';

/** The SLA badge: coloured by tone, with the remaining working time. */
export function SlaBadge({ sla }: { sla: CaseDetail['sla'] }) {
  const now = useNow();
  const tone = slaTone(sla, now);
  return (
    <span
      className={`case-sla case-sla-${tone}`}
      data-testid="sla-badge"
      data-tone={tone}
      style={{ borderColor: SLA_TONE_COLORS[tone] }}
    >
      <i style={{ background: SLA_TONE_COLORS[tone] }} />
      {slaLine(sla, now)}
    </span>
  );
}

/**
 * One case: state, place, SLA clock, photos (tap a thumbnail for the large view), the steps timeline with actor
 * and time, and the actions the signed-in role may take. Re-read when `version` changes (a live change).
 */
export function CaseDetailView({
  caseId,
  version = 0,
  onChanged,
  large = false,
}: {
  caseId: number;
  version?: number | string;
  onChanged?: (c: CaseDetail) => void;
  large?: boolean;
}) {
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  const load = useCallback(() => {
    casesApi
      .detail(caseId)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, [caseId]);
  useEffect(load, [load, version]);

  if (error) return <p className="case-error">案件加载失败：{error}</p>;
  if (!detail || detail.id !== caseId) return <p className="muted">正在加载案件…</p>;
  const d = detail;
  const lastCheck = [...d.steps].reverse().find((s) => s.event === 'check');
  return (
    <article className="case-detail" data-testid="case-detail" data-case-id={d.id} data-state={d.state}>
      <header className="case-detail-head">
        <div>
          <strong className="case-code">{d.code}</strong>
          <span className={`case-state case-state-${d.state}`} data-testid="case-state">
            {CASE_STATE_LABELS[d.state]}
          </span>
          {d.urgent && <span className="case-flag case-flag-urgent">加急</span>}
          {d.supervision && (
            <span className={`case-flag case-level-${d.supervision}`}>{SUPERVISION_LEVEL_LABELS[d.supervision]}</span>
          )}
        </div>
        <SlaBadge sla={d.sla} />
      </header>
      <h3 className="case-title">
        {d.majorName} / {d.categoryName} <small>{d.categoryCode}</small>
      </h3>
      <p className="case-desc">{d.description}</p>
      <dl className="case-facts">
        <dt>位置</dt>
        <dd data-testid="case-place">
          {placeLine(d.place)}
          {d.place.address ? `（${d.place.address}）` : ''}
        </dd>
        <dt>来源</dt>
        <dd>
          {CASE_CHANNEL_LABELS[d.channel]}
          {d.reporterName ? ` · ${d.reporterName}` : ''} · {formatTime(d.reportedAt)}
        </dd>
        {d.mediaUrl && (
          <>
            <dt>渠道附件</dt>
            <dd data-testid="case-media">
              {/* Held by the channel, not by the platform: opened in a new tab only when the handler clicks. */}
              <a href={d.mediaUrl} target="_blank" rel="noopener noreferrer" referrerPolicy="no-referrer">
                {d.mediaUrl}
              </a>
            </dd>
          </>
        )}
        {d.departmentName && (
          <>
            <dt>责任部门</dt>
            <dd data-testid="case-department">{d.departmentName}</dd>
          </>
        )}
        {d.dispatchSuggestion && (
          <>
            <dt>自动派遣</dt>
            <dd data-testid="dispatch-suggestion" data-department-id={d.dispatchSuggestion.departmentId}>
              {d.dispatchSuggestion.departmentName}
              <span className="muted">（{d.dispatchSuggestion.via}）</span>
            </dd>
          </>
        )}
        {d.sla.deadline && (
          <>
            <dt>处置时限</dt>
            <dd>
              {d.sla.limit ? `${d.sla.limit.amount} ${TIME_LIMIT_UNIT_LABELS[d.sla.limit.unit]}，` : ''}
              截止 {formatTime(d.sla.deadline)}
              {d.sla.warnAt ? `（${formatTime(d.sla.warnAt)} 起预警）` : ''}
            </dd>
          </>
        )}
        {d.pendingExtension && (
          <>
            <dt>延期申请</dt>
            <dd>
              {d.pendingExtension.amount} {TIME_LIMIT_UNIT_LABELS[d.pendingExtension.unit]}：{d.pendingExtension.reason}
            </dd>
          </>
        )}
        {lastCheck && (
          <>
            <dt>核查</dt>
            <dd>{d.checkPassed ? '通过' : '未通过'}</dd>
          </>
        )}
        <dt>立案标准</dt>
        <dd className="muted">{d.filingStandard}</dd>
        <dt>结案标准</dt>
        <dd className="muted">{d.closingStandard}</dd>
      </dl>
      {!large && (
        <DuplicateMerge
          detail={d}
          onDone={(next) => {
            setDetail(next);
            onChanged?.(next);
          }}
        />
      )}
      <EventActions
        detail={d}
        large={large}
        onDone={(next) => {
          setDetail(next);
          onChanged?.(next);
        }}
      />
      {d.photos.length > 0 && (
        <section className="case-photos" aria-label="照片">
          {d.photos.map((p) => (
            <button
              key={p.id}
              type="button"
              className="case-photo"
              data-testid="case-photo"
              data-stage={p.stage}
              onClick={() => setViewing(p.viewUrl)}
            >
              <img src={p.thumbUrl} alt={PHOTO_STAGE_LABELS[p.stage]} loading="lazy" />
              <span>{PHOTO_STAGE_LABELS[p.stage]}</span>
            </button>
          ))}
        </section>
      )}
      <ol className="case-steps" data-testid="case-steps">
        {d.steps.map((s) => (
          <li key={s.seq} data-event={s.event}>
            <time>{formatTime(s.at)}</time>
            <strong>{s.event === 'report' ? '上报' : CASE_EVENT_LABELS[s.event]}</strong>
            <span>→ {CASE_STATE_LABELS[s.to]}</span>
            <span className="muted">{s.actorName ?? '系统'}</span>
            {s.note && <p>{s.note}</p>}
          </li>
        ))}
      </ol>
      {viewing && (
        <div className="case-photo-viewer" role="dialog" aria-label="照片" onClick={() => setViewing(null)}>
          <img src={viewing} alt="照片大图" />
          <button type="button" className="case-btn">
            关闭
          </button>
        </div>
      )}
    </article>
  );
}
