import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import {
  WARNING_CERTAINTIES,
  WARNING_CERTAINTY_LABELS,
  WARNING_HAZARD_IDS,
  WARNING_HAZARDS,
  WARNING_LEVEL_COLORS,
  WARNING_LEVEL_LABELS,
  WARNING_LEVELS,
  warningName,
  type PublicWarning,
  type PublishWarningInput,
  type WarningAreasResponse,
  type WarningCertainty,
  type WarningHazard,
  type WarningLevel,
} from '../../../contracts/warnings';
import { isAbort, messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { MapView, type MapHandles } from '../map/MapView';
import { capUrl, warningsApi } from './api';
import { warningLayers, warningTooltip } from './warning-layers';
import '../identity/identity.css';
import './warnings.css';

type AreaKind = PublishWarningInput['area']['kind'];

interface Draft {
  hazard: WarningHazard;
  level: WarningLevel;
  areaKind: AreaKind;
  districts: string[];
  streetDistrict: string;
  streets: string[];
  /** Drawn vertices as [lon, lat], not yet closed. */
  polygon: [number, number][];
  areaName: string;
  headline: string;
  description: string;
  instruction: string;
  certainty: WarningCertainty;
  /** `datetime-local` values; an empty effective time means now. */
  effectiveAt: string;
  expiresAt: string;
  drill: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A time as the `datetime-local` input shows it (the browser's own zone). */
const localInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const toIso = (local: string) => new Date(local).toISOString();

const emptyDraft = (): Draft => ({
  hazard: 'snowstorm',
  level: 'orange',
  areaKind: 'districts',
  districts: [],
  streetDistrict: '',
  streets: [],
  polygon: [],
  areaName: '',
  headline: '',
  description: '',
  instruction: '',
  certainty: 'Likely',
  effectiveAt: '',
  expiresAt: localInput(Date.now() + 12 * 3_600_000),
  drill: false,
});

/** A warning in force as a draft of its update (the whole content; the area as it was named). */
function draftOf(w: PublicWarning): Draft {
  const d = emptyDraft();
  const polygon = w.areaKind === 'polygon' ? ((w.geometry.coordinates[0]?.[0] ?? []) as [number, number][]).slice(0, -1) : [];
  return {
    ...d,
    hazard: w.hazard,
    level: w.level,
    areaKind: w.areaKind,
    districts: w.areaKind === 'districts' ? w.areaCodes : [],
    streets: w.areaKind === 'streets' ? w.areaCodes : [],
    streetDistrict: w.areaKind === 'streets' ? (w.areaCodes[0]?.slice(0, 6) ?? '') : '',
    polygon,
    areaName: w.areaKind === 'polygon' ? w.areaDesc : '',
    headline: w.headline,
    description: w.description,
    instruction: w.instruction,
    certainty: w.certainty,
    expiresAt: localInput(Date.parse(w.expiresAt)),
    drill: w.drill,
  };
}

function inputOf(d: Draft): PublishWarningInput {
  const area: PublishWarningInput['area'] =
    d.areaKind === 'districts'
      ? { kind: 'districts', codes: d.districts }
      : d.areaKind === 'streets'
        ? { kind: 'streets', codes: d.streets }
        : {
            kind: 'polygon',
            polygon: d.polygon.length ? [...d.polygon, d.polygon[0]!] : [],
            ...(d.areaName.trim() ? { name: d.areaName.trim() } : {}),
          };
  return {
    hazard: d.hazard,
    level: d.level,
    area,
    ...(d.headline.trim() ? { headline: d.headline.trim() } : {}),
    description: d.description,
    instruction: d.instruction,
    certainty: d.certainty,
    ...(d.effectiveAt ? { effectiveAt: toIso(d.effectiveAt) } : {}),
    expiresAt: d.expiresAt ? toIso(d.expiresAt) : '',
    drill: d.drill,
  };
}

const levelStyle = (level: WarningLevel) => ({ background: `rgb(${WARNING_LEVEL_COLORS[level].join(',')})` });

/**
 * 预警发布 for leaders and commanders (`warning.publish`): the form (hazard, colour, area by districts, streets or a
 * polygon drawn on the map, content, 防御指南, times, drill), the warnings in force with 调整 (a CAP Update) and
 * 解除 (a CAP Cancel), and the map with their areas in their colours.
 */
export function WarningsPage() {
  const { can } = useSession();
  const [areas, setAreas] = useState<WarningAreasResponse | null>(null);
  const [active, setActive] = useState<PublicWarning[]>([]);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [editing, setEditing] = useState<PublicWarning | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const mayCancel = can('warning.cancel');

  const reload = useCallback((signal?: AbortSignal) => {
    warningsApi.active(signal).then(
      (r) => setActive(r.warnings),
      (err: unknown) => !isAbort(err) && setError(messageOf(err)),
    );
  }, []);
  useEffect(() => {
    const ac = new AbortController();
    warningsApi.areas(ac.signal).then(setAreas, (err: unknown) => !isAbort(err) && setError(messageOf(err)));
    reload(ac.signal);
    const timer = window.setInterval(() => reload(), 30_000);
    return () => {
      ac.abort();
      window.clearInterval(timer);
    };
  }, [reload]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggle = (key: 'districts' | 'streets', code: string) =>
    setDraft((d) => ({ ...d, [key]: d[key].includes(code) ? d[key].filter((c) => c !== code) : [...d[key], code] }));

  const submit = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const input = inputOf(draft);
      const published = editing ? (await warningsApi.update(editing.id, input)).warning : await warningsApi.publish(input);
      setNotice(`已${editing ? '调整' : '发布'}：${published.headline}`);
      setDraft(emptyDraft());
      setEditing(null);
      reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (w: PublicWarning) => {
    const reason = window.prompt(`解除「${w.headline}」的原因：`);
    if (!reason) return;
    setError(null);
    try {
      await warningsApi.cancel(w.id, reason);
      setNotice(`已解除：${w.headline}`);
      if (editing?.id === w.id) {
        setEditing(null);
        setDraft(emptyDraft());
      }
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  // The map: warnings in force, and the polygon being drawn.
  const drawing = draft.areaKind === 'polygon';
  const layers = useMemo<Layer[]>(() => {
    const out: Layer[] = warningLayers(active, { scale: 1 });
    if (drawing && draft.polygon.length) {
      const path = draft.polygon.length > 2 ? [...draft.polygon, draft.polygon[0]!] : draft.polygon;
      out.push(
        new PathLayer<[number, number][]>({
          id: 'warning-draft-path',
          data: [path],
          getPath: (p) => p,
          getColor: [...WARNING_LEVEL_COLORS[draft.level], 255],
          getWidth: 3,
          widthUnits: 'pixels',
        }),
        new ScatterplotLayer<[number, number]>({
          id: 'warning-draft-vertices',
          data: draft.polygon,
          getPosition: (p) => p,
          getRadius: 5,
          radiusUnits: 'pixels',
          getFillColor: [255, 255, 255, 255],
          getLineColor: [20, 32, 48, 255],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
        }),
      );
    }
    return out;
  }, [active, drawing, draft.polygon, draft.level]);
  useEffect(() => {
    handles?.overlay.setProps({
      layers,
      getTooltip: (info) => {
        const text = warningTooltip(info);
        return text ? { text } : null;
      },
    });
  }, [handles, layers]);
  const onMapClick = useCallback(
    (e: MapMouseEvent) => {
      if (!drawing) return;
      const p: [number, number] = [Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))];
      setDraft((d) => ({ ...d, polygon: [...d.polygon, p] }));
    },
    [drawing],
  );

  const streetsOfDistrict = areas?.streets.filter((s) => s.districtCode === draft.streetDistrict) ?? [];

  return (
    <div className="warnings-app" data-testid="warnings-page">
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">预警发布</span>
        <UserMenu current="warnings" />
      </header>
      <main className="warnings-main">
        <aside className="warnings-side">
          <h2>{editing ? `调整预警：${warningName(editing)}` : '发布预警'}</h2>
          <form
            className="warnings-form"
            data-testid="warning-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <label>
              <span>预警类型</span>
              <select value={draft.hazard} onChange={(e) => set('hazard', e.target.value as WarningHazard)} name="hazard">
                {WARNING_HAZARD_IDS.map((h) => (
                  <option key={h} value={h}>
                    {WARNING_HAZARDS[h].label}
                  </option>
                ))}
              </select>
            </label>
            <div>
              <span className="warnings-note">预警级别</span>
              <div className="warnings-levels" role="radiogroup" aria-label="预警级别">
                {WARNING_LEVELS.map((l) => (
                  <button
                    key={l}
                    type="button"
                    role="radio"
                    aria-checked={draft.level === l}
                    className={draft.level === l ? 'active' : ''}
                    style={levelStyle(l)}
                    data-level={l}
                    onClick={() => set('level', l)}
                  >
                    {WARNING_LEVEL_LABELS[l]}
                  </button>
                ))}
              </div>
            </div>
            <label>
              <span>预警范围</span>
              <select value={draft.areaKind} onChange={(e) => set('areaKind', e.target.value as AreaKind)} name="areaKind">
                <option value="districts">按区县</option>
                <option value="streets">按街道</option>
                <option value="polygon">在地图上绘制多边形</option>
              </select>
            </label>
            {draft.areaKind === 'districts' && (
              <div className="warnings-choices" data-testid="warning-districts">
                {areas?.districts.map((d) => (
                  <label key={d.code}>
                    <input
                      type="checkbox"
                      checked={draft.districts.includes(d.code)}
                      onChange={() => toggle('districts', d.code)}
                    />
                    {d.name}
                  </label>
                ))}
              </div>
            )}
            {draft.areaKind === 'streets' && (
              <>
                <label>
                  <span>所在区县</span>
                  <select value={draft.streetDistrict} onChange={(e) => set('streetDistrict', e.target.value)}>
                    <option value="">请选择区县</option>
                    {areas?.districts.map((d) => (
                      <option key={d.code} value={d.code}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </label>
                <div className="warnings-choices">
                  {streetsOfDistrict.map((s) => (
                    <label key={s.code}>
                      <input
                        type="checkbox"
                        checked={draft.streets.includes(s.code)}
                        onChange={() => toggle('streets', s.code)}
                      />
                      {s.name}
                    </label>
                  ))}
                  {draft.streetDistrict && !streetsOfDistrict.length && <span className="warnings-note">该区县没有街道数据</span>}
                </div>
              </>
            )}
            {draft.areaKind === 'polygon' && (
              <>
                <p className="warnings-note">
                  在右侧地图上依次点击多边形的顶点（已取 {draft.polygon.length} 个点，至少 3 个），发布时自动闭合。
                  <button
                    type="button"
                    onClick={() => set('polygon', draft.polygon.slice(0, -1))}
                    disabled={!draft.polygon.length}
                  >
                    撤销一点
                  </button>
                  <button type="button" onClick={() => set('polygon', [])} disabled={!draft.polygon.length}>
                    清除
                  </button>
                </p>
                <label>
                  <span>区域名称（可不填，默认按所涉区县命名）</span>
                  <input type="text" value={draft.areaName} onChange={(e) => set('areaName', e.target.value)} maxLength={100} />
                </label>
              </>
            )}
            <label>
              <span>标题（可不填，自动生成）</span>
              <input type="text" value={draft.headline} onChange={(e) => set('headline', e.target.value)} maxLength={160} />
            </label>
            <label>
              <span>预警内容</span>
              <textarea name="description" value={draft.description} onChange={(e) => set('description', e.target.value)} />
            </label>
            <label>
              <span>防御指南</span>
              <textarea name="instruction" value={draft.instruction} onChange={(e) => set('instruction', e.target.value)} />
            </label>
            <label>
              <span>确定性</span>
              <select value={draft.certainty} onChange={(e) => set('certainty', e.target.value as WarningCertainty)}>
                {WARNING_CERTAINTIES.map((c) => (
                  <option key={c} value={c}>
                    {WARNING_CERTAINTY_LABELS[c]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>生效时间（不填为立即）</span>
              <input type="datetime-local" value={draft.effectiveAt} onChange={(e) => set('effectiveAt', e.target.value)} />
            </label>
            <label>
              <span>解除（失效）时间</span>
              <input
                type="datetime-local"
                name="expiresAt"
                value={draft.expiresAt}
                onChange={(e) => set('expiresAt', e.target.value)}
              />
            </label>
            <label>
              <input type="checkbox" checked={draft.drill} onChange={(e) => set('drill', e.target.checked)} /> 演练（CAP 状态为
              Exercise）
            </label>
            {error && (
              <div className="warnings-error" role="alert">
                {error}
              </div>
            )}
            {notice && (
              <div className="warnings-note" role="status" data-testid="warning-notice">
                {notice}
              </div>
            )}
            <div className="warnings-actions">
              <button type="submit" className="primary" disabled={busy} data-testid="warning-submit">
                {editing ? '发布调整' : '发布预警'}
              </button>
              {editing && (
                <button
                  type="button"
                  onClick={() => {
                    setEditing(null);
                    setDraft(emptyDraft());
                  }}
                >
                  放弃调整
                </button>
              )}
            </div>
          </form>
          <h2>生效中的预警（{active.length}）</h2>
          <ul className="warnings-list" data-testid="warning-list">
            {active.map((w) => (
              <li key={w.id} style={{ borderLeftColor: `rgb(${WARNING_LEVEL_COLORS[w.level].join(',')})` }} data-level={w.level}>
                <strong>
                  {w.drill ? '【演练】' : ''}
                  {warningName(w)}
                </strong>
                <div>{w.areaDesc}</div>
                <div className="warnings-note">
                  {new Date(w.effectiveAt).toLocaleString('zh-CN', { hour12: false })} 至{' '}
                  {new Date(w.expiresAt).toLocaleString('zh-CN', { hour12: false })}
                </div>
                <div className="row">
                  <button
                    type="button"
                    onClick={() => {
                      setEditing(w);
                      setDraft(draftOf(w));
                    }}
                  >
                    调整
                  </button>
                  {mayCancel && (
                    <button type="button" onClick={() => void cancel(w)}>
                      解除
                    </button>
                  )}
                  <a href={capUrl(w)} target="_blank" rel="noreferrer">
                    CAP
                  </a>
                </div>
              </li>
            ))}
          </ul>
        </aside>
        <section className="warnings-map" aria-label="预警范围地图">
          {drawing && <div className="warnings-draw-hint">点击地图添加多边形顶点</div>}
          <MapView onReady={setHandles} onClick={onMapClick} />
        </section>
      </main>
    </div>
  );
}
