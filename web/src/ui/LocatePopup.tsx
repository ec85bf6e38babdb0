import { Popup, type Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { LocateResult } from '../../../contracts';
import { locate } from '../api/endpoints';
import { ApiError, isAbort } from '../api/http';
import { FACILITY_LOOK } from '../map/facility-kinds';
import type { EmergencyFacility } from '../map/facility-layers';

/** A point the operator asked about: a map click, a search result or a facility marker. */
export interface MapTarget {
  lon: number;
  lat: number;
  facility?: EmergencyFacility | null;
}

type LocateState = { status: 'loading' } | { status: 'done'; result: LocateResult } | { status: 'failed'; message: string };

interface Props {
  map: MapLibreMap;
  target: MapTarget;
  onClose: () => void;
}

/** A MapLibre popup whose content React renders: what is at the point (district, 街道, grid cell, owner). */
export function LocatePopup({ map, target, onClose }: Props) {
  const [container] = useState(() => document.createElement('div'));
  const [state, setState] = useState<LocateState>({ status: 'loading' });
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const { lon, lat } = target;

  useEffect(() => {
    const popup = new Popup({ closeOnClick: false, maxWidth: '340px', className: 'locate-popup', offset: 14 })
      .setLngLat([lon, lat])
      .setDOMContent(container)
      .addTo(map);
    const close = () => closeRef.current();
    popup.on('close', close);
    return () => {
      popup.off('close', close);
      popup.remove();
    };
  }, [map, container, lon, lat]);

  useEffect(() => {
    const ac = new AbortController();
    setState({ status: 'loading' });
    locate(lon, lat, ac.signal).then(
      (result) => setState({ status: 'done', result }),
      (err: unknown) => {
        if (isAbort(err)) return;
        const outside = err instanceof ApiError && err.code === 'outside_area';
        setState({ status: 'failed', message: outside ? '该位置不在哈尔滨市行政区域内' : `定位查询失败：${String(err)}` });
      },
    );
    return () => ac.abort();
  }, [lon, lat]);

  return createPortal(<LocateContent target={target} state={state} />, container);
}

function LocateContent({ target, state }: { target: MapTarget; state: LocateState }) {
  const { facility } = target;
  return (
    <div className="locate" data-testid="locate-popup">
      {facility && (
        <div className="locate-facility">
          <span className="locate-facility-kind" style={{ background: FACILITY_LOOK[facility.kind].color }}>
            {FACILITY_LOOK[facility.kind].label}
          </span>
          <strong>{facility.name || '（未命名）'}</strong>
          {facility.hotline && <div>值守电话 {facility.hotline}</div>}
        </div>
      )}
      <h3>位置信息</h3>
      {state.status === 'loading' && <p className="muted">正在查询…</p>}
      {state.status === 'failed' && <p className="warning">{state.message}</p>}
      {state.status === 'done' && <LocateTable result={state.result} />}
      <p className="muted coords">
        经纬度 {target.lon.toFixed(5)}, {target.lat.toFixed(5)}（WGS-84）
      </p>
    </div>
  );
}

function LocateTable({ result }: { result: LocateResult }) {
  const rows: [string, string | null, string?][] = [
    ['区县', result.district && `${result.district.name}（${result.district.code}）`, 'district'],
    ['街道', result.street && `${result.street.name}（${result.street.code}）`, 'street'],
    ['网格编码', result.gridCode, 'grid-code'],
    ['社区', result.community],
    ['责任主体', result.owner, 'owner'],
  ];
  return (
    <>
      <dl className="locate-table">
        {rows.map(([term, value, testId]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd data-testid={testId}>{value ?? '—'}</dd>
          </div>
        ))}
      </dl>
      {result.coverage === 'district' && <p className="muted">该点不在已划分单元网格的街道内，由所在区县属地负责。</p>}
    </>
  );
}
