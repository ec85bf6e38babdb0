import { loadCategories } from '../../gateway/cases/tables';
import { longestShared, rememberRecent, searchCategories, withTableWords } from '../../web/src/cases/category-search';
import { flattenCategories } from '../../web/src/cases/categories';

/** The inspector's category search over the real code table (data/cityops/categories.json). */

const all = flattenCategories(loadCategories().tree);
const codes = (text: string, recent: string[] = [], limit = 50) =>
  searchCategories(all, text, { recent, limit }).map((c) => c.code);
const names = (text: string, recent: string[] = []) => searchCategories(all, text, { recent }).map((c) => c.name);

const MANHOLES = ['上水井盖', '污水井盖', '雨水井盖', '电力井盖', '通讯井盖', '燃气井盖'];

describe('by pinyin', () => {
  it('finds 井盖 by full pinyin and by initials', () => {
    expect(names('jinggai')).toEqual(MANHOLES);
    expect(names('jg')).toEqual(expect.arrayContaining(MANHOLES));
    expect(names('jg').slice(0, MANHOLES.length)).toEqual(MANHOLES);
  });

  it('puts names starting with the pinyin before names containing it', () => {
    expect(names('lu')[0]).toBe('路灯');
    expect(names('ludeng')).toEqual(['路灯']);
    expect(names('ssjg')).toEqual(['上水井盖']);
    expect(names('LJ')).toEqual(expect.arrayContaining(['暴露垃圾', '积存垃圾渣土']));
  });

  it('reads polyphones either way (行道树 xing/hang)', () => {
    expect(names('xingdaoshu')).toEqual(['行道树']);
    expect(names('hangdaoshu')).toEqual(['行道树']);
    expect(names('xds')).toEqual(['行道树']);
  });

  it('matches pinyin of the 大类 after the 小类 names', () => {
    const hits = names('shirong');
    expect(hits).toEqual(expect.arrayContaining(['公共厕所', '果皮箱', '暴露垃圾', '道路积雪结冰']));
    expect(hits).not.toContain('上水井盖');
  });

  it('finds nothing for pinyin of no category', () => {
    expect(codes('qqqq')).toEqual([]);
    expect(codes('zhongguo')).toEqual([]);
  });
});

describe('by everyday words', () => {
  it('finds 井盖 from 井盖丢了, the standard’s 丢失 ranking them before 篦子', () => {
    const hits = names('井盖丢了');
    expect(hits.slice(0, MANHOLES.length).sort()).toEqual([...MANHOLES].sort());
    expect(hits).not.toContain('暴露垃圾');
  });

  it('maps words people use to the table’s words', () => {
    expect(names('红绿灯不亮')[0]).toBe('交通信号灯');
    expect(names('路灯不亮')[0]).toBe('路灯');
    expect(names('垃圾桶满了')).toContain('果皮箱');
    expect(names('有人摆摊')[0]).toBe('无照经营游商');
    expect(names('闻到煤气味')[0]).toBe('燃气管道泄漏');
    expect(names('乱停车')[0]).toBe('机动车乱停放');
    expect(names('下水道堵了')[0]).toBe('下水道堵塞');
  });

  it('finds by the 立案标准 when the name shares nothing (僵尸车 → 废弃车辆, 跑水)', () => {
    expect(names('僵尸车')).toEqual(['废弃车辆']);
    expect(names('跑水')).toContain('自来水管破裂');
  });

  it('puts name and pinyin matches before matches by everyday words', () => {
    // 垃圾 is in both names and many standards: the names come first.
    const hits = names('垃圾');
    expect(hits.slice(0, 3)).toEqual(['垃圾间（站）', '暴露垃圾', '积存垃圾渣土']);
  });

  it('needs two characters in a row in common', () => {
    expect(longestShared('井盖丢了', '上水井盖')).toBe(2);
    expect(longestShared('井盖丢失', '井盖丢失、破损')).toBe(4);
    expect(longestShared('abc', '')).toBe(0);
    expect(codes('井')).toEqual(codes('井').filter((c) => all.find((x) => x.code === c)!.name.includes('井')));
    expect(withTableWords('井盖丢了')).toBe('井盖丢了 井盖丢失');
    expect(withTableWords('井盖')).toBe('井盖');
  });
});

describe('recent categories', () => {
  it('lists the recent ones first when nothing is typed, then the table in order', () => {
    const hits = codes('', ['SJ0102', 'BJ0109'], 1000);
    expect(hits.slice(0, 2)).toEqual(['SJ0102', 'BJ0109']);
    expect(hits).toHaveLength(all.length);
    expect(hits.slice(2)).toEqual(all.map((c) => c.code).filter((c) => c !== 'SJ0102' && c !== 'BJ0109'));
  });

  it('puts a recent one first among the matches of the same strength', () => {
    expect(names('jg', ['BJ0107'])[0]).toBe('燃气井盖');
    expect(names('井盖', ['BJ0103']).slice(0, 2)).toEqual(['雨水井盖', '上水井盖']);
    // A recent category found only through everyday words does not jump over name matches.
    expect(names('垃圾', ['SJ0106'])[0]).not.toBe('绿地脏乱');
  });

  it('remembers the last five, the chosen one in front', () => {
    expect(rememberRecent([], 'A')).toEqual(['A']);
    expect(rememberRecent(['A', 'B', 'C'], 'C')).toEqual(['C', 'A', 'B']);
    expect(rememberRecent(['A', 'B', 'C', 'D', 'E'], 'F')).toEqual(['F', 'A', 'B', 'C', 'D']);
  });
});

it('still finds by code and by 大类 with several words', () => {
  expect(codes('sj0102')).toEqual(['SJ0102']);
  expect(codes('bj01 井盖')).toEqual(['BJ0101', 'BJ0102', 'BJ0103', 'BJ0105', 'BJ0106', 'BJ0107']);
  expect(names('公用设施 路灯')).toEqual(['路灯']);
});
