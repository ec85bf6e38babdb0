import type { Layer, PickingInfo } from '@deck.gl/core';
import { IconLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { LABEL_FONT } from '../map/fonts';
import type { Camera } from '../../../contracts/media';

export const CAMERA_LAYER_ID = 'wall-cameras';

const COMPASS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'] as const;

/** A viewing direction (degrees clockwise from north) as a compass point: 朝向东北 (45°). */
export function directionLabel(deg: number): string {
  const d = ((deg % 360) + 360) % 360;
  return `朝${COMPASS[Math.round(d / 45) % 8]} (${Math.round(d)}°)`;
}

let cameraIcon: string | null = null;

/**
 * The camera icon, pointing north: a field-of-view wedge ahead of a camera body. The layer turns each icon to its
 * camera's direction.
 */
function cameraIconUrl(): string {
  if (cameraIcon) return cameraIcon;
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    // The wedge: 60° wide, from the body towards the top.
    ctx.fillStyle = 'rgba(64, 196, 255, 0.55)';
    ctx.beginPath();
    ctx.moveTo(32, 36);
    ctx.arc(32, 36, 30, -Math.PI / 2 - Math.PI / 6, -Math.PI / 2 + Math.PI / 6);
    ctx.closePath();
    ctx.fill();
    // The body: a dark disc with a light ring and a lens dot.
    ctx.fillStyle = '#0b2540';
    ctx.strokeStyle = '#40c4ff';
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.arc(32, 36, 10, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = '#e6f7ff';
    ctx.beginPath();
    ctx.arc(32, 36, 4, 0, Math.PI * 2);
    ctx.fill();
  }
  cameraIcon = canvas.toDataURL('image/png');
  return cameraIcon;
}

/** Under the camera being played (its glyphs are loaded with the wall's font). */
export const PLAYING_LABEL = '正在播放';
const PLAYING: [number, number, number, number] = [255, 214, 0, 255];
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;

/**
 * The cameras on the wall map: an icon turned to each camera's viewing direction. The camera being played is drawn
 * larger, inside a bright yellow ring, with 正在播放 under it, so the picture can be found on the map.
 */
export function cameraLayers(cameras: readonly Camera[], s: { scale: number; openId: string | null }): Layer[] {
  if (!cameras.length) return [];
  const k = s.scale;
  const playing = cameras.filter((c) => c.id === s.openId);
  return [
    new ScatterplotLayer<Camera>({
      id: `${CAMERA_LAYER_ID}-playing`,
      data: playing,
      getPosition: (c) => [c.lon, c.lat],
      getRadius: 30 * k,
      radiusUnits: 'pixels',
      filled: true,
      getFillColor: [255, 214, 0, 60],
      stroked: true,
      getLineColor: PLAYING,
      getLineWidth: 4 * k,
      lineWidthUnits: 'pixels',
      parameters: ON_TOP,
    }),
    new IconLayer<Camera>({
      id: CAMERA_LAYER_ID,
      data: cameras as Camera[],
      getPosition: (c) => [c.lon, c.lat],
      getIcon: () => ({ id: 'camera', url: cameraIconUrl(), width: 64, height: 64, anchorY: 36 }),
      // deck.gl turns icons counter-clockwise; directions are clockwise from north.
      getAngle: (c) => -c.direction,
      getSize: (c) => (c.id === s.openId ? 46 : 34) * k,
      sizeUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 221, 0, 160],
      updateTriggers: { getSize: [s.openId, k] },
    }),
    new TextLayer<Camera>({
      id: `${CAMERA_LAYER_ID}-playing-label`,
      data: playing,
      getPosition: (c) => [c.lon, c.lat],
      getText: () => PLAYING_LABEL,
      getSize: 12 * k,
      getColor: [20, 32, 48, 255],
      getPixelOffset: [0, 34 * k],
      background: true,
      getBackgroundColor: PLAYING,
      backgroundPadding: [5 * k, 2 * k],
      backgroundBorderRadius: 4 * k,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: PLAYING_LABEL.split(''),
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'top',
      parameters: ON_TOP,
    }),
  ];
}

export function pickedCamera(info: PickingInfo): Camera | null {
  return info.layer?.id === CAMERA_LAYER_ID && info.object ? (info.object as Camera) : null;
}

export function cameraTooltip(info: PickingInfo): string | null {
  const c = pickedCamera(info);
  if (!c) return null;
  return [`摄像机：${c.name}`, [c.districtName, directionLabel(c.direction)].filter(Boolean).join(' · '), '点击调阅视频'].join(
    '\n',
  );
}
