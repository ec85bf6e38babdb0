import { useEffect, useState } from 'react';
import type { LocateResult } from '../../../contracts';
import { CASE_PATHS, CASE_STATE_LABELS, type DuplicateCandidate } from '../../../contracts/cases';
import { locate } from '../api/endpoints';
import { ApiError, messageOf } from '../api/http';
import { casesApi } from '../cases/api';
import type { CategoryHit } from '../cases/categories';
import { placeLine } from '../cases/format';
import { Icon } from '../cases/icons';
import { CameraButton, PickedPhotos } from '../cases/PhotoPicker';
import { CategoryPicker } from './CategoryPicker';
import { newOutboxItem, type Outbox, type OutboxItem, type OutboxReport } from './outbox';
import { PointPicker } from './PointPicker';
import { MAX_REPORT_PHOTOS, remainingErrors, validateDraft, type DraftErrors } from './validation';

export interface ReportResult {
  key: string;
  /** Sent: the case code; kept: waiting in the outbox; duplicate: not reported, an open case already exists. */
  status: 'sent' | 'kept' | 'failed' | 'duplicate';
  code?: string;
  message: string;
}

/** The Chinese half of a gateway message ("中文 / English"), which is what the inspector reads. */
export const refusalOf = (message: string): string => message.split(' / ')[0]!.trim() || message;

const thumbOf = (id: number) => CASE_PATHS.photoThumb.replace(':photoId', String(id));

/**
 * 上报: photos from the camera, the position from the phone or a tap on the small map (district, 街道 and grid
 * shown at once), the 小类 found by name or pinyin, a description; open cases of the same 小类 nearby are offered
 * before the report goes out; the report goes through the outbox, so without a connection it waits on the phone.
 * What happened is said beside the 上报 button. A report the server refuses stays in the form with the reason,
 * to be corrected and sent again under the same key; a refused report in the 待发箱 opens here the same way
 * (`editing`).
 */
