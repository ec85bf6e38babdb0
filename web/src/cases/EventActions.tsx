import { useEffect, useState } from 'react';
import {
  CASE_EVENT_LABELS,
  SUPERVISION_LEVELS,
  SUPERVISION_LEVEL_LABELS,
  TIME_LIMIT_UNITS,
  TIME_LIMIT_UNIT_LABELS,
  type CaseDetail,
  type CaseEvent,
  type PhotoStage,
  type SupervisionLevel,
  type TimeLimitUnit,
} from '../../../contracts/cases';
import { adminApi } from '../admin/api';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { casesApi, uploadPhoto } from './api';
import { EVENT_FORMS, PRIMARY_EVENTS, offeredEvents } from './events';
import { CameraButton, PickedPhotos } from './PhotoPicker';

interface Props {
  detail: CaseDetail;
  onDone: (next: CaseDetail) => void;
  /** Big phone buttons (inspector) instead of console buttons. */
  large?: boolean;
}

const PHOTO_STAGE_OF: Partial<Record<CaseEvent, PhotoStage>> = { feedback: 'feedback', check: 'check', verify: 'verify' };

/** The buttons for what the signed-in role may do to the case now, each opening its small form. */
export function EventActions({ detail, onDone, large = false }: Props) {
  const { state, can } = useSession();
  const role = state.status === 'signed-in' ? state.user.role : '';
  const events = offeredEvents(detail, role, can);
  const [open, setOpen] = useState<CaseEvent | null>(null);
  useEffect(() => setOpen(null), [detail.id, detail.state]);
  if (events.length === 0) return null;
  // Events without a form go straight through unless they end the case.
  const primary = events.filter((e) => PRIMARY_EVENTS.includes(e));
  const secondary = events.filter((e) => !PRIMARY_EVENTS.includes(e));
  return (
    <div className={`case-actions${large ? ' case-actions-large' : ''}`} data-testid="case-actions">
      <div className="case-action-buttons">
        {[...primary, ...secondary].map((e) => (
          <button
            key={e}
            type="button"
            data-testid={`event-${e}`}
            className={`${primary.includes(e) ? 'case-btn-primary' : 'case-btn'}${open === e ? ' active' : ''}`}
            onClick={() => setOpen(open === e ? null : e)}
          >
            {CASE_EVENT_LABELS[e]}
          </button>
        ))}
      </div>
      {open && (
        <EventForm
          key={open}
          event={open}
          detail={detail}
          canListDepartments={can('department.read')}
          onCancel={() => setOpen(null)}
          onDone={(next) => {
            setOpen(null);
            onDone(next);
          }}
        />
      )}
    </div>
  );
}

