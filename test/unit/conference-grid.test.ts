import { gridFor } from '../../web/src/conference/grid';

/** The conference grid picks the column count that shows 16:9 video largest in the stage. */
describe('gridFor', () => {
  it('puts two tiles side by side on a wide stage and one above the other on a tall one', () => {
    expect(gridFor(2, 1800, 700, false)).toEqual({ cols: 2, rows: 1 });
    expect(gridFor(2, 600, 900, false)).toEqual({ cols: 1, rows: 2 });
  });

  it('fills a 1080p stage with nine tiles as 3×3 and four as 2×2', () => {
    expect(gridFor(9, 1560, 880, false)).toEqual({ cols: 3, rows: 3 });
    expect(gridFor(4, 1560, 880, false)).toEqual({ cols: 2, rows: 2 });
  });

  it('gives a featured tile 2×2 cells: four tiles and a featured one need seven cells', () => {
    const shape = gridFor(4, 1560, 880, true);
    expect(shape.cols).toBeGreaterThanOrEqual(2);
    expect(shape.rows).toBeGreaterThanOrEqual(2);
    expect(shape.cols * shape.rows).toBeGreaterThanOrEqual(7);
  });

  it('keeps one cell for a single tile and never answers an empty grid', () => {
    expect(gridFor(1, 1000, 500, false)).toEqual({ cols: 1, rows: 1 });
    expect(gridFor(0, 1000, 500, false)).toEqual({ cols: 1, rows: 1 });
  });
});
