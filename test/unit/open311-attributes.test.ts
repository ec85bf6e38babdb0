import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCategories } from '../../gateway/cases/tables';
import { rawAnswers, ServiceDefinitions } from '../../gateway/open311/attributes';

/** The Open311 service definitions file: checked against the case categories when read, and the answers it allows. */

const categories = loadCategories();
const known = (code: string) => categories.minor(code) !== null;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'open311-attributes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (definitions: unknown) => {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ definitions }));
  return file;
};
const condition = {
  code: 'condition',
  label: '现状',
  datatype: 'singlevaluelist',
  required: true,
  description: '现状',
  values: [{ key: 'missing', name: '丢失' }],
};

describe('ServiceDefinitions.load', () => {
  it('reads the shipped file: every service it names is a case category', () => {
    const defs = ServiceDefinitions.load(known);
    expect(defs.has('BJ0101')).toBe(true);
    expect(defs.has('SJ0102')).toBe(false);
  });

  it('refuses a service that is not a category, one defined twice, and a list without values', () => {
    expect(() => ServiceDefinitions.load(known, fileWith([{ services: ['SJ9999'], attributes: [condition] }]))).toThrow(
      /SJ9999 is not a case category/,
    );
    expect(() =>
      ServiceDefinitions.load(
        known,
        fileWith([
          { services: ['BJ0101'], attributes: [condition] },
          { services: ['BJ0101'], attributes: [condition] },
        ]),
      ),
    ).toThrow(/defined twice/);
    const { values: _values, ...withoutValues } = condition;
    expect(() => ServiceDefinitions.load(known, fileWith([{ services: ['BJ0101'], attributes: [withoutValues] }]))).toThrow(
      /list datatypes/,
    );
  });
});

describe('answers', () => {
  const defs = ServiceDefinitions.load(known);

  it('reads form keys attribute[code] and attribute[code][] and a JSON attribute object alike', () => {
    expect([...rawAnswers({ 'attribute[condition]': 'missing', 'attribute[list][]': ['a', 'b'], other: 'x' })]).toEqual([
      ['condition', ['missing']],
      ['list', ['a', 'b']],
    ]);
    expect([...rawAnswers({ attribute: { condition: 'missing', depth_cm: 12 } })]).toEqual([
      ['condition', ['missing']],
      ['depth_cm', ['12']],
    ]);
    expect(() => rawAnswers({ attribute: ['missing'] })).toThrow('attribute 应为以属性代码为键的回答对象');
    expect(() => rawAnswers({ attribute: { condition: { deep: 1 } } })).toThrow(
      'attribute[condition] 应为文字、数字或由它们组成的列表',
    );
  });

  it('keeps the answers and words them for the case description', () => {
    const a = defs.answers('BJ0108', new Map([['condition', ['leaking', 'blocked', 'leaking']]]));
    expect(a).toEqual({ values: { condition: ['leaking', 'blocked'] }, summary: '【补充信息】现状：漏水、被圈占或遮挡' });
    expect(defs.answers('SJ0102', new Map())).toEqual({ values: {}, summary: null });
    expect(() => defs.answers('BJ0109', new Map([['condition', ['dark', 'flicker']]]))).toThrow(
      'attribute[condition] 只能填一个值',
    );
    // A notice is not asked: answering it is refused like any unknown attribute.
    expect(() => defs.answers('SJ0503', new Map([['safety', ['ok']]]))).toThrow('attribute[safety] 不是服务 SJ0503 的属性');
    expect(() => defs.answers('SJ0404', new Map([['plate', ['黑'.repeat(41)]]]))).toThrow('attribute[plate] 最多 40 个字');
  });
});
