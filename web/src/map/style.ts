import { basemapFeatureLayers, basemapLabelLayers, basemapSource, BASEMAP_SOURCE } from './basemap-style';
import { EMERGENCY_CATEGORIES } from './facility-kinds';
import { labelFontFaces } from './fonts';
import { operationalLabelLayers, operationalLineLayers, operationalSources } from './operational-layers';
import type { StyleSpec } from './style-types';

/**
 * The whole map style: the offline basemap, then the operational boundaries, then every label on top.
 * There is no `glyphs` URL: labels are drawn from the bundled font declared in `font-faces`.
 */
export function buildStyle(origin: string): StyleSpec {
  return {
    version: 8,
    name: '哈尔滨指挥一张图',
    'font-faces': labelFontFaces(origin),
    sources: { [BASEMAP_SOURCE]: basemapSource(origin), ...operationalSources(origin) },
    layers: [
      ...basemapFeatureLayers(),
      ...operationalLineLayers(),
      ...basemapLabelLayers(),
      ...operationalLabelLayers(EMERGENCY_CATEGORIES),
    ],
  };
}
