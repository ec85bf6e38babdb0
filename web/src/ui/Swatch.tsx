import type { Swatch as SwatchSpec } from '../map/layer-groups';

/** The legend mark of a layer: a line sample or a facility marker, drawn as the map draws it. */
export function Swatch({ swatch }: { swatch: SwatchSpec }) {
  if (swatch.shape === 'marker') {
    return (
      <span className="swatch-marker" style={{ background: swatch.color }} aria-hidden>
        {swatch.glyph}
      </span>
    );
  }
  return (
    <span
      className="swatch-line"
      style={{ borderTopColor: swatch.color, borderTopStyle: swatch.dashed ? 'dashed' : 'solid' }}
      aria-hidden
    />
  );
}
