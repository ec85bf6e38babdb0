import { WALL_LAYER_LABELS, type WallLayerId, type WallView } from './mode-view';

interface Props {
  view: WallView;
  /** The mode's name, for the reset button. */
  modeLabel: string | null;
  onToggle: (id: WallLayerId) => void;
  onReset: () => void;
}

/**
 * The wall's layer switch, folded into one small button over the map: operators may show or hide any layer by hand;
 * the next mode change (or 恢复默认) goes back to the mode's defaults.
 */
export function LayerToggle({ view, modeLabel, onToggle, onReset }: Props) {
  return (
    <details className="wall-layers" data-testid="layer-toggle" data-adjusted={String(view.adjusted)}>
      <summary>
        图层
        {view.adjusted && <span className="wall-layers-adjusted">已调整</span>}
      </summary>
      <ul>
        {view.switchable.map((id) => (
          <li key={id}>
            <label>
              <input
                type="checkbox"
                data-testid={`layer-toggle-${id}`}
                checked={view.layers.includes(id)}
                onChange={() => onToggle(id)}
              />
              {WALL_LAYER_LABELS[id]}
              {view.defaults.includes(id) && <span className="wall-layers-default">默认</span>}
            </label>
          </li>
        ))}
      </ul>
      <button type="button" className="wall-small-button" disabled={!view.adjusted} onClick={onReset}>
        恢复{modeLabel ?? ''}默认图层
      </button>
    </details>
  );
}
