import { useEffect, useMemo, useState } from 'react';
import type { LocateResult } from '../../../contracts';
import { CASE_KIND_LABELS, CASE_STATE_LABELS, type DuplicateCandidate } from '../../../contracts/cases';
import { locate } from '../api/endpoints';
import { casesApi } from '../cases/api';
import { searchCategories, type CategoryHit } from '../cases/categories';
import { placeLine } from '../cases/format';
import { Icon } from '../cases/icons';
import { CameraButton, PickedPhotos } from '../cases/PhotoPicker';
import { messageOf } from '../api/http';
import { newOutboxItem, type Outbox } from './outbox';
import { PointPicker } from './PointPicker';
import { MAX_REPORT_PHOTOS, validateDraft, type DraftErrors } from './validation';

export interface ReportResult {
  key: string;
  /** Sent: the case code; kept: waiting in the outbox; duplicate: not reported, an open case already exists. */
  status: 'sent' | 'kept' | 'failed' | 'duplicate';
  code?: string;
  message: string;
}

/**
 * 上报: photos from the camera, the position from the phone or a tap on the small map (district, 街道 and grid
 * shown at once), the 小类 found by name, a description; open cases of the same 小类 nearby are offered before
 * the report goes out; the report goes through the outbox, so without a connection it waits on the phone.
 */
export function ReportForm({
  categories,
  outbox,
  online,
  onResult,
}: {
  categories: CategoryHit[];
  outbox: Outbox;
  online: boolean;
  onResult: (r: ReportResult) => void;
}) {
  const [photos, setPhotos] = useState<File[]>([]);
  const [position, setPosition] = useState<{ lon: number; lat: number } | null>(null);
  const [place, setPlace] = useState<LocateResult | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [category, setCategory] = useState<CategoryHit | null>(null);
  const [search, setSearch] = useState('');
  const [picking, setPicking] = useState(false);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<DraftErrors>({});
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);

  const hits = useMemo(() => searchCategories(categories, search, 30), [categories, search]);

  useEffect(() => {
    setPlace(null);
    if (!position || !navigator.onLine) return;
    const ctl = new AbortController();
    locate(position.lon, position.lat, ctl.signal)
      .then(setPlace)
      .catch(() => undefined);
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
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };

  const draft = { categoryCode: category?.code ?? null, description, position, photos };

  const send = async () => {
    setBusy(true);
    try {
      const key = crypto.randomUUID();
      await outbox.add(
        newOutboxItem(
          key,
          {
            categoryCode: category!.code,
            description: description.trim(),
            lon: position!.lon,
            lat: position!.lat,
            observedAt: new Date().toISOString(),
          },
          photos,
        ),
      );
      setPhotos([]);
      setDescription('');
      setCategory(null);
      setDuplicates(null);
      setErrors({});
      if (!navigator.onLine) {
        onResult({ key, status: 'kept', message: '当前无网络，已存入待发箱，联网后自动上报' });
        return;
      }
      const outcome = (await outbox.flush()).find((o) => o.key === key);
      if (outcome?.status === 'sent')
        onResult({ key, status: 'sent', code: outcome.code, message: `已上报，案件号 ${outcome.code}` });
      else if (outcome?.status === 'failed')
        onResult({ key, status: 'failed', message: `上报被拒绝：${outcome.error}（见待发箱）` });
      else onResult({ key, status: 'kept', message: '网络不通，已存入待发箱，联网后自动上报' });
    } catch (err) {
      onResult({ key: '', status: 'failed', message: `保存失败：${messageOf(err)}` });
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    const found = validateDraft(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (duplicates === null && navigator.onLine) {
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
              setDuplicates(null);
              setPhotos([]);
              setDescription('');
              onResult({
                key: '',
                status: 'duplicate',
                code: duplicates[0]!.code,
                message: `同一问题已有案件 ${duplicates[0]!.code}，未重复上报`,
              });
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

  return (
    <form
      className="insp-form"
      data-testid="report-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <section className="insp-card">
        <h2>
          现场照片{' '}
          <small className="muted">
            {photos.length}/{MAX_REPORT_PHOTOS}
          </small>
        </h2>
        <PickedPhotos photos={photos} onRemove={(i) => setPhotos((p) => p.filter((_, j) => j !== i))} />
        <CameraButton
          label={photos.length ? '再拍一张' : '拍照'}
          testId="report-photo"
          className="insp-camera"
          onPick={(f) => setPhotos((p) => [...p, ...f].slice(0, MAX_REPORT_PHOTOS))}
        />
        {errors.photos && <p className="case-error">{errors.photos}</p>}
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
        <p className="insp-place" data-testid="report-place">
          {position
            ? place
              ? place.coverage === 'outside'
                ? '该点不在哈尔滨市内'
                : placeLine(place)
              : online
                ? '正在查询网格…'
                : `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)}（联网后确定网格）`
            : '点按地图选择位置，或使用当前位置'}
        </p>
        {geoError && <p className="case-error">{geoError}</p>}
        {errors.position && <p className="case-error">{errors.position}</p>}
      </section>

      <section className="insp-card">
        <h2>类别</h2>
        {category && !picking ? (
          <button type="button" className="insp-chosen" data-testid="chosen-category" onClick={() => setPicking(true)}>
            <span>
              {CASE_KIND_LABELS[category.kind]} · {category.majorName} / <strong>{category.name}</strong>
            </span>
            <small>更换</small>
          </button>
        ) : (
          <>
            <input
              type="search"
              className="insp-input"
              data-testid="category-search"
              placeholder="搜索类别，如 井盖、垃圾、积水"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onFocus={() => setPicking(true)}
            />
            {picking && (
              <ul className="insp-category-list" data-testid="category-list">
                {hits.map((c) => (
                  <li key={c.code}>
                    <button
                      type="button"
                      data-testid="category-option"
                      data-code={c.code}
                      onClick={() => {
                        setCategory(c);
                        setPicking(false);
                        setSearch('');
                        setDuplicates(null);
                      }}
                    >
                      <strong>{c.name}</strong>
                      <small>
                        {CASE_KIND_LABELS[c.kind]} · {c.majorName} · {c.code}
                      </small>
                    </button>
                  </li>
                ))}
                {hits.length === 0 && <li className="muted">没有匹配的类别</li>}
              </ul>
            )}
          </>
        )}
        {errors.category && <p className="case-error">{errors.category}</p>}
      </section>

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
        {errors.description && <p className="case-error">{errors.description}</p>}
      </section>

      <div className="insp-submit-bar">
        <button type="submit" className="insp-btn-primary insp-btn-block" data-testid="report-submit" disabled={busy}>
          {busy ? '处理中…' : online ? '上报' : '存入待发箱'}
        </button>
      </div>
    </form>
  );
}
