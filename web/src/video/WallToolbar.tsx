import { VIDEO_LAYOUTS, type VideoLayout } from '../../../contracts/media';

interface Props {
  layout: VideoLayout;
  onLayout(layout: VideoLayout): void;
  patrolOn: boolean;
  onPatrol(on: boolean): void;
  presets: { id: string; label: string; current: boolean }[];
  onPreset(id: string): void;
}

/** Layouts 1/4/9/16, patrol rotation on/off and the per-mode presets. */
export function WallToolbar({ layout, onLayout, patrolOn, onPatrol, presets, onPreset }: Props) {
  return (
    <div className="video-toolbar" role="toolbar">
      <span className="video-toolbar-label">分屏</span>
      {VIDEO_LAYOUTS.map((n) => (
        <button
          key={n}
          type="button"
          data-testid={`layout-${n}`}
          className={n === layout ? 'active' : undefined}
          aria-pressed={n === layout}
          onClick={() => onLayout(n)}
        >
          {n}
        </button>
      ))}
      <button
        type="button"
        data-testid="patrol"
        className={patrolOn ? 'active' : undefined}
        aria-pressed={patrolOn}
        onClick={() => onPatrol(!patrolOn)}
      >
        {patrolOn ? '停止轮巡' : '轮巡'}
      </button>
      <span className="video-toolbar-label">预案</span>
      {presets.map((p) => (
        <button
          key={p.id}
          type="button"
          data-testid={`preset-${p.id}`}
          className={p.current ? 'current' : undefined}
          title={p.current ? '当前模式' : undefined}
          onClick={() => onPreset(p.id)}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}
