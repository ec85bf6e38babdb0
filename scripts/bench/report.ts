/** Collects benchmark rows and writes BENCHMARKS.md. */

export interface Row {
  section: string;
  figure: string;
  backend: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: 'meets' | 'misses' | 'info';
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  add(row: Row): void {
    this.rows.push(row);
    console.log(
      `${row.section} | ${row.figure} | ${row.backend} | ${row.value} | ref ${row.reference} | ${row.ratio} | ${row.verdict}`,
    );
  }

  note(text: string): void {
    this.notes.push(text);
  }

  toMarkdown(meta: Record<string, string>): string {
    const lines = [
      '# Benchmarks',
      '',
      'Written by `npm run bench`. Every figure is measured in the same run as its reference (raw SQL, pgRouting, a bare',
      'loop), alternating calls so both see the same load: these machines are shared and noisy, so the ratio is the',
      'figure to compare between runs, the absolute time is for orientation.',
      '',
      ...Object.entries(meta).map(([k, v]) => `- **${k}:** ${v}`),
      '',
    ];
    const sections = [...new Set(this.rows.map((r) => r.section))];
    for (const section of sections) {
      lines.push(
        `## ${section}`,
        '',
        '| figure | backend | measured | reference | ratio | target | verdict |',
        '|---|---|---|---|---|---|---|',
      );
      for (const r of this.rows.filter((x) => x.section === section)) {
        lines.push(`| ${r.figure} | ${r.backend} | ${r.value} | ${r.reference} | ${r.ratio} | ${r.target} | ${r.verdict} |`);
      }
      lines.push('');
    }
    if (this.notes.length) lines.push('## Notes', '', ...this.notes.map((n) => `- ${n}`), '');
    return lines.join('\n');
  }
}
