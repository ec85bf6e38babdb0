import type { Color, Layer, PickingInfo } from '@deck.gl/core';
import { LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { LABEL_FONT } from '../map/fonts';
import { rgb } from '../map/palette';
import { clusterLabel, clusterRadius, type ClusterMark, type Decluttered, type SingleMark } from './declutter';
import { priorityColor } from './look';

/**
 * The clusters of incidents (a disc in the colour of its most urgent incident with the count in the middle; a click
 * zooms to where it falls apart) and the leader lines from spread markers to their incidents' places.
 */

export const CLUSTER_LAYER_ID = 'wall-clusters';
const WHITE: Color = [255, 255, 255, 255];
const LEADER: Color = [20, 32, 48, 200];
const DIGITS = '0123456789+'.split('');
/** Always on top of the basemap (see map/facility-layers.ts). */
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;

const tint = (priority: number, alpha: number): Color => {
  const [r, g, b] = rgb(priorityColor(priority));
  return [r, g, b, alpha];
};

export function clusterLayers(marks: Decluttered, scale: number): Layer[] {
  const k = scale;
  const leaders = marks.singles.filter((m) => m.spread);
  return [
    new LineLayer<SingleMark>({
      id: `${CLUSTER_LAYER_ID}-leaders`,
      data: leaders,
      getSourcePosition: (m) => [m.incident.place.lon, m.incident.place.lat],
      getTargetPosition: (m) => [m.lon, m.lat],
      getColor: LEADER,
      getWidth: 1.5 * k,
      widthUnits: 'pixels',
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<SingleMark>({
      id: `${CLUSTER_LAYER_ID}-anchors`,
      data: leaders,
      getPosition: (m) => [m.incident.place.lon, m.incident.place.lat],
      getFillColor: LEADER,
      getRadius: 3 * k,
      radiusUnits: 'pixels',
      parameters: ON_TOP,
    }),
    new ScatterplotLayer<ClusterMark>({
      id: CLUSTER_LAYER_ID,
      data: marks.clusters,
      getPosition: (c) => [c.lon, c.lat],
      getFillColor: (c) => tint(c.topPriority, 225),
      getRadius: (c) => clusterRadius(c.ids.length) * k,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: WHITE,
      getLineWidth: 3 * k,
      lineWidthUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 221, 0, 200],
      parameters: ON_TOP,
    }),
    new TextLayer<ClusterMark>({
      id: `${CLUSTER_LAYER_ID}-count`,
      data: marks.clusters,
      getPosition: (c) => [c.lon, c.lat],
      getText: (c) => clusterLabel(c.ids.length),
      getSize: (c) => Math.min(12 + clusterRadius(c.ids.length) * 0.35, 20) * k,
      getColor: WHITE,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: DIGITS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
  ];
}

export function pickedCluster(info: PickingInfo): ClusterMark | null {
  return info.layer?.id === CLUSTER_LAYER_ID && info.object ? (info.object as ClusterMark) : null;
}

export function clusterTooltip(info: PickingInfo): string | null {
  const c = pickedCluster(info);
  return c ? `${c.ids.length} 起警情（最高优先级 ${c.topPriority}）\n点击放大查看` : null;
}
