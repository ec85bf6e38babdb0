import { sirenScopeSchema } from '../../contracts/airdefense';
import { parseSirenCsv } from '../../gateway/airdefense/csv';
import { loadSignals, signalDurationS, soundingIntervals } from '../../gateway/airdefense/signals';

/** The signals of data/airdefense/signals.json against the national air-raid signal patterns (DOMAIN.md §3). */
const book = loadSignals();

describe('national air-raid signals', () => {
  it('预先警报: 36 s sounding, 24 s silence, three times, 3 minutes', () => {
    const p = book.pattern('warning');
    expect(p.label).toBe('预先警报');
    expect(soundingIntervals(p)).toEqual([
      { startS: 0, endS: 36 },
      { startS: 60, endS: 96 },
      { startS: 120, endS: 156 },
    ]);
    expect(signalDurationS(p)).toBe(180);
  });

  it('空袭警报: 6 s sounding, 6 s silence, fifteen times, 3 minutes', () => {
    const p = book.pattern('air_raid');
    expect(p.label).toBe('空袭警报');
    const intervals = soundingIntervals(p);
    expect(intervals).toHaveLength(15);
    intervals.forEach((iv, i) => expect(iv).toEqual({ startS: 12 * i, endS: 12 * i + 6 }));
    expect(signalDurationS(p)).toBe(180);
  });

  it('解除警报: one continuous sound of 3 minutes', () => {
    const p = book.pattern('all_clear');
    expect(p.label).toBe('解除警报');
    expect(soundingIntervals(p)).toEqual([{ startS: 0, endS: 180 }]);
    expect(signalDurationS(p)).toBe(180);
  });

  it('试鸣 is a short test sounding; every signal is defined once', () => {
    expect(book.pattern('test').label).toBe('试鸣');
    expect(signalDurationS(book.pattern('test'))).toBeLessThan(60);
    expect(book.signals.map((s) => s.id).sort()).toEqual(['air_raid', 'all_clear', 'test', 'warning']);
    expect(book.confirmWithinS).toBeGreaterThanOrEqual(60);
  });
});

describe('command scope', () => {
  it.each([[{ all: true }], [{ district: '230104' }], [{ street: '230102001' }], [{ sirenIds: ['JB0001'] }]])(
    'accepts %j',
    (scope) => {
      expect(sirenScopeSchema.safeParse(scope).success).toBe(true);
    },
  );
  it.each([[{}], [{ all: true, district: '230104' }], [{ all: false }], [{ district: '2301' }], [{ sirenIds: [] }]])(
    'refuses %j',
    (scope) => {
      expect(sirenScopeSchema.safeParse(scope).success).toBe(false);
    },
  );
});

describe('CSV register', () => {
  it('reads quoted fields and Chinese kind names', () => {
    const [r] = parseSirenCsv(
      'id,name,kind,rated_power_w,radius_m,lon,lat,site\nA1,一号,多媒体,2000,800,126.6,45.75,"楼顶, 东侧"\n',
    );
    expect(r).toEqual({
      id: 'A1',
      name: '一号',
      kind: 'multimedia',
      ratedPowerW: 2000,
      radiusM: 800,
      lon: 126.6,
      lat: 45.75,
      site: '楼顶, 东侧',
      demo: false,
    });
  });
  it('names every bad line and its faults, and a missing column', () => {
    expect(() => parseSirenCsv('id,name\nA,b')).toThrow(/缺少列：kind、rated_power_w、radius_m、lon、lat/);
    expect(() =>
      parseSirenCsv('id,name,kind,rated_power_w,radius_m,lon,lat\nA1,x,电动,100,800,126.6,45.7\nA1,y,电动,100,800,126.6,45.7\n'),
    ).toThrow(/第 3 行：编号 A1 重复/);
  });
});
