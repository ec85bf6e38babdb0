import { csvRows } from '../../gateway/http/csv';

describe('CSV rows for the register and roster imports', () => {
  it('reads quoted fields with commas and doubled quotes, trims, skips blank lines and a byte-order mark', () => {
    expect(csvRows('\uFEFFid, name\n\nA1,"楼顶, 东侧"\nA2,"说 ""东门"""\n')).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 3, fields: ['A1', '楼顶, 东侧'] },
      { line: 4, fields: ['A2', '说 "东门"'] },
    ]);
  });

  it('counts lines the same with Windows line ends', () => {
    expect(csvRows('id,name\r\n\r\nA1,"x, y"\r\nA2,b\r\n').map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('keeps rows of different lengths', () => {
    expect(csvRows('a,b,c\n1\n').map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['1']]);
  });

  it('refuses a quote never closed with a 400 naming the line, in Chinese', () => {
    expect(() => csvRows('id,name\nA1,"楼顶\n')).toThrow(/^CSV 无法读取：第 2 行附近引号未闭合$/);
  });
});
