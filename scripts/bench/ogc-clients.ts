/**
 * GDAL's `ogr2ogr` (Debian GDAL 3.6, OAPIF driver) copying the whole `buildings` collection from the real gateway's
 * OGC API – Features into a GeoPackage, as a GIS desk does:
 *
 * - with the driver's default options (GDAL 3.6.2 asks for 10 features a page);
 * - with `-oo PAGE_SIZE=1000`;
 * - beside the same rows read straight from PostGIS as GeoJSON over pg.
 *
 * A small counting HTTP proxy (node:http) in front of the gateway counts the requests GDAL makes for /ogc.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openPostgres } from '../../geo/db/postgres';
import type { StandaloneContext } from './context';
import { startGateway } from './ingest-load';
import type { Report } from './report';
import { fmt, nowMs, ratio } from './stats';

const SECTION = 'OGC API clients (GDAL ogr2ogr)';
const run = promisify(execFile);
const load = () => os.loadavg()[0]!.toFixed(1);

/** A pass-through proxy to `port` that counts the requests whose path starts with /ogc. */
async function countingProxy(port: number): Promise<{ url: string; ogcRequests: () => number; close: () => Promise<void> }> {
  let ogc = 0;
  const server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/ogc')) ogc += 1;
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    ogcRequests: () => ogc,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function benchOgcClients(ctx: StandaloneContext, report: Report): Promise<void> {
  const gateway = await startGateway({ databaseUrl: ctx.databaseUrl });
  const proxy = await countingProxy(gateway.port);
  const db = await openPostgres(ctx.databaseUrl);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'harbin-bench-ogc-'));
  const loadBefore = load();
  try {
    const total = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM base_building'))[0]!.n);
    const copy = async (name: string, options: string[]) => {
      const out = path.join(scratch, `${name}.gpkg`);
      const before = proxy.ogcRequests();
      const t = nowMs();
      await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${proxy.url}/ogc`, 'buildings', ...options], {
        timeout: 600_000,
        maxBuffer: 16 * 2 ** 20,
      });
      const ms = nowMs() - t;
      const requests = proxy.ogcRequests() - before;
      const info = await run('ogrinfo', ['-ro', '-so', out, 'buildings'], { timeout: 60_000 });
      const features = Number(/Feature Count: (\d+)/.exec(info.stdout)?.[1] ?? -1);
      return { ms, requests, features };
    };
    const t = nowMs();
    await db.query('SELECT id, name, kind, ST_AsGeoJSON(geom) AS geometry FROM base_building');
    const rawMs = nowMs() - t;

    const cases = [
      { label: 'default options (GDAL 3.6.2: 10 features a page)', result: await copy('default', []) },
      { label: '-oo PAGE_SIZE=1000', result: await copy('page1000', ['-oo', 'PAGE_SIZE=1000']) },
    ];
    for (const { label, result } of cases) {
      report.add({
        section: SECTION,
        figure: `ogr2ogr whole buildings layer to GPKG, ${label}: wall time; /ogc requests; features copied of ${total.toLocaleString('en')}`,
        backend: 'postgis',
        value: `${fmt(result.ms)}; ${result.requests.toLocaleString('en')} requests; ${result.features.toLocaleString('en')} features`,
        reference: `raw SQL ST_AsGeoJSON of all buildings ${fmt(rawMs)}`,
        ratio: ratio(result.ms, rawMs),
        target: 'all features copied',
        verdict: result.features === total ? 'meets' : 'misses',
      });
    }
    report.note(
      `${SECTION}: one copy each, through a counting pass-through proxy on loopback (its cost is in the wall time); ` +
        `load average ${loadBefore} on ${os.cpus().length} cores at the start, ${load()} at the end.`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await db.close();
    await proxy.close();
    await gateway.stop();
  }
}
