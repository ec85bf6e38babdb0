import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SirenKind } from '../../contracts/airdefense';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { lockChangeLog } from '../changes/log';
import { demoSirenPassword, registerSirens, type SirenRecord } from './registry';

/**
 * The demonstration siren layout (演示数据: no open data has real siren sites), generated from the city data by the
 * rules written in data/airdefense/README.md: sirens on the rooftops of public buildings (schools, government
 * offices, hospitals, stations…) chosen greedily so their audible circles cover every unit-grid cell of the 77
 * streets; only where no public building reaches a cell, the rooftop of another building.
 */

interface Fit {
  kind: SirenKind;
  ratedPowerW: number;
  radiusM: number;
}

/** Which siren suits which rooftop (rule 2 of the README). */
const FITS: Record<string, Fit> = {
  school: { kind: 'motor', ratedPowerW: 5500, radiusM: 1000 },
  government: { kind: 'multimedia', ratedPowerW: 2000, radiusM: 800 },
  hospital: { kind: 'electronic', ratedPowerW: 1500, radiusM: 700 },
  other: { kind: 'electronic', ratedPowerW: 1200, radiusM: 700 },
  pole: { kind: 'motor', ratedPowerW: 7500, radiusM: 1500 },
};
const POI_FIT: Record<string, keyof typeof FITS> = {
  education_school: 'school',
  education_college: 'school',
  education_university: 'school',
  education_kindergarten: 'school',
  open_space_stadium: 'school',
  government: 'government',
  police: 'government',
  fire_station: 'government',
  medical_hospital: 'hospital',
};
const BUILDING_FIT: Record<string, keyof typeof FITS> = {
  school: 'school',
  university: 'school',
  college: 'school',
  kindergarten: 'school',
  stadium: 'school',
  train_station: 'government',
  office: 'government',
  hospital: 'hospital',
};

interface Candidate {
  x: number;
  y: number;
  lon: number;
  lat: number;
  name: string;
  fit: keyof typeof FITS;
  tier: 1 | 2 | 3;
}
interface Cell {
  x: number;
  y: number;
  area: number;
}

const LAT0 = 45.75;
const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = 111_320 * Math.cos((LAT0 * Math.PI) / 180);

async function candidates(db: Queryable): Promise<Candidate[]> {
  const rows = await db.query<{ lon: number; lat: number; name: string; poi: string | null; bkind: string; tier: number }>(
    `WITH pub AS (
       SELECT DISTINCT ON (b.source_id) b.source_id, p.category AS poi, coalesce(nullif(p.name, ''), nullif(b.name, '')) AS name, b.kind,
              ST_PointOnSurface(b.geom) AS g
         FROM poi p
         JOIN LATERAL (SELECT source_id, name, kind, geom FROM base_feature
                        WHERE layer = 'building' AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')
                          AND ST_DWithin(geom, p.geom, 0.0008)
                        ORDER BY geom <-> p.geom LIMIT 1) b ON true
        WHERE p.category = ANY($1::text[])
        ORDER BY b.source_id, p.id)
     SELECT ST_X(g) AS lon, ST_Y(g) AS lat, name, poi, bkind, tier FROM (
       SELECT g, coalesce(name, '') AS name, poi, kind AS bkind, 1 AS tier FROM pub
       UNION ALL
       SELECT g, name, NULL, kind, CASE WHEN kind = ANY($2::text[]) THEN 1 ELSE 2 END
         FROM (SELECT source_id, name, kind, ST_PointOnSurface(geom) AS g FROM base_feature
                WHERE layer = 'building' AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')
                  AND NOT EXISTS (SELECT 1 FROM pub WHERE pub.source_id = base_feature.source_id)) b) c
      -- Only rooftops inside the 77 streets (the area the grid and the sirens serve).
      WHERE EXISTS (SELECT 1 FROM street st WHERE ST_Contains(st.geom, c.g))
      ORDER BY 1, 2`,
    [Object.keys(POI_FIT), Object.keys(BUILDING_FIT)],
  );
  return rows.map((r) => {
    const fit = (r.poi ? POI_FIT[r.poi] : BUILDING_FIT[r.bkind]) ?? 'other';
    return {
      lon: Number(r.lon),
      lat: Number(r.lat),
      x: Number(r.lon) * M_PER_DEG_LON,
      y: Number(r.lat) * M_PER_DEG_LAT,
      name: r.name,
      fit,
      tier: r.tier === 1 ? 1 : 2,
    };
  });
}

