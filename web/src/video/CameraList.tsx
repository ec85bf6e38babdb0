import { useMemo, useState } from 'react';
import type { Camera } from '../../../contracts/media';
import { CAMERA_DRAG_TYPE } from './VideoTile';

/** The cameras the user may view, by district, filterable by name; drag one onto a tile or click to place it. */
export function CameraList({
  cameras,
  onPick,
  shown,
}: {
  cameras: Camera[];
  onPick(id: string): void;
  shown: ReadonlySet<string>;
}) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const byDistrict = new Map<string, Camera[]>();
    for (const c of cameras) {
      if (filter && !c.name.includes(filter.trim())) continue;
      const key = c.districtName ?? c.districtAdcode;
      byDistrict.set(key, [...(byDistrict.get(key) ?? []), c]);
    }
    return [...byDistrict.entries()];
  }, [cameras, filter]);
  return (
    <aside className="camera-list" data-testid="camera-list">
      <input type="search" placeholder="搜索摄像机" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {groups.map(([district, list]) => (
        <section key={district}>
          <h3>{district}</h3>
          <ul>
            {list.map((c) => (
              <li
                key={c.id}
                draggable
                data-testid="camera-item"
                data-camera-id={c.id}
                className={shown.has(c.id) ? 'shown' : undefined}
                onDragStart={(e) => {
                  e.dataTransfer.setData(CAMERA_DRAG_TYPE, c.id);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onPick(c.id)}
                title={`${c.name}（${c.codec}，朝向 ${c.direction}°）`}
              >
                {c.name}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {cameras.length === 0 && <p className="muted">没有可调阅的摄像机</p>}
    </aside>
  );
}
