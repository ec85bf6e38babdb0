import type { PickingInfo } from '@deck.gl/core';
import { useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { EvacuationPlan } from '../../../contracts/evacuation';
import { SHELTER_KIND_LABELS, type Shelter, type ShelterKind } from '../../../contracts/shelters';
import { isAbort, messageOf } from '../api/http';
import { UserMenu } from '../identity/UserMenu';
import { MapView, type MapHandles } from '../map/MapView';
import { fetchPopulation, fetchShelters, requestPlan, type PopulationSummary } from './api';
import { addPopulationTiles, planLayers } from './layers';
import '../identity/identity.css';
import './shelters.css';

const minutes = (s: number) => `${(s / 60).toFixed(1)} 分钟`;
const people = (n: number) => n.toLocaleString('zh-CN');

function tooltip(info: PickingInfo): string | null {
  const o = info.object as Record<string, unknown> | undefined;
  if (!o) return null;
  if ('gridCode' in o)
    return `网格 ${String(o.gridCode)}\n人口 ${people(Number(o.population))}，未安置 ${people(Number(o.unassigned))}`;
  if ('assigned' in o) {
    return `${String(o.name)}（${SHELTER_KIND_LABELS[o.kind as ShelterKind] ?? String(o.kind)}）\n可容纳 ${people(Number(o.available))} 人，方案分配 ${people(Number(o.assigned))} 人，就近分配 ${people(Number(o.baselineAssigned))} 人`;
  }
  if ('capacity' in o) return `${String(o.name)}\n容量 ${people(Number(o.capacity))}，在避 ${people(Number(o.occupancy))}`;
  return null;
}

/**
 * 疏散掩蔽方案 for planners and the civil-air-defence office: choose a street or district, compute the plan (each
 * grid cell's people to shelters within capacity, least total walking), and see the walking routes, shelter load and
 * per-street directions beside the nearest-shelter practice, over the population grid.
 */
export function EvacuationPage() {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  const [shelters, setShelters] = useState<Shelter[]>([]);
  const [population, setPopulation] = useState<PopulationSummary | null>(null);
  const [areaKind, setAreaKind] = useState<'street' | 'district'>('street');
  const [code, setCode] = useState('');
  const [variant, setVariant] = useState<'night' | 'day'>('night');
  const [scope, setScope] = useState<'all' | 'underground'>('all');
  const [plan, setPlan] = useState<EvacuationPlan | null>(null);
  const [showBaseline, setShowBaseline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    Promise.all([fetchShelters(ac.signal), fetchPopulation(ac.signal)]).then(
      ([s, p]) => {
        setShelters(s);
        setPopulation(p);
        setCode((c) => c || p.streets[0]?.code || '');
      },
      (err: unknown) => {
        if (!isAbort(err)) setError(messageOf(err));
      },
    );
    return () => ac.abort();
  }, []);

  useEffect(() => {
    if (handles) addPopulationTiles(handles.map, variant);
  }, [handles, variant]);

  const layers = useMemo(() => planLayers(plan, shelters, showBaseline), [plan, shelters, showBaseline]);
  useEffect(() => {
    handles?.overlay.setProps({ layers, getTooltip: tooltip });
  }, [handles, layers]);

  const shelterName = useMemo(() => new Map(shelters.map((s) => [s.id, s.name])), [shelters]);
  const options =
    areaKind === 'street'
      ? (population?.streets ?? [])
      : (population?.districts.map((d) => ({ code: d.adcode, name: d.name })) ?? []);

  const compute = async () => {
    setBusy(true);
    setError(null);
    try {
      const area = areaKind === 'street' ? { street: code } : { district: code };
      const p = await requestPlan({ area, variant, shelters: scope, routes: true });
      setPlan(p);
      if (handles && p.cells.length) {
        const lons = p.cells.map((c) => c.lon);
        const lats = p.cells.map((c) => c.lat);
        handles.map.fitBounds(
          [
            [Math.min(...lons), Math.min(...lats)],
            [Math.max(...lons), Math.max(...lats)],
          ],
          { padding: 60, duration: 0, maxZoom: 15 },
        );
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const loaded = plan ? [...plan.shelters].sort((a, b) => b.assigned - a.assigned).slice(0, 12) : [];
  return (
    <div
      className="app evacuation-app"
      data-testid="evacuation-page"
      data-plan={plan ? 'ready' : busy ? 'busy' : 'none'}
      data-ready={population ? 'true' : 'false'}
    >
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">疏散掩蔽方案</span>
        <UserMenu current="evacuation" />
      </header>
      <div className="evacuation-main">
        <aside className="evacuation-side">
          <h2>范围与口径</h2>
          <div className="evacuation-form">
            <label>
              范围
              <select
                value={areaKind}
                onChange={(e) => {
                  const k = e.target.value as 'street' | 'district';
                  setAreaKind(k);
                  setCode(k === 'street' ? (population?.streets[0]?.code ?? '') : (population?.districts[0]?.adcode ?? ''));
                }}
              >
                <option value="street">街道</option>
                <option value="district">区县</option>
              </select>
            </label>
            <label>
              {areaKind === 'street' ? '街道' : '区县'}
              <select value={code} onChange={(e) => setCode(e.target.value)} data-testid="evacuation-area">
                {options.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name}（{o.code}）
                  </option>
                ))}
              </select>
            </label>
            <label>
              人口口径
              <select value={variant} onChange={(e) => setVariant(e.target.value as 'night' | 'day')}>
                <option value="night">夜间（常住）</option>
                <option value="day">日间</option>
              </select>
            </label>
            <label>
              场所
              <select value={scope} onChange={(e) => setScope(e.target.value as 'all' | 'underground')}>
                <option value="all">全部避难场所</option>
                <option value="underground">仅人防工程（防空袭）</option>
              </select>
            </label>
            <button
              type="button"
              className="primary"
              disabled={busy || !code}
              onClick={() => void compute()}
              data-testid="evacuation-compute"
            >
              {busy ? '计算中…' : '编制方案'}
            </button>
          </div>
          {error && (
            <p className="warning" role="alert" data-testid="evacuation-error">
              {error}
            </p>
          )}
          {plan && (
            <>
              <h2>
                {plan.area.name} · 方案对比{' '}
                <small>
                  （步行 {plan.walkSpeedMs} m/s，至多 {minutes(plan.maxWalkLimitS)}）
                </small>
              </h2>
              <table className="evacuation-table" data-testid="evacuation-totals">
                <thead>
                  <tr>
                    <th />
                    <th>容量约束最优</th>
                    <th>就近分配</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td>人口</td>
                    <td>{people(plan.population)}</td>
                    <td>{people(plan.baseline.population)}</td>
                  </tr>
                  <tr>
                    <td>未安置</td>
                    <td className={plan.unassigned ? 'bad' : ''}>{people(plan.unassigned)}</td>
                    <td>{people(plan.baseline.unassigned)}</td>
                  </tr>
                  <tr>
                    <td>人均步行</td>
                    <td>{minutes(plan.totalWalkS / Math.max(1, plan.population - plan.unassigned))}</td>
                    <td>
                      {minutes(plan.baseline.totalWalkS / Math.max(1, plan.baseline.population - plan.baseline.unassigned))}
                    </td>
                  </tr>
                  <tr>
                    <td>最长步行</td>
                    <td>{minutes(plan.maxWalkS)}</td>
                    <td>{minutes(plan.baseline.maxWalkS)}</td>
                  </tr>
                  <tr>
                    <td>超员场所</td>
                    <td>0</td>
                    <td className={plan.baseline.overloaded ? 'bad' : ''}>{plan.baseline.overloaded}</td>
                  </tr>
                </tbody>
              </table>
              <label className="evacuation-toggle">
                <input type="checkbox" checked={showBaseline} onChange={(e) => setShowBaseline(e.target.checked)} />{' '}
                地图显示就近分配的场所负荷
              </label>
              <h2>各街道前往的避难场所</h2>
              <table className="evacuation-table" data-testid="evacuation-streets">
                <tbody>
                  {plan.streets.map((s) => (
                    <tr key={s.code}>
                      <td>{s.name}</td>
                      <td>
                        {s.to
                          .slice(0, 4)
                          .map((t) => `${shelterName.get(t.shelterId) ?? t.shelterId} ${people(t.people)} 人`)
                          .join('；')}
                        {s.to.length > 4 ? ` 等 ${s.to.length} 处` : ''}
                        {s.unassigned ? `；未安置 ${people(s.unassigned)} 人` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>场所负荷（前 12）</h2>
              <table className="evacuation-table">
                <thead>
                  <tr>
                    <th>场所</th>
                    <th>可容纳</th>
                    <th>分配</th>
                    <th>就近</th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.map((s) => (
                    <tr key={s.id}>
                      <td>{s.name}</td>
                      <td>{people(s.available)}</td>
                      <td>{people(s.assigned)}</td>
                      <td className={s.baselineAssigned > s.available ? 'bad' : ''}>{people(s.baselineAssigned)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="evacuation-note">
                容量按面积估算（人防工程 1 m²/人，应急避难场所有效面积 2 m²/人），人口为估算值；用时 {plan.computeMs} ms。
              </p>
            </>
          )}
        </aside>
        <div className="evacuation-map">
          <MapView onReady={setHandles} onClick={() => undefined} />
          <div className="evacuation-legend">
            <span className="dot ok" />
            有余量 <span className="dot near" />
            将满 <span className="dot full" />
            满员 <span className="dot over" />
            超员 <span className="line" />
            步行路线 <span className="dot unassigned" />
            有未安置人口的网格
          </div>
        </div>
      </div>
    </div>
  );
}
