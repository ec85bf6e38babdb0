import type { VideoLayout, VideoPreset } from '../../../contracts/media';

/** The video wall's tiles: a camera id per tile (null: empty), as many as the layout has. */
export interface WallState {
  layout: VideoLayout;
  tiles: (string | null)[];
  /** The tile shown alone (全屏), or null. */
  focused: number | null;
  /** Patrol rotation (轮巡): the page of the camera list shown, advanced every `seconds`; null when off. */
  patrol: { page: number; seconds: number } | null;
}

export const emptyWall = (layout: VideoLayout = 4): WallState => ({
  layout,
  tiles: Array.from({ length: layout }, () => null),
  focused: null,
  patrol: null,
});

/** A new layout keeps the cameras that still fit, in order. */
export function withLayout(state: WallState, layout: VideoLayout): WallState {
  const tiles = Array.from({ length: layout }, (_, i) => state.tiles[i] ?? null);
  return { ...state, layout, tiles, focused: state.focused !== null && state.focused < layout ? state.focused : null };
}

/** Puts a camera on a tile; a camera already on another tile moves there (one view per camera). */
export function assign(state: WallState, index: number, cameraId: string | null): WallState {
  if (index < 0 || index >= state.layout) return state;
  const tiles = state.tiles.map((c) => (c === cameraId ? null : c));
  tiles[index] = cameraId;
  return { ...state, tiles, patrol: null };
}

/** Puts a camera on the first empty tile (or the last one when all are taken). */
export function place(state: WallState, cameraId: string): WallState {
  if (state.tiles.includes(cameraId)) return state;
  const free = state.tiles.indexOf(null);
  return assign(state, free >= 0 ? free : state.layout - 1, cameraId);
}

export function fromPreset(preset: VideoPreset, visible: ReadonlySet<string>): WallState {
  const wall = emptyWall(preset.layout);
  const cameras = preset.cameras.filter((id) => visible.has(id)).slice(0, preset.layout);
  cameras.forEach((id, i) => (wall.tiles[i] = id));
  return { ...wall, patrol: preset.patrolSeconds > 0 ? { page: 0, seconds: preset.patrolSeconds } : null };
}

/** The cameras of one patrol page: the list cut into layout-sized pages, wrapping around. */
export function patrolPage(cameraIds: readonly string[], layout: VideoLayout, page: number): (string | null)[] {
  const pages = Math.max(1, Math.ceil(cameraIds.length / layout));
  const start = (page % pages) * layout;
  return Array.from({ length: layout }, (_, i) => cameraIds[start + i] ?? null);
}

/** The next patrol page (or the first, when patrol is switched on). */
export function patrolStep(state: WallState, cameraIds: readonly string[], seconds: number): WallState {
  const page = state.patrol ? state.patrol.page + 1 : 0;
  return { ...state, tiles: patrolPage(cameraIds, state.layout, page), patrol: { page, seconds }, focused: null };
}
