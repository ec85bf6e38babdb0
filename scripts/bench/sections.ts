import type { BenchBackend } from './context';
import { benchGrid } from './grid';
import { benchNearestDrive, benchNearestStraight } from './nearest';
import type { Report } from './report';
import { benchTiles } from './tiles';

/** Every benchmark section, run on each backend in turn. */
export const BENCH_SECTIONS: { name: string; run: (b: BenchBackend, report: Report) => Promise<void> }[] = [
  { name: 'unit grid', run: benchGrid },
  { name: 'nearest by straight line', run: benchNearestStraight },
  { name: 'nearest by drive time', run: benchNearestDrive },
  { name: 'vector tiles', run: benchTiles },
];
