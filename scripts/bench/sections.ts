import type { BenchBackend } from './context';
import { benchGrid } from './grid';
import type { Report } from './report';

/** Every benchmark section, run on each backend in turn. */
export const BENCH_SECTIONS: { name: string; run: (b: BenchBackend, report: Report) => Promise<void> }[] = [
  { name: 'unit grid', run: benchGrid },
];
