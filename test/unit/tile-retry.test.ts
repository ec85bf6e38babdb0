import { lostTile, TILE_RETRY_DELAYS_MS, tileRetrier } from '../../web/src/map/tile-retry';

const tileEvent = (status: number | undefined, sourceId = 'cases') => ({
  error: { message: status === undefined ? 'Failed to fetch' : `HTTP ${status}`, status },
  sourceId,
  tile: { tileID: { canonical: { x: 3456, y: 1456, z: 12 } } },
});

describe('lostTile', () => {
  it('names the source and tile of a request the network dropped', () => {
    expect(lostTile(tileEvent(undefined))).toEqual({ sourceId: 'cases', tile: { x: 3456, y: 1456, z: 12 } });
    expect(lostTile(tileEvent(0))).toEqual({ sourceId: 'cases', tile: { x: 3456, y: 1456, z: 12 } });
  });

  it('leaves alone tiles the server answered with an error, and errors that are not about a tile', () => {
    expect(lostTile(tileEvent(500))).toBeNull();
    expect(lostTile(tileEvent(403))).toBeNull();
    expect(lostTile({ error: { message: 'Failed to fetch' } })).toBeNull();
    expect(lostTile({ error: { message: 'style broken' }, sourceId: 'cases' })).toBeNull();
  });
});

describe('tileRetrier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function fakeMap(sources: string[]) {
    const refreshed: Array<{ sourceId: string; tiles: unknown }> = [];
    const map = {
      getSource: (id: string) => (sources.includes(id) ? {} : undefined),
      refreshTiles: (sourceId: string, tiles?: unknown) => void refreshed.push({ sourceId, tiles }),
    };
    return { map: map as unknown as Parameters<typeof tileRetrier>[0], refreshed };
  }

  it('asks again for a lost tile after each pause, then gives up', () => {
    const { map, refreshed } = fakeMap(['cases']);
    const retry = tileRetrier(map);
    for (let i = 0; i < TILE_RETRY_DELAYS_MS.length; i++) {
      expect(retry.handle(tileEvent(undefined))).not.toBeNull();
      jest.advanceTimersByTime(TILE_RETRY_DELAYS_MS[i]! - 1);
      expect(refreshed).toHaveLength(i);
      jest.advanceTimersByTime(1);
      expect(refreshed).toHaveLength(i + 1);
    }
    expect(refreshed[0]).toEqual({ sourceId: 'cases', tiles: [{ x: 3456, y: 1456, z: 12 }] });
    // Out of attempts: still handled (a warning, not a page fault), but not asked for again.
    expect(retry.handle(tileEvent(undefined))).not.toBeNull();
    jest.advanceTimersByTime(60_000);
    expect(refreshed).toHaveLength(TILE_RETRY_DELAYS_MS.length);
  });

  it('does not retry server errors, skips sources removed meanwhile, and stops on dispose', () => {
    const { map, refreshed } = fakeMap(['cases']);
    const retry = tileRetrier(map);
    expect(retry.handle(tileEvent(503))).toBeNull();
    expect(retry.handle(tileEvent(undefined, 'gone'))).toEqual({ sourceId: 'gone', tile: { x: 3456, y: 1456, z: 12 } });
    jest.advanceTimersByTime(60_000);
    expect(refreshed).toEqual([]);
    expect(retry.handle(tileEvent(undefined))).not.toBeNull();
    retry.dispose();
    jest.advanceTimersByTime(60_000);
    expect(refreshed).toEqual([]);
  });
});
