import type { LayersList } from '@deck.gl/core';
import type { MapMouseEvent } from 'maplibre-gl';
import { useMemo, useState } from 'react';
import { SERVICE_AREA_MAX_MINUTES, serviceAreaInput, type ServiceAreaResponse } from '../../../contracts/analysis';
import { FieldError, fieldProblem } from '../ui/FieldError';
import { plannerApi } from './api';
import { serviceAreaLayers } from './map-layers';
import type { Task } from './useTask';

/** 服务区: the roads and area reachable by car within some minutes from a point picked on the map. */
export function useServiceArea(task: Task) {
  const [minutes, setMinutes] = useState(10);
  const [area, setArea] = useState<ServiceAreaResponse | null>(null);
  const [picking, setPicking] = useState(false);
  const layers = useMemo((): LayersList => (area ? serviceAreaLayers(area) : []), [area]);
  /** The minutes checked with the request's own schema: its message beside the field, and nothing sent. */
  const minutesProblem = fieldProblem(serviceAreaInput.shape.minutes, minutes);
  /** A map click while picking: the origin of a new service area. */
  const onMapClick = (e: MapMouseEvent) => {
    if (!picking) return;
    setPicking(false);
    if (minutesProblem) return;
    const { lng, lat } = e.lngLat;
    void task.run(async () => setArea(await plannerApi.serviceArea({ lon: lng, lat, minutes })));
  };
  return { minutes, setMinutes, minutesProblem, area, picking, setPicking, onMapClick, layers };
}

export type ServiceAreaState = ReturnType<typeof useServiceArea>;

export function ServiceAreaPanel({ s, task }: { s: ServiceAreaState; task: Task }) {
  const { area, picking } = s;
  return (
    <section className="planner-builder">
      <h2>服务区（驾车时间）</h2>
      <label className="planner-limited-field">
        时间（分钟）
        <input
          type="number"
          aria-label="分钟"
          data-testid="service-minutes"
          min={1}
          max={SERVICE_AREA_MAX_MINUTES}
          value={Number.isNaN(s.minutes) ? '' : s.minutes}
          aria-invalid={s.minutesProblem ? true : undefined}
          aria-describedby="service-minutes-error"
          onChange={(e) => s.setMinutes(e.target.value === '' ? Number.NaN : Number(e.target.value))}
        />
        <FieldError id="service-minutes-error" message={s.minutesProblem} />
      </label>
      <button
        type="button"
        className="primary"
        data-testid="service-area-button"
        data-picking={picking ? 'true' : 'false'}
        disabled={!picking && s.minutesProblem !== null}
        onClick={() => s.setPicking(!picking)}
      >
        {picking ? '取消选点' : '在地图上选择起点'}
      </button>
      <p className="muted">
        {task.busy ? '正在计算服务区…' : picking ? '请在地图上点击起点。' : '选择起点后计算该时间内驾车可达的道路和范围。'}
      </p>
      {area && (
        <p data-testid="service-area-result" data-edges={area.reachedEdges}>
          {area.minutes} 分钟可达道路 {area.reachedEdges} 段{area.hull ? '' : '（可达点过少，未生成范围面）'}
        </p>
      )}
    </section>
  );
}
