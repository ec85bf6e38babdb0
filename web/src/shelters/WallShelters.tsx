import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useMemo, useState } from 'react';
import type { Shelter } from '../../../contracts/shelters';
import { FULL_AT, loadHex, SHELTER_LOAD_LABELS, shelterLoad, shelterTotals, TIGHT_AT, type ShelterLoad } from './load';
import { pickedShelterGroup, shelterLayers, shelterLines, zoomIntoGroup } from './wall-layers';
import './wall-shelters.css';

export interface WallShelters {
  shelters: Shelter[];
  selected: Shelter | null;
  /** The map layers at a zoom (none while the layer is off). */
  zoomLayers: (zoom: number) => ReturnType<typeof shelterLayers>;
  /** A click on a group zooms in on it; on a shelter selects it. */
  onPick: (info: PickingInfo, map: MapLibreMap) => void;
  close: () => void;
}

/** The shelters of the wall's live picture, their map layers and the selected one. */
export function useWallShelters(live: ReadonlyMap<string, Shelter>, shown: boolean, scale: number): WallShelters {
  const shelters = useMemo(() => [...live.values()].sort((a, b) => a.id.localeCompare(b.id)), [live]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = (shown && selectedId !== null && live.get(selectedId)) || null;
  const zoomLayers = useCallback(
    (zoom: number) => (shown ? shelterLayers(shelters, { scale, zoom, selectedId }) : []),
    [shown, shelters, scale, selectedId],
  );
  const onPick = useCallback((info: PickingInfo, map: MapLibreMap) => {
    const g = pickedShelterGroup(info);
    if (!g) return;
    if (g.members.length === 1) setSelectedId(g.id);
    else map.easeTo({ center: [g.lon, g.lat], zoom: zoomIntoGroup(map.getZoom()), duration: 600 });
  }, []);
  const close = useCallback(() => setSelectedId(null), []);
  return { shelters, selected, zoomLayers, onPick, close };
}

/** People in words: up to ten thousand as they are, then in 万. */
const peopleShort = (n: number): string =>
  n >= 10_000 ? `${(n / 10_000).toFixed(n >= 1_000_000 ? 0 : 1)} 万人` : `${n.toLocaleString('zh-CN')} 人`;

const LEGEND: { load: ShelterLoad; note: string }[] = [
  { load: 'room', note: `< ${TIGHT_AT * 100}%` },
  { load: 'tight', note: `${TIGHT_AT * 100}–${FULL_AT * 100}%` },
  { load: 'full', note: `≥ ${FULL_AT * 100}%` },
  { load: 'standby', note: '' },
  { load: 'closed', note: '' },
];

/**
 * Over the map's bottom-left corner: the shelters' key (shape and load colours) and totals, the selected shelter, and
 * each shelter's state as data attributes of a hidden list (for browser tests, which read the wall without pixels).
 */
export function WallShelterPanel({
  shelters,
  selected,
  onClose,
}: {
  shelters: Shelter[];
  selected: Shelter | null;
  onClose: () => void;
}) {
  const t = useMemo(() => shelterTotals(shelters), [shelters]);
  return (
    <div
      className="wall-shelters"
      data-testid="wall-shelters"
      data-count={t.count}
      data-in-use={t.inUse}
      data-full={t.byLoad.full}
      data-occupancy={t.occupancy}
      data-capacity={t.capacity}
    >
      {selected && <ShelterCard shelter={selected} onClose={onClose} />}
      <div className="wall-shelters-key" aria-label="避难场所图例与合计">
        <div className="wall-shelters-title">
          <b>避难场所</b>
          <span>
            <i className="wall-shelter-shape square" /> 地下 {t.underground}
          </span>
          <span>
            <i className="wall-shelter-shape disc" /> 室外 {t.openSpace}
          </span>
        </div>
        <ul className="wall-shelters-loads">
          {LEGEND.map(({ load, note }) => (
            <li key={load} data-load={load}>
              <i className="wall-shelter-swatch" style={{ background: loadHex(load) }} />
              {SHELTER_LOAD_LABELS[load]}
              {note && <small> {note}</small>}
              <b>{t.byLoad[load]}</b>
            </li>
          ))}
        </ul>
        <div className="wall-shelters-totals" data-testid="wall-shelter-totals">
          容量 {peopleShort(t.capacity)} · 在避 {peopleShort(t.occupancy)} · 使用中 {t.inUse} 处 · 已满 {t.byLoad.full} 处
        </div>
      </div>
      <ul hidden data-testid="wall-shelter-states">
        {shelters.map((s) => {
          const load = shelterLoad(s);
          return (
            <li
              key={s.id}
              data-id={s.id}
              data-load={load}
              data-color={loadHex(load)}
              data-opening={s.opening}
              data-occupancy={s.occupancy}
            />
          );
        })}
      </ul>
    </div>
  );
}

function ShelterCard({ shelter, onClose }: { shelter: Shelter; onClose: () => void }) {
  const load = shelterLoad(shelter);
  const [title, ...lines] = shelterLines(shelter, load);
  return (
    <section className="wall-shelter-card" data-testid="wall-shelter-card" data-id={shelter.id} data-load={load}>
      <header style={{ borderColor: loadHex(load) }}>
        <b>{title}</b>
        <button type="button" className="wall-small-button" onClick={onClose} aria-label="关闭">
          ×
        </button>
      </header>
      {lines.map((l) => (
        <div key={l}>{l}</div>
      ))}
    </section>
  );
}
