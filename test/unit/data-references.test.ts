import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/env';

/** Every source file a data file names (in its `$comment`, README or header) is a file of the tree. */
const SOURCE_PATH = /\b(?:gateway|geo|web|media|contracts|scripts|test)\/[\w./-]+\.(?:tsx?|sql)\b/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

it('names only source files that exist in the data files', () => {
  const named = filesUnder(path.join(ROOT, 'data')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(SOURCE_PATH)].map((m) => ({ file: path.relative(ROOT, file), source: m[0] })),
  );
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((n) => !existsSync(path.join(ROOT, n.source)))).toEqual([]);
});
