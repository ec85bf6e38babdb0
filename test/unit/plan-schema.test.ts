import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadGaugeStations } from '../../gateway/feeds/gauge-writer';
import { loadPlans, parsePlanFile, PLANS_DIR, PlanFileError, type PlanReferences } from '../../gateway/plans/load';
import { loadPolicy } from '../../gateway/policy/load';

/** The department ids of geo/migrations/010_identity.sql, read from the migration itself. */
const DEPARTMENTS = [
  ...readFileSync(path.join(__dirname, '../../geo/migrations/010_identity.sql'), 'utf8').matchAll(/^\s*\('([a-z0-9-]+)', '/gm),
].map((m) => m[1]!);

const refs: PlanReferences = {
  roles: new Set(Object.keys(loadPolicy().file.roles)),
  departments: new Set(DEPARTMENTS),
  stations: new Set(loadGaugeStations().map((s) => s.stcd)),
};

/** A parsed plan file, edited freely to break it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

const fire = readFileSync(path.join(PLANS_DIR, 'fire.json'), 'utf8');
const broken = (edit: (p: Raw) => void, name = 'fire.json') => {
  const p = JSON.parse(fire) as Raw;
  edit(p);
  return () => parsePlanFile(name, JSON.stringify(p), refs);
};

describe('plan files', () => {
  it('the nine Harbin plans load, each with legal basis, owner, four levels and lead tasks', () => {
    expect(DEPARTMENTS).toHaveLength(10);
    const plans = loadPlans(refs);
    expect(plans.map((p) => p.id)).toEqual([
      'air-raid',
      'earthquake',
      'fire',
      'hazmat-leak',
      'power-outage',
      'road-traffic',
      'snow-ice',
      'songhua-flood',
      'urban-waterlogging',
    ]);
    expect(readdirSync(PLANS_DIR).filter((f) => f.endsWith('.json'))).toHaveLength(9);
    for (const p of plans) {
      expect(p.legalBasis.length).toBeGreaterThan(0);
      expect(refs.departments.has(p.owner.departmentId)).toBe(true);
      // Ⅰ–Ⅱ are declared by leaders only.
      expect(p.levels.I.declaredBy).toEqual(['leader']);
      expect(p.levels.II.declaredBy).toEqual(['leader']);
    }
  });

  it('the Songhua flood plan triggers at the Harbin gauge’s real warning and guarantee levels', () => {
    const flood = loadPlans(refs).find((p) => p.id === 'songhua-flood')!;
    const harbin = loadGaugeStations().find((s) => s.name === '哈尔滨')!;
    expect([harbin.warningLevelM, harbin.guaranteeLevelM]).toEqual([118.1, 120.3]);
    const atHarbin = flood.triggers.filter((t) => t.when.gauge?.stations.includes(harbin.stcd));
    expect(atHarbin.map((t) => [t.level, t.when.gauge!.reach, t.when.gauge!.aboveM])).toEqual([
      ['IV', 'warning', 0],
      ['III', 'warning', 1],
      ['II', 'guarantee', 0],
      ['I', 'guarantee', 0.6],
    ]);
  });

  it.each([
    ['a missing field', (p: Raw) => delete p.owner, 'owner'],
    ['a wrong level key', (p: Raw) => (p.triggers[0].level = 'V'), 'triggers.0.level'],
    ['an unknown department', (p: Raw) => (p.tasks[2].departmentId = 'no-such-dept'), 'tasks.2.departmentId'],
    ['an unknown role', (p: Raw) => (p.levels.III.declaredBy = ['mayor']), 'levels.III.declaredBy.0'],
    ['a negative deadline', (p: Raw) => (p.tasks[0].dueMinutes = -5), 'tasks.0.dueMinutes'],
    ['an unknown category', (p: Raw) => (p.triggers[0].when.categories = ['volcano']), 'triggers.0.when.categories.0'],
    ['an empty condition', (p: Raw) => (p.triggers[1].when = {}), 'triggers.1.when'],
    ['an extra field', (p: Raw) => (p.levels.IV.colour = 'blue'), 'levels.IV'],
    ['a duplicate task key', (p: Raw) => (p.tasks[1].key = p.tasks[0].key), 'tasks.1.key'],
  ])('a plan file with %s is refused, naming the file and the field', (_what, edit, field) => {
    const run = broken(edit);
    expect(run).toThrow(PlanFileError);
    expect(run).toThrow(new RegExp(`fire\\.json: ${field.replace(/\./g, '\\.')}`));
  });

  it('a file whose id differs from its name, an unknown gauge station and broken JSON are refused by name', () => {
    expect(broken(() => undefined, 'fire-old.json')).toThrow(/fire-old\.json: id:/);
    const flood = JSON.parse(readFileSync(path.join(PLANS_DIR, 'songhua-flood.json'), 'utf8')) as Raw;
    flood.triggers[0].when.gauge.stations = ['99999999'];
    expect(() => parsePlanFile('songhua-flood.json', JSON.stringify(flood), refs)).toThrow(
      /songhua-flood\.json: triggers\.0\.when\.stations\.0: unknown gauge station "99999999"/,
    );
    expect(() => parsePlanFile('fire.json', fire.slice(0, 200), refs)).toThrow(/fire\.json: not valid JSON/);
  });
});
