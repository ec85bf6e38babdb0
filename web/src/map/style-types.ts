/**
 * MapLibre style-specification types. They come from maplibre-gl's own style-spec package (a dependency
 * of maplibre-gl, imported for types only, so nothing is added to the bundle).
 */
export type {
  ExpressionSpecification as Expr,
  FilterSpecification as Filter,
  FontFacesSpecification as FontFaces,
  LayerSpecification as LayerSpec,
  MLFontFace as FontFace,
  SourceSpecification as SourceSpec,
  StyleSpecification as StyleSpec,
  SymbolLayerSpecification as SymbolLayerSpec,
} from '@maplibre/maplibre-gl-style-spec';
