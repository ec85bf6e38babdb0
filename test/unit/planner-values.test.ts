import { classLabels } from '../../web/src/planner/legend';
import { LAYER_VALUE_LABELS, valueLabel, valueLabelsOf } from '../../contracts/layer-values';
import { CATALOG_BY_ID } from '../../geo/catalog/layers';
import { featuresBbox } from '../../web/src/planner/extent';

describe('the label table of coded layer values', () => {
  it('names POI categories and case states in Chinese and leaves unknown values as they are', () => {
    expect(valueLabel('poi', 'category', 'medical_hospital')).toBe('医院');
    expect(valueLabel('cases', 'state', 'closed')).toBe('已结案');
    expect(valueLabel('poi', 'category', 'something_new')).toBe('something_new');
    expect(valueLabelsOf('poi', 'name')).toBeNull();
  });

  it('only names collections and properties the catalogue has, each with Chinese names', () => {
    for (const [collection, props] of Object.entries(LAYER_VALUE_LABELS)) {
      const layer = CATALOG_BY_ID.get(collection);
      expect(layer).toBeDefined();
      for (const [property, labels] of Object.entries(props)) {
        expect(layer!.properties.map((p) => p.name)).toContain(property);
        for (const name of Object.values(labels)) expect(name).toMatch(/\p{Script=Han}/u);
      }
    }
  });
});

describe('the extent of a query result', () => {
  it('covers every position of points, lines and polygons and skips features without geometry', () => {
    const f = (geometry: unknown) => ({ type: 'Feature' as const, geometry, properties: {} });
    const box = featuresBbox([
      f({ type: 'Point', coordinates: [126.6, 45.7] }),
      f({
        type: 'LineString',
        coordinates: [
          [126.5, 45.8],
          [126.7, 45.75],
        ],
      }),
      f({
        type: 'Polygon',
        coordinates: [
          [
            [126.55, 45.6],
            [126.56, 45.6],
            [126.56, 45.61],
            [126.55, 45.6],
          ],
        ],
      }),
      f(null),
    ] as never);
    expect(box).toEqual([126.5, 45.6, 126.7, 45.8]);
    expect(featuresBbox([f(null)] as never)).toBeNull();
  });
});

describe('the count classes of the aggregation legend', () => {
  it('writes each class as the whole counts it holds, a single count once and an empty class as —', () => {
    expect(classLabels([1, 2, 2, 5], 5)).toEqual(['≤ 1', '2', '—', '3–5', '≥ 6']);
    expect(classLabels([3, 6, 9, 12], 5)).toEqual(['≤ 3', '4–6', '7–9', '10–12', '≥ 13']);
  });
});
