import type { BenchBackend, StandaloneContext } from './context';
import { benchCases } from './cases';
import { benchEvacuation } from './evacuation';
import { benchFusion } from './fusion';
import { benchGeocode } from './geocode';
import { benchGrid } from './grid';
import { benchIngest } from './ingest';
import { benchMedia } from './media';
import { benchNearestDrive, benchNearestStraight } from './nearest';
import { benchOgcClients } from './ogc-clients';
import { benchPlanner } from './planner';
import { benchResponses } from './responses';
import { benchSirens } from './sirens';
import { benchSituation } from './situation';
import { benchSms } from './sms';
import type { Report } from './report';
import { benchTiles } from './tiles';

/**
 * A benchmark section. `per-backend` sections run on each backend in turn, on the app served in this process;
 * `standalone` ones run once and start their own processes (a gateway, clients, reference servers).
 * `key` names the section on the command line: `npm run bench -- ingest tiles` runs only those.
 */
export type BenchSection =
  | { key: string; name: string; kind: 'per-backend'; run: (b: BenchBackend, report: Report) => Promise<void> }
  | { key: string; name: string; kind: 'standalone'; run: (ctx: StandaloneContext, report: Report) => Promise<void> };

/** Every benchmark section, in report order. */
export const BENCH_SECTIONS: BenchSection[] = [
  { key: 'grid', name: 'unit grid', kind: 'per-backend', run: benchGrid },
  { key: 'geocode', name: 'geocoding', kind: 'per-backend', run: benchGeocode },
  { key: 'nearest-straight', name: 'nearest by straight line', kind: 'per-backend', run: benchNearestStraight },
  { key: 'nearest-drive', name: 'nearest by drive time', kind: 'per-backend', run: benchNearestDrive },
  { key: 'tiles', name: 'vector tiles', kind: 'per-backend', run: benchTiles },
  { key: 'planner', name: 'planner queries', kind: 'per-backend', run: benchPlanner },
  { key: 'ingest', name: 'ingest and live delivery', kind: 'standalone', run: benchIngest },
  { key: 'fusion', name: 'incident fusion', kind: 'standalone', run: benchFusion },
  { key: 'media', name: 'video service', kind: 'standalone', run: benchMedia },
  { key: 'cases', name: 'city management', kind: 'standalone', run: benchCases },
  { key: 'sirens', name: 'air-defence sirens', kind: 'standalone', run: benchSirens },
  { key: 'evacuation', name: 'evacuation plan', kind: 'standalone', run: benchEvacuation },
  { key: 'responses', name: 'emergency response', kind: 'standalone', run: benchResponses },
  { key: 'situation-pdf', name: 'situation report PDF', kind: 'standalone', run: benchSituation },
  { key: 'sms', name: 'SMS over SMPP', kind: 'standalone', run: benchSms },
  { key: 'ogc-clients', name: 'OGC API clients (GDAL ogr2ogr)', kind: 'standalone', run: benchOgcClients },
];
