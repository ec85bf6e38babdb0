import { LAYER_GROUPS, type LayerGroupId, type LayerVisibility } from '../map/layer-groups';
import { Swatch } from './Swatch';

interface Props {
  visibility: LayerVisibility;
  counts: Partial<Record<LayerGroupId, number>>;
  onToggle: (id: LayerGroupId) => void;
}

/** Layer switches with their legend: boundaries and grid first, then the emergency facilities. */
export function LayerPanel({ visibility, counts, onToggle }: Props) {
  return (
    <section className="panel layer-panel map-overlay-ui" aria-labelledby="layer-panel-title">
      <h2 id="layer-panel-title">图层与图例</h2>
      <ul>
        {LAYER_GROUPS.map((group) => (
          <li key={group.id}>
            <label>
              <input type="checkbox" checked={visibility[group.id]} onChange={() => onToggle(group.id)} />
              <Swatch swatch={group.swatch} />
              <span className="layer-title">{group.title}</span>
              {counts[group.id] !== undefined && <span className="layer-count">{counts[group.id]}</span>}
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
