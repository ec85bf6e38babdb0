import { loadCameraFile } from '../../media/cameras/catalog';
import { assign, emptyWall, fromPreset, patrolPage, patrolStep, place, withLayout } from '../../web/src/video/wall-state';

/** The video wall's tile logic (pure) and the camera file it starts from. */
describe('video wall state', () => {
  it('moves a camera already on the wall instead of showing it twice', () => {
    let w = assign(emptyWall(4), 0, 'a');
    w = assign(w, 2, 'a');
    expect(w.tiles).toEqual([null, null, 'a', null]);
  });

  it('places a camera on the first free tile, the last one when all are taken', () => {
    let w = emptyWall(4);
    for (const id of ['a', 'b', 'c', 'd']) w = place(w, id);
    expect(w.tiles).toEqual(['a', 'b', 'c', 'd']);
    expect(place(w, 'e').tiles).toEqual(['a', 'b', 'c', 'e']);
    expect(place(w, 'b')).toBe(w);
  });

  it('keeps the cameras that fit when the layout changes, and drops a focus that no longer exists', () => {
    const w = { ...assign(assign(emptyWall(4), 0, 'a'), 3, 'd'), focused: 3 };
    const one = withLayout(w, 1);
    expect(one.tiles).toEqual(['a']);
    expect(one.focused).toBeNull();
    expect(withLayout(one, 9).tiles).toEqual(['a', null, null, null, null, null, null, null, null]);
  });

  it('rotates pages of cameras in patrol, wrapping around', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    expect(patrolPage(ids, 4, 0)).toEqual(['a', 'b', 'c', 'd']);
    expect(patrolPage(ids, 4, 1)).toEqual(['e', null, null, null]);
    expect(patrolPage(ids, 4, 2)).toEqual(['a', 'b', 'c', 'd']);
    const first = patrolStep(emptyWall(4), ids, 10);
    expect(first.patrol).toEqual({ page: 0, seconds: 10 });
    expect(patrolStep(first, ids, 10).tiles).toEqual(['e', null, null, null]);
    // Putting a camera on a tile by hand ends the patrol.
    expect(assign(first, 0, 'x').patrol).toBeNull();
  });

  it('opens each mode with its preset, leaving out cameras the user may not view', () => {
    const file = loadCameraFile();
    expect(Object.keys(file.presets).sort()).toEqual(['daily', 'emergency', 'wartime']);
    const emergency = file.presets.emergency!;
    const all = new Set(file.cameras.map((c) => c.id));
    const w = fromPreset(emergency, all);
    expect(w.layout).toBe(9);
    expect(w.tiles).toEqual(emergency.cameras);
    expect(w.patrol).toEqual({ page: 0, seconds: emergency.patrolSeconds });
    const without = fromPreset(emergency, new Set([...all].filter((id) => id !== emergency.cameras[0])));
    expect(without.tiles[0]).toBe(emergency.cameras[1]);
    expect(without.tiles.at(-1)).toBeNull();
  });

  it('has simulated cameras with unique ids and names ffmpeg can draw', () => {
    const file = loadCameraFile();
    expect(file.cameras.length).toBeGreaterThanOrEqual(12);
    expect(new Set(file.cameras.map((c) => c.id)).size).toBe(file.cameras.length);
    expect(file.cameras.some((c) => c.name === '防洪纪念塔')).toBe(true);
  });
});
