import { tileQueryById } from '../../geo/tiles';
import { httpGet, type BenchBackend } from './context';
import type { Report } from './report';
import { fmt, ratio, sideBySide } from './stats';

/** Tile column and row of a WGS-84 point at zoom z (Web Mercator). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

const CASES = [
  { layer: 'grid', z: 14 },
  { layer: 'poi', z: 12 },
] as const;

/** A dynamic operational tile over HTTP against the bare SQL that builds it, over a 3 × 3 block of central tiles. */
export async function benchTiles(b: BenchBackend, report: Report): Promise<void> {
  if (b.name === 'postgis') {
    report.note(
      'Tiles over HTTP: the client runs in the same Node process and event loop as the gateway, so the HTTP figure ' +
        'also carries the client side of each request (request, response parsing); the bare-SQL reference does not.',
    );
  }
  for (const { layer, z } of CASES) {
    const [cx, cy] = tileOf(126.63, 45.76, z);
    const tiles = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => [cx + dx, cy + dy] as const));
    const res = await sideBySide(
      b.name === 'embedded' ? 150 : 600,
      async (i) => {
        const [x, y] = tiles[i % tiles.length]!;
        const r = await httpGet(`${b.baseUrl}/tiles/${layer}/${z}/${x}/${y}.mvt`);
        if (r.status !== 200 && r.status !== 204) throw new Error(`tile ${layer}/${z}/${x}/${y} answered ${r.status}`);
      },
      (i) => {
        const [x, y] = tiles[i % tiles.length]!;
        const q = tileQueryById(b.db.backend, layer, z, x, y);
        return b.db.query(q.sql, q.params);
      },
      b.name === 'embedded' ? 20 : 50,
    );
    const encoded = b.name === 'embedded' ? ' (SQL rows; the endpoint also encodes in Node)' : ' (ST_AsMVT)';
    report.add({
      section: 'Operational vector tiles',
      figure: `${layer} tile z${z} over HTTP, p95`,
      backend: b.name,
      value: fmt(res.subject.p95),
      reference: `${fmt(res.reference.p95)} bare SQL${encoded}`,
      ratio: ratio(res.subject.p95, res.reference.p95),
      // The targets are set for the production backend; the embedded one is reported beside it.
      target: b.name === 'postgis' ? '≤ 50 ms and ≤ 1.2× bare SQL' : 'info',
      verdict:
        b.name !== 'postgis' ? 'info' : res.subject.p95 <= 50 && res.subject.p95 <= 1.2 * res.reference.p95 ? 'meets' : 'misses',
    });
  }
}
