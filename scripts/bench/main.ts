/**
 * `npm run bench`: imports the city into a fresh real PostGIS database and a fresh embedded one (timing both),
 * then measures every figure on both backends beside its reference, and writes BENCHMARKS.md.
 *
 * `npm run bench -- <key> …` runs only the named sections (see BENCH_SECTIONS) and rewrites only their sections
 * of BENCHMARKS.md, keeping the others' last figures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../gateway/config';
import { openEmbedded } from '../../geo/db/embedded';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { ensureGrid } from '../../geo/grid/generate';
import { importCity } from '../../geo/import/importer';
import { loadManifest } from '../../geo/import/manifest';
import { serveBackend, type BenchBackend } from './context';
import { BENCH_SECTIONS, type BenchSection } from './sections';
import { Report } from './report';
import { nowMs } from './stats';

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://harbin:harbin-test-only@127.0.0.1:5432/harbin_bench';

async function recreate(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/_bench$/.test(name)) throw new Error(`refusing to benchmark on "${name}": the database name must end in _bench`);
  u.pathname = '/postgres';
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

async function importTimed(db: Db, cityDir: string): Promise<{ importMs: number; gridMs: number }> {
  await migrate(db);
  let t = nowMs();
  await importCity(db, loadManifest(), cityDir);
  const importMs = nowMs() - t;
  t = nowMs();
  await ensureGrid(db);
  return { importMs, gridMs: nowMs() - t };
}

type Kind<K extends BenchSection['kind']> = Extract<BenchSection, { kind: K }>;

/** The sections named on the command line (all when none is). */
function selectSections(args: readonly string[]): BenchSection[] {
  if (!args.length) return BENCH_SECTIONS;
  const unknown = args.filter((a) => !BENCH_SECTIONS.some((s) => s.key === a));
  if (unknown.length)
    throw new Error(`unknown section ${unknown.join(', ')}; the sections are ${BENCH_SECTIONS.map((s) => s.key).join(', ')}`);
  return BENCH_SECTIONS.filter((s) => args.includes(s.key));
}

interface ParsedReport {
  head: string[];
  sections: { title: string; lines: string[] }[];
  notes: string[];
}

function parseReport(markdown: string): ParsedReport {
  const head: string[] = [];
  const sections: ParsedReport['sections'] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) sections.push({ title: line.slice(3).trim(), lines: [line] });
    else (sections[sections.length - 1]?.lines ?? head).push(line);
  }
  const trim = (lines: string[]) => {
    while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
    return lines;
  };
  const notes = sections.find((s) => s.title === 'Notes');
  return {
    head: trim(head),
    sections: sections.filter((s) => s.title !== 'Notes').map((s) => ({ title: s.title, lines: trim(s.lines) })),
    notes: (notes?.lines ?? []).filter((l) => l.startsWith('- ')).map((l) => l.slice(2)),
  };
}

/**
 * A partial run's report: the previous one with the re-run sections replaced in place (new ones appended), notes
 * kept except those that begin with a re-run section's title, and the run's date.
 */
function mergeReports(previous: string, fresh: string, keys: readonly string[]): string {
  const old = parseReport(previous);
  const now = parseReport(fresh);
  const rerun = new Set(now.sections.map((s) => s.title));
  const field = (name: string) =>
    old.head
      .find((l) => l.startsWith(`- **${name}:**`))
      ?.slice(`- **${name}:**`.length)
      .trim();
  const oldDate = field('date') ?? 'unknown';
  const oldMachine = field('machine');
  // Where the kept sections come from: the previous report's run, or, when that was itself a partial run of no
  // other sections than this one, the run its own kept sections came from.
  const previousPartial = /^`npm run bench -- ([^`]*)` measured .*; the other sections are kept from (.*)$/.exec(
    field('partial run') ?? '',
  );
  const keptFrom =
    previousPartial && previousPartial[1]!.split(' ').every((k) => keys.includes(k))
      ? previousPartial[2]!
      : previousPartial
        ? `earlier runs (the last report is dated ${oldDate})`
        : `the report dated ${oldDate}${oldMachine ? ` (machine: ${oldMachine})` : ''}`;
  const lines = [
    ...now.head,
    `- **partial run:** \`npm run bench -- ${keys.join(' ')}\` measured ${[...rerun].join(', ')} on this date; ` +
      `the other sections are kept from ${keptFrom}`,
    '',
  ];
  for (const s of old.sections)
    lines.push(...(rerun.has(s.title) ? now.sections.find((x) => x.title === s.title)!.lines : s.lines), '');
  for (const s of now.sections) if (!old.sections.some((x) => x.title === s.title)) lines.push(...s.lines, '');
  const notes = [...new Set([...old.notes.filter((n) => ![...rerun].some((t) => n.startsWith(t))), ...now.notes])];
  if (notes.length) lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

async function main() {
  const selected = selectSections(process.argv.slice(2));
  const perBackend = selected.filter((s): s is Kind<'per-backend'> => s.kind === 'per-backend');
  const standalone = selected.filter((s): s is Kind<'standalone'> => s.kind === 'standalone');
  const cfg = loadConfig();
  const report = new Report();
  const backends: BenchBackend[] = [];
  const embeddedDir = mkdtempSync(path.join(os.tmpdir(), 'harbin-bench-'));
  try {
    await recreate(BENCH_URL);
    if (perBackend.length) {
      const pg = await openPostgres(BENCH_URL);
      const pgImport = await importTimed(pg, cfg.CITY_DATA_DIR);
      const t = nowMs();
      const embedded = await openEmbedded(embeddedDir);
      const openMs = nowMs() - t;
      const emImport = await importTimed(embedded, cfg.CITY_DATA_DIR);
      const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      report.add({
        section: 'Import',
        figure: 'all manifest layers (≈ 64,000 features) + unit grid',
        backend: 'embedded',
        value: `${secs(emImport.importMs)} + grid ${secs(emImport.gridMs)} (+ ${secs(openMs)} first open)`,
        reference: `${secs(pgImport.importMs)} + grid ${secs(pgImport.gridMs)} on real PostGIS`,
        ratio: `${((emImport.importMs + emImport.gridMs) / (pgImport.importMs + pgImport.gridMs)).toFixed(2)}×`,
        target: 'info',
        verdict: 'info',
      });
      backends.push(await serveBackend('postgis', pg), await serveBackend('embedded', embedded));
      for (const section of perBackend) {
        for (const b of backends) {
          console.log(`-- ${section.name} on ${b.name}`);
          await section.run(b, report);
        }
      }
      // Standalone sections start their own processes on the same machine: the in-process backends go first.
      for (const b of backends.splice(0)) await b.close();
    }
    for (const section of standalone) {
      console.log(`-- ${section.name}`);
      await section.run({ databaseUrl: BENCH_URL }, report);
    }
    const meta = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      backends: 'real PostGIS (PostgreSQL 15, PostGIS 3.3, pgRouting) and embedded PGlite 0.5.8 with PostGIS 3.6 (WASM)',
    };
    const file = path.join(cfg.root, 'BENCHMARKS.md');
    const fresh = report.toMarkdown(meta);
    const partial = selected.length < BENCH_SECTIONS.length && existsSync(file);
    writeFileSync(
      file,
      partial
        ? mergeReports(
            readFileSync(file, 'utf8'),
            fresh,
            selected.map((s) => s.key),
          )
        : fresh,
    );
    console.log(partial ? `updated ${selected.map((s) => s.key).join(', ')} in BENCHMARKS.md` : 'wrote BENCHMARKS.md');
  } finally {
    for (const b of backends) await b.close().catch(() => undefined);
    rmSync(embeddedDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