function EventForm({
  event,
  detail,
  canListDepartments,
  onCancel,
  onDone,
}: {
  event: CaseEvent;
  detail: CaseDetail;
  canListDepartments: boolean;
  onCancel: () => void;
  onDone: (next: CaseDetail) => void;
}) {
  const form = EVENT_FORMS[event];
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [departmentId, setDepartmentId] = useState('');
  const [departments, setDepartments] = useState<{ id: string; name: string }[]>([]);
  const [amount, setAmount] = useState(1);
  const [unit, setUnit] = useState<TimeLimitUnit>('working_days');
  const higher = SUPERVISION_LEVELS.filter(
    (l) => SUPERVISION_LEVELS.indexOf(l) > (detail.supervision ? SUPERVISION_LEVELS.indexOf(detail.supervision) : -1),
  );
  const [level, setLevel] = useState<SupervisionLevel>(higher[0] ?? 'normal');
  const [passed, setPassed] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (form !== 'department' || !canListDepartments) return;
    adminApi
      .departments()
      .then((all) => setDepartments(all.filter((d) => d.active).map((d) => ({ id: d.id, name: d.name }))))
      .catch(() => setDepartments([]));
  }, [form, canListDepartments]);

  const needsReason = form === 'reason' || form === 'extension';
  const needsPhoto = form === 'photo' || form === 'check';
  const ready = (!needsReason || note.trim().length >= 2) && (!needsPhoto || photos.length > 0) && !busy;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const stage = PHOTO_STAGE_OF[event];
      const photoIds: number[] = [];
      if (stage) for (const p of photos) photoIds.push((await uploadPhoto(p, stage, detail.id)).id);
      const text = note.trim();
      const opt = text ? { note: text } : {};
      const body: Record<string, unknown> =
        form === 'reason'
          ? { reason: text }
          : form === 'extension'
            ? { amount, unit, reason: text }
            : form === 'department'
              ? { ...opt, ...(departmentId ? { departmentId } : {}) }
              : form === 'photo'
                ? { ...opt, photoIds }
                : form === 'check'
                  ? { ...opt, passed, photoIds }
                  : form === 'verify'
                    ? { ...opt, confirmed: passed, photoIds }
                    : form === 'supervision'
                      ? { ...opt, level }
                      : opt;
      onDone(await casesApi.event(detail.id, event, body));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="case-event-form" data-testid={`event-form-${event}`}>
      {form === 'department' && (
        <label className="case-field">
          <span>责任部门</span>
          <select data-testid="event-department" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
            <option value="">
              {detail.dispatchSuggestion ? `自动派遣：${detail.dispatchSuggestion.departmentName}` : '自动派遣（按小类与网格）'}
            </option>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {form === 'extension' && (
        <div className="case-field-row">
          <label className="case-field">
            <span>延期</span>
            <input
              type="number"
              min={1}
              max={60}
              value={amount}
              onChange={(e) => setAmount(Math.max(1, Math.min(60, Number(e.target.value) || 1)))}
            />
          </label>
          <label className="case-field">
            <span>单位</span>
            <select value={unit} onChange={(e) => setUnit(e.target.value as TimeLimitUnit)}>
              {TIME_LIMIT_UNITS.map((u) => (
                <option key={u} value={u}>
                  {TIME_LIMIT_UNIT_LABELS[u]}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {form === 'supervision' && (
        <div className="case-choice" role="radiogroup" aria-label="督办级别">
          {higher.map((l) => (
            <button
              key={l}
              type="button"
              role="radio"
              aria-checked={level === l}
              data-testid={`level-${l}`}
              className={`case-level-${l}${level === l ? ' active' : ''}`}
              onClick={() => setLevel(l)}
            >
              {SUPERVISION_LEVEL_LABELS[l]}
            </button>
          ))}
        </div>
      )}
      {(form === 'check' || form === 'verify') && (
        <div className="case-choice" role="radiogroup" aria-label={form === 'check' ? '核查结果' : '核实结果'}>
          <button
            type="button"
            role="radio"
            aria-checked={passed}
            data-testid="result-yes"
            className={passed ? 'active' : ''}
            onClick={() => setPassed(true)}
          >
            {form === 'check' ? '✓ 已处置到位' : '✓ 情况属实'}
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={!passed}
            data-testid="result-no"
            className={!passed ? 'active' : ''}
            onClick={() => setPassed(false)}
          >
            {form === 'check' ? '✗ 未处置到位' : '✗ 情况不属实'}
          </button>
        </div>
      )}
      {PHOTO_STAGE_OF[event] && (
        <>
          <CameraButton
            label={needsPhoto ? '拍现场照片（必填）' : '拍照片（可选）'}
            testId={`event-photo-${event}`}
            onPick={(files) => setPhotos((p) => [...p, ...files].slice(0, 9))}
          />
          <PickedPhotos photos={photos} onRemove={(i) => setPhotos((p) => p.filter((_, j) => j !== i))} />
        </>
      )}
      <label className="case-field">
        <span>{needsReason ? '原因（必填）' : '说明（可选）'}</span>
        <textarea data-testid="event-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && (
        <p className="case-error" role="alert">
          {error}
        </p>
      )}
      <div className="case-form-buttons">
        <button type="button" className="case-btn" onClick={onCancel}>
          取消
        </button>
        <button
          type="button"
          className="case-btn-primary"
          data-testid="event-submit"
          disabled={!ready}
          onClick={() => void submit()}
        >
          {busy ? '提交中…' : `确认${CASE_EVENT_LABELS[event]}`}
        </button>
      </div>
    </div>
  );
}