export function ReportForm({
  categories,
  outbox,
  online,
  result,
  onResult,
  editing,
  onEditDone,
}: {
  categories: CategoryHit[];
  outbox: Outbox;
  online: boolean;
  result: ReportResult | null;
  onResult: (r: ReportResult | null) => void;
  /** A refused report from the 待发箱 to correct. */
  editing: OutboxItem | null;
  /** The correction was sent, kept or given up: the page forgets `editing`. */
  onEditDone: () => void;
}) {
  const [photos, setPhotos] = useState<Blob[]>(() => editing?.photos ?? []);
  const [photoIds, setPhotoIds] = useState<number[]>(() => editing?.photoIds ?? []);
  const [position, setPosition] = useState<{ lon: number; lat: number } | null>(() =>
    editing ? { lon: editing.report.lon, lat: editing.report.lat } : null,
  );
  const [place, setPlace] = useState<LocateResult | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [category, setCategory] = useState<CategoryHit | null>(
    () => categories.find((c) => c.code === editing?.report.categoryCode) ?? null,
  );
  const [description, setDescription] = useState(editing?.report.description ?? '');
  /** The errors found at the last 上报; only those still wrong are shown. */
  const [tried, setTried] = useState<DraftErrors>({});
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  /** The outbox key of the refused report this form corrects, or null for a new report. */
  const [fixing, setFixing] = useState<{ key: string; reason: string | null } | null>(() =>
    editing ? { key: editing.key, reason: editing.lastError && refusalOf(editing.lastError) } : null,
  );

  useEffect(() => {
    setPlace(null);
    if (!position || !navigator.onLine) return;
    const ctl = new AbortController();
    locate(position.lon, position.lat, ctl.signal)
      .then(setPlace)
      .catch((err: unknown) => {
        // The gateway answers a point outside every district with outside_area rather than a place.
        if (err instanceof ApiError && err.code === 'outside_area') {
          setPlace({
            ...position,
            coverage: 'outside',
            district: null,
            street: null,
            gridCode: null,
            community: null,
            owner: null,
          });
        }
      });
    return () => ctl.abort();
  }, [position]);

  const useDevicePosition = () => {
    if (!('geolocation' in navigator)) {
      setGeoError('此设备不能定位，请在地图上点选');
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPosition({ lon: p.coords.longitude, lat: p.coords.latitude });
      },
      (err) => {
        setLocating(false);
        setGeoError(`定位失败（${err.message || err.code}），请在地图上点选`);
      },
      // A fresh fix: an inspector who walked to the next problem must not get the last one's grid cell.
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 },
    );
  };

  const draft = { categoryCode: category?.code ?? null, description, position, photos, photoIds };
  const errors = remainingErrors(tried, validateDraft(draft));

  const clear = () => {
    setPhotos([]);
    setPhotoIds([]);
    setDescription('');
    setCategory(null);
    setDuplicates(null);
    setTried({});
    if (fixing) onEditDone();
    setFixing(null);
  };

  const send = async () => {
    setBusy(true);
    setDuplicates(null);
    const key = fixing?.key ?? crypto.randomUUID();
    try {
      const report: OutboxReport = {
        categoryCode: category!.code,
        description: description.trim(),
        lon: position!.lon,
        lat: position!.lat,
        observedAt: new Date().toISOString(),
      };
      if (fixing) await outbox.edit(key, report, photos, photoIds);
      else await outbox.add(newOutboxItem(key, report, photos));
      if (!navigator.onLine) {
        clear();
        onResult({ key, status: 'kept', message: '当前无网络，已存入待发箱，联网后自动上报' });
        return;
      }
      const outcome = (await outbox.flush()).find((o) => o.key === key);
      if (outcome?.status === 'sent') {
        clear();
        onResult({ key, status: 'sent', code: outcome.code, message: `已上报，案件号 ${outcome.code}` });
      } else if (outcome?.status === 'failed') {
        // Keep everything as typed; photos already uploaded are kept as such, so a correction does not send them again.
        const stored = await outbox.item(key);
        if (stored) {
          setPhotos(stored.photos);
          setPhotoIds(stored.photoIds);
        }
        const reason = refusalOf(outcome.error);
        setFixing({ key, reason });
        onResult({ key, status: 'failed', message: `上报被退回：${reason}。请修改后重新上报` });
      } else {
        clear();
        onResult({ key, status: 'kept', message: '网络不通，已存入待发箱，联网后自动上报' });
      }
    } catch (err) {
      onResult({ key, status: 'failed', message: `保存失败：${messageOf(err)}` });
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    const found = validateDraft(draft);
    setTried(found);
    onResult(null);
    if (Object.keys(found).length > 0) return;
    if (duplicates === null && !fixing && navigator.onLine) {
      setBusy(true);
      try {
        const d = await casesApi.duplicates(position!.lon, position!.lat, category!.code);
        if (d.candidates.length > 0) {
          setDuplicates(d.candidates);
          return;
        }
      } catch {
        // No suggestion without an answer: report anyway.
      } finally {
        setBusy(false);
      }
    }
    await send();
  };

  if (duplicates && duplicates.length > 0) {
    return (
      <section className="insp-card insp-duplicates" data-testid="duplicates">
        <h2>附近已有 {duplicates.length} 件同类案件</h2>
        <p className="muted">若是同一问题，无需重复上报。</p>
        <ul>
          {duplicates.map((d) => (
            <li key={d.id} data-testid="duplicate" data-case-id={d.id}>
              {d.thumbUrl && <img src={d.thumbUrl} alt="" />}
              <div>
                <strong>{d.code}</strong> · {CASE_STATE_LABELS[d.state]} · 相距 {Math.round(d.distanceM)} 米<p>{d.description}</p>
              </div>
            </li>
          ))}
        </ul>
        <div className="insp-bar-buttons insp-submit-bar">
          <button
            type="button"
            className="insp-btn"
            data-testid="duplicate-same"
            onClick={() => {
              const code = duplicates[0]!.code;
              clear();
              onResult({ key: '', status: 'duplicate', code, message: `同一问题已有案件 ${code}，未重复上报` });
            }}
          >
            同一问题，不报
          </button>
          <button
            type="button"
            className="insp-btn-primary"
            data-testid="duplicate-report-anyway"
            disabled={busy}
            onClick={() => void send()}
          >
            不是，仍要上报
          </button>
        </div>
      </section>
    );
  }

  const photoCount = photos.length + photoIds.length;
  const shown: ReportResult | null =
    result ??
    (fixing?.reason ? { key: fixing.key, status: 'failed', message: `上报被退回：${fixing.reason}。请修改后重新上报` } : null);
  return (
    <form
      className="insp-form"
      data-testid="report-form"
      data-fixing={fixing?.key ?? ''}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {fixing && (
        <div className="insp-fixing" data-testid="report-fixing">
          <span>正在修改被退回的上报</span>
          <button
            type="button"
            className="insp-link"
            onClick={() => {
              clear();
              onResult(null);
            }}
          >
            放弃修改（留在待发箱）
          </button>
        </div>
      )}
      <section className="insp-card">
        <h2>
          现场照片{' '}
          <small className="muted">
            {photoCount}/{MAX_REPORT_PHOTOS}
          </small>
        </h2>
        {photoIds.length > 0 && (
          <div className="case-picked" data-testid="uploaded-photos" data-count={photoIds.length}>
            {photoIds.map((id, i) => (
              <div key={id} className="case-picked-item">
                <img src={thumbOf(id)} alt={`已上传照片 ${i + 1}`} />
                <button
                  type="button"
                  className="case-picked-remove"
                  aria-label={`删除已上传照片 ${i + 1}`}
                  onClick={() => setPhotoIds((p) => p.filter((x) => x !== id))}
                >
                  ×
                </button>
              </div>
            ))}
          </div>
        )}
        <PickedPhotos photos={photos} onRemove={(i) => setPhotos((p) => p.filter((_, j) => j !== i))} />
        <CameraButton
          label={photoCount ? '再拍一张' : '拍照'}
          testId="report-photo"
          className="insp-camera"
          onPick={(f) => setPhotos((p) => [...p, ...f].slice(0, Math.max(0, MAX_REPORT_PHOTOS - photoIds.length)))}
        />
        {errors.photos && (
          <p className="case-error" data-testid="error-photos">
            {errors.photos}
          </p>
        )}
      </section>

      <section className="insp-card">
        <h2>位置</h2>
        <button type="button" className="insp-btn" data-testid="use-gps" onClick={useDevicePosition} disabled={locating}>
          {locating ? (
            '正在定位…'
          ) : (
            <>
              <Icon name="pin" /> 使用当前位置
            </>
          )}
        </button>
        <PointPicker point={position} onPick={setPosition} />
        <p className={`insp-place${place?.coverage === 'outside' ? ' case-error' : ''}`} data-testid="report-place">
          {position
            ? place
              ? place.coverage === 'outside'
                ? '该点不在哈尔滨市内，请重新定位或在地图上点选'
                : placeLine(place)
              : online
                ? '正在查询网格…'
                : `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)}（联网后确定网格）`
            : '点按地图选择位置，或使用当前位置'}
        </p>
        {geoError && <p className="case-error">{geoError}</p>}
        {errors.position && (
          <p className="case-error" data-testid="error-position">
            {errors.position}
          </p>
        )}
      </section>

      <CategoryPicker
        categories={categories}
        chosen={category}
        error={errors.category}
        onChoose={(c) => {
          setCategory(c);
          setDuplicates(null);
        }}
      />

      <section className="insp-card">
        <h2>描述</h2>
        <textarea
          className="insp-input"
          data-testid="report-description"
          rows={3}
          placeholder="问题描述，如：井盖缺失，位于人行道"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        {errors.description && (
          <p className="case-error" data-testid="error-description">
            {errors.description}
          </p>
        )}
      </section>

      <div className="insp-submit-bar">
        {shown && (
          <div
            className={`insp-result insp-result-${shown.status}`}
            role="status"
            data-testid="report-result"
            data-status={shown.status}
            data-key={shown.key}
          >
            <span>{shown.message}</span>
            {result && (
              <button type="button" className="insp-link" aria-label="关闭提示" onClick={() => onResult(null)}>
                ×
              </button>
            )}
          </div>
        )}
        {Object.keys(errors).length > 0 && (
          <p className="insp-result insp-result-failed" data-testid="report-errors">
            还有 {Object.keys(errors).length} 项需要填写或修改
          </p>
        )}
        <button type="submit" className="insp-btn-primary insp-btn-block" data-testid="report-submit" disabled={busy}>
          {busy ? '处理中…' : fixing ? (online ? '修改后重新上报' : '修改后存入待发箱') : online ? '上报' : '存入待发箱'}
        </button>
      </div>
    </form>
  );
}
