import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CITYOPS_DIR, loadCaseTables, loadCategories, loadSettings } from '../../gateway/cases/tables';

/** The code tables of data/cityops load and validate; broken copies are refused with the reason. */
const original = (name: string) => JSON.parse(readFileSync(path.join(CITYOPS_DIR, name), 'utf8')) as Record<string, unknown>;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cityops-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

describe('data/cityops', () => {
  it('loads the shipped tables: every 小类 has a department kind, standards and a positive limit', () => {
    const t = loadCaseTables();
    expect(t.categories.minors.length).toBeGreaterThanOrEqual(40);
    for (const m of t.categories.minors) {
      expect(m.code).toMatch(/^(BJ|SJ)\d{4}$/);
      expect(m.filingStandard.length).toBeGreaterThan(2);
      expect(m.closingStandard.length).toBeGreaterThan(1);
      expect(m.timeLimit.amount).toBeGreaterThan(0);
      if (m.local) expect(Number(m.code.slice(-2))).toBeGreaterThanOrEqual(80);
    }
    expect(t.calendar.dayMinutes).toBe(450);
    expect(t.settings.duplicateRadiusM).toBe(50);
  });

  it('refuses a code of the wrong width, a repeated 小类 and an unknown department kind', () => {
    const cat = original('categories.json') as {
      component: { code: string; minors: { code: string; departmentKind: string }[] }[];
    };
    const wide = structuredClone(cat);
    wide.component[0]!.minors[0]!.code = '001';
    expect(() => loadCategories(write('wide.json', wide))).toThrow(/not 2 digits/);
    const twice = structuredClone(cat);
    twice.component[0]!.minors.push(structuredClone(twice.component[0]!.minors[0]!));
    expect(() => loadCategories(write('twice.json', twice))).toThrow(/appears twice/);
    const kind = structuredClone(cat);
    kind.component[0]!.minors[0]!.departmentKind = 'sanitation';
    expect(() => loadCategories(write('kind.json', kind))).toThrow(/departmentKind/);
    const widths = { ...structuredClone(cat), codeWidths: { major: 2, minor: 3 } };
    expect(() => loadCategories(write('widths.json', widths))).toThrow(/not 3 digits/);
  });

  it('refuses evaluation weights that do not add up to 1', () => {
    const s = original('settings.json') as { evaluation: { inspector: { weight: number }[] } };
    s.evaluation.inspector[0]!.weight = 0.5;
    expect(() => loadSettings(write('settings.json', s))).toThrow(/add up to/);
  });
});
