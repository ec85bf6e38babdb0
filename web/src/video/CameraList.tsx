import { useMemo, useState } from 'react';
import type { ListedCamera } from '../../../contracts/media';
import { CAMERA_DRAG_TYPE } from './VideoTile';

const LINK_TEXT: Record<ListedCamera['link']['state'], string> = { live: '在线', standby: '在线', offline: '离线' };

/** What a camera's link means to the person picking it. */
function linkTitle(c: ListedCamera): string {
  if (c.link.state === 'live') return '在线：正在传输视频';
  if (c.link.state === 'standby') return '在线：视频源就绪，调阅时接通';
  const since = c.link.since ? `（自 ${new Date(c.link.since).toLocaleTimeString('zh-CN')}）` : '';
  return `离线：${c.link.reason ?? '视频源不可用'}${since}`;
}

/**
 * The cameras the user may view, by district, filterable by name, each with its online state (在线 / 离线); drag one
 * onto a tile, or click to put it on the selected tile.
 */
export function CameraList({
  cameras,
  onPick,
  shown,
}: {
  cameras: ListedCamera[];
  onPick(id: string): void;
  shown: ReadonlySet<string>;
}) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const byDistrict = new Map<string, ListedCamera[]>();
    for (const c of cameras) {
      if (filter && !c.name.includes(filter.trim())) continue;
      const key = c.districtName ?? c.districtAdcode;
      byDistrict.set(key, [...(byDistrict.get(key) ?? []), c]);
    }
    return [...byDistrict.entries()];
  }, [cameras, filter]);
  const online = cameras.filter((c) => c.link.online).length;
  return (
    <div className="camera-list" data-testid="camera-list">
      <input type="search" placeholder="搜索摄像机" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <p className="camera-list-count" data-testid="camera-online-count">
        在线 {online} / 共 {cameras.length} 路
      </p>
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
                data-online={String(c.link.online)}
                data-link={c.link.state}
                className={`${shown.has(c.id) ? 'shown ' : ''}link-${c.link.online ? 'online' : 'offline'}`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(CAMERA_DRAG_TYPE, c.id);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onPick(c.id)}
                title={`${c.name}（${linkTitle(c)}；${c.codec}，朝向 ${c.direction}°）`}
              >
                <span className="camera-link-dot" aria-hidden="true" />
                <span className="camera-item-name">{c.name}</span>
                <span className="camera-link-text" data-testid="camera-link">
                  {LINK_TEXT[c.link.state]}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {cameras.length === 0 && <p className="muted">没有可调阅的摄像机</p>}
    </div>
  );
}
