import { hexClassLabels, radiusLabel } from '../../web/src/planner/legend';

/** The class a quantize scale puts a count in (what the hexagon layer's colour texture does). */
const quantize = (c: number, [min, max]: [number, number], n: number) =>
  Math.min(n - 1, Math.floor(((c - min) / (max - min)) * n));

describe('planner density legend', () => {
  it('labels whole-count classes without overlaps', () => {
    expect(hexClassLabels([1, 8])).toEqual(['1–2', '3', '4', '5', '6', '7–8']);
    expect(hexClassLabels([1, 60])).toEqual(['1–10', '11–20', '21–30', '31–40', '41–50', '51–60']);
    expect(hexClassLabels([1, 3])).toEqual(['1', '—', '—', '2', '—', '3']);
    expect(hexClassLabels([4, 4])).toEqual(['—', '—', '—', '—', '—', '4']);
  });

  it('agrees with the quantize scale for every count of the domain', () => {
    for (const domain of [
      [1, 8],
      [1, 60],
      [2, 17],
      [1, 3],
      [5, 1000],
    ] as [number, number][]) {
      const labels = hexClassLabels(domain);
      for (let c = domain[0]; c <= domain[1]; c++) {
        const label = labels[quantize(c, domain, labels.length)]!;
        const [lo, hi] = label.split('–').map(Number) as [number, number | undefined];
        expect(c).toBeGreaterThanOrEqual(lo);
        expect(c).toBeLessThanOrEqual(hi ?? lo);
      }
    }
  });

  it('writes radii in metres or kilometres', () => {
    expect(radiusLabel(500)).toBe('500 米');
    expect(radiusLabel(2000)).toBe('2 千米');
  });
});