async function cells(db: Queryable): Promise<Cell[]> {
  const rows = await db.query<{ lon: number; lat: number; area: number }>(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat, area_m2 AS area FROM (SELECT ST_PointOnSurface(geom) AS p, area_m2 FROM grid_cell) c`,
  );
  return rows.map((r) => ({ x: Number(r.lon) * M_PER_DEG_LON, y: Number(r.lat) * M_PER_DEG_LAT, area: Number(r.area) }));
}

/** Cells within each candidate's radius, through a 500 m bucket index of the cells. */
function reach(cands: Candidate[], cs: Cell[]): number[][] {
  const B = 500;
  const buckets = new Map<string, number[]>();
  cs.forEach((c, i) => {
    const k = `${Math.floor(c.x / B)},${Math.floor(c.y / B)}`;
    (buckets.get(k) ?? buckets.set(k, []).get(k)!).push(i);
  });
  return cands.map((c) => {
    const r = FITS[c.fit]!.radiusM;
    const out: number[] = [];
    const [bx, by, span] = [Math.floor(c.x / B), Math.floor(c.y / B), Math.ceil(r / B)];
    for (let i = bx - span; i <= bx + span; i++)
      for (let j = by - span; j <= by + span; j++)
        for (const k of buckets.get(`${i},${j}`) ?? []) {
          const cell = cs[k]!;
          if ((cell.x - c.x) ** 2 + (cell.y - c.y) ** 2 <= r * r) out.push(k);
        }
    return out;
  });
}

/**
 * Greedy set cover with lazy gains (a candidate's gain only falls as cells get covered): in each pass the candidate
 * covering the most uncovered area wins, until no candidate of the pass adds at least `minGain` square metres.
 */
function greedy(pool: number[], covers: number[][], cs: Cell[], covered: Uint8Array, minGain: number): number[] {
  const gain = (i: number) => covers[i]!.reduce((s, k) => s + (covered[k] ? 0 : cs[k]!.area), 0);
  const heap = pool.map((i) => ({ i, g: gain(i) })).sort((a, b) => b.g - a.g || a.i - b.i);
  const chosen: number[] = [];
  while (heap.length) {
    const top = heap[0]!;
    const g = gain(top.i);
    if (g < minGain) {
      if (top.g < minGain) break;
      top.g = g;
      heap.sort((a, b) => b.g - a.g || a.i - b.i);
      continue;
    }
    if (heap.length > 1 && g < heap[1]!.g) {
      top.g = g;
      // Re-insert in order (the list stays sorted by stale gains, an upper bound of the true ones).
      heap.shift();
      let lo = 0;
      let hi = heap.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (heap[mid]!.g > g || (heap[mid]!.g === g && heap[mid]!.i < top.i)) lo = mid + 1;
        else hi = mid;
      }
      heap.splice(lo, 0, top);
      continue;
    }
    heap.shift();
    chosen.push(top.i);
    for (const k of covers[top.i]!) covered[k] = 1;
  }
  return chosen;
}

/** The demo layout: every siren with its site, kind and radius (ids and names are given by street on insert). */
export async function generateDemoLayout(db: Queryable): Promise<SirenRecord[]> {
  const cands = await candidates(db);
  const cs = await cells(db);
  const covers = reach(cands, cs);
  const covered = new Uint8Array(cs.length);
  const tier1 = cands.map((c, i) => (c.tier === 1 ? i : -1)).filter((i) => i >= 0);
  // Public rooftops first while each adds at least five hectares, then any rooftop for what is left.
  const chosen = [
    ...greedy(tier1, covers, cs, covered, 50_000),
    ...greedy(
      cands.map((_, i) => i),
      covers,
      cs,
      covered,
      1,
    ),
  ];
  // Where no rooftop reaches (farmland, wetland): a high-power siren on a pole at the open ground itself.
  const poles: Candidate[] = cs.flatMap((c, k) =>
    covered[k]
      ? []
      : [
          {
            x: c.x,
            y: c.y,
            lon: c.x / M_PER_DEG_LON,
            lat: c.y / M_PER_DEG_LAT,
            name: '',
            fit: 'pole' as const,
            tier: 3 as const,
          },
        ],
  );
  const poleCovers = reach(poles, cs);
  const poleChosen = greedy(
    poles.map((_, i) => i),
    poleCovers,
    cs,
    covered,
    1,
  );
  const picked = [...chosen.map((i) => cands[i]!), ...poleChosen.map((i) => poles[i]!)].sort(
    (a, b) => b.lat - a.lat || a.lon - b.lon,
  );
  const streets = await db.query<{ name: string }>(
    `SELECT coalesce((SELECT name FROM street WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), 0.006)
                       ORDER BY geom <-> ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) LIMIT 1), '') AS name
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lon, lat, n) ORDER BY t.n`,
    [picked.map((c) => c.lon), picked.map((c) => c.lat)],
  );
  const perStreet = new Map<string, number>();
  return picked.map((c, n) => {
    const fit = FITS[c.fit]!;
    const street = streets[n]?.name ?? '';
    const k = (perStreet.get(street) ?? 0) + 1;
    perStreet.set(street, k);
    const place = c.name || `${street}${k}号点位`;
    return {
      id: `JB${String(n + 1).padStart(4, '0')}`,
      name: `${place}警报器`,
      kind: fit.kind,
      ratedPowerW: fit.ratedPowerW,
      radiusM: fit.radiusM,
      lon: Math.round(c.lon * 1e6) / 1e6,
      lat: Math.round(c.lat * 1e6) / 1e6,
      site: `${c.tier === 3 ? `${place}立杆（无可用楼顶）` : `${c.name || '无名建筑'}楼顶`}（演示数据）`,
      demo: true,
    };
  });
}

/** Places the demo layout when the registry is empty; returns how many sirens were placed. */
export async function seedDemoSirens(db: Db, hub: ChangeHub, demoKey: string): Promise<number> {
  const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM siren')) as [{ n: string }];
  if (Number(n) > 0) return 0;
  const records = await generateDemoLayout(db);
  const { changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    return registerSirens(tx, records, (id) => demoSirenPassword(demoKey, id));
  });
  hub.publish(changes);
  return records.length;
}

/** The published demo key of data/airdefense/demo-sirens.json. */
export function demoSirenKey(file = path.resolve(__dirname, '../../data/airdefense/demo-sirens.json')): string {
  return z.object({ key: z.string().min(32) }).parse(JSON.parse(readFileSync(file, 'utf8'))).key;
}
