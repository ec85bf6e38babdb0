import type {
  SituationArea,
  SituationFigures,
  SituationGauge,
  SituationIncident,
  SituationReport,
  SituationResponse,
  SituationRow,
} from '../../contracts/reports';
import type { Queryable } from '../../geo/db/types';
import type { Locator } from '../../geo/grid/locate';
import type { GaugeStation } from '../feeds/gauges';
import { latestGaugeReadings } from '../feeds/gauge-writer';
import { AppError } from '../http/errors';
import { reportSql } from './sql';

const SQL = {
  incidents: reportSql('situation-incidents.sql'),
  cases: reportSql('situation-cases.sql'),
  top: reportSql('situation-top-incidents.sql'),
  responses: reportSql('situation-responses.sql'),
};

/** Where something is: district, street and unit grid cell codes (any may be unknown). */
interface Place {
  d: string | null;
  s: string | null;
  g: string | null;
}

/** The area asked for, resolved against the base data, with the level its rows are one step below. */
export interface ResolvedArea {
  area: SituationArea;
  parents: SituationArea[];
  district: string | null;
  street: string | null;
  /** The level of the report's rows: districts of the city, streets of a district, cells of a street. */
  childKind: 'district' | 'street' | 'grid';
}

export const CITY: SituationArea = { kind: 'city', code: null, name: '哈尔滨市' };

/** `city`, `district:<adcode>` or `street:<code>` (already checked by the contract) → the area, or 404. */
export async function resolveArea(db: Queryable, spec: string): Promise<ResolvedArea> {
  if (spec === 'city') return { area: CITY, parents: [], district: null, street: null, childKind: 'district' };
  const [kind, code] = spec.split(':') as ['district' | 'street', string];
  if (kind === 'district') {
    const [d] = await db.query<{ name: string }>('SELECT name FROM district WHERE adcode = $1', [code]);
    if (!d) throw new AppError('not_found', `未找到区县 ${code}`);
    return { area: { kind, code, name: d.name }, parents: [CITY], district: code, street: null, childKind: 'street' };
  }
  const [s] = await db.query<{ name: string; district_adcode: string; district_name: string }>(
    'SELECT s.name, s.district_adcode, coalesce(d.name, s.district_name) AS district_name FROM street s LEFT JOIN district d ON d.adcode = s.district_adcode WHERE s.code = $1',
    [code],
  );
  if (!s) throw new AppError('not_found', `未找到街道 ${code}`);
  return {
    area: { kind, code, name: s.name },
    parents: [CITY, { kind: 'district', code: s.district_adcode, name: s.district_name }],
    district: s.district_adcode,
    street: code,
    childKind: 'grid',
  };
}

export const zeroFigures = (): SituationFigures => ({
  incidentsOpen: 0,
  incidents24h: 0,
  casesOpen: 0,
  casesOverdue: 0,
  units: 0,
  unitsBusy: 0,
  gaugesOverWarning: 0,
  responsesActive: 0,
});

/** Whether a place lies in the area. */
function inArea(a: ResolvedArea, p: Place): boolean {
  if (a.street) return p.s === a.street;
  if (a.district) return p.d === a.district;
  return true;
}

/** The code of the row a place counts in (null: in the area but in no row, e.g. outside the grid). */
function childOf(a: ResolvedArea, p: Place): string | null {
  return a.childKind === 'district' ? p.d : a.childKind === 'street' ? p.s : p.g;
}

/** Sums figures into the area's total and its rows; rows are created on first use. */
class Tally {
  readonly totals = zeroFigures();
  readonly rows = new Map<string, SituationFigures>();
  constructor(private readonly area: ResolvedArea) {}

  add(p: Place, f: Partial<SituationFigures>): void {
    if (!inArea(this.area, p)) return;
    const child = childOf(this.area, p);
    const targets = [this.totals, ...(child ? [this.row(child)] : [])];
    for (const t of targets) for (const [k, v] of Object.entries(f) as [keyof SituationFigures, number][]) t[k] += v;
  }

  row(code: string): SituationFigures {
    let r = this.rows.get(code);
    if (!r) this.rows.set(code, (r = zeroFigures()));
    return r;
  }
}

interface CountRow {
  district_code: string | null;
  street_code: string | null;
  grid_code: string | null;
}
const placeOf = (r: CountRow): Place => ({ d: r.district_code, s: r.street_code, g: r.grid_code });
const iso = (v: Date | string) => new Date(v).toISOString();

/** The names of the rows below the area: every district or street of it (with zeros); cells only when counted. */
async function childNames(db: Queryable, a: ResolvedArea): Promise<Map<string, string>> {
  if (a.childKind === 'district') {
    const rows = await db.query<{ adcode: string; name: string }>('SELECT adcode, name FROM district ORDER BY adcode');
    return new Map(rows.map((r) => [r.adcode, r.name]));
  }
  if (a.childKind === 'street') {
    const rows = await db.query<{ code: string; name: string }>(
      'SELECT code, name FROM street WHERE district_adcode = $1 ORDER BY code',
      [a.district],
    );
    return new Map(rows.map((r) => [r.code, r.name]));
  }
  return new Map();
}

export interface SituationSources {
  db: Queryable;
  locator: Locator;
  stations: readonly GaugeStation[];
}

/**
 * 态势报告: incidents, cases, units, gauges and active responses of an area, counted per unit grid cell and summed
 * up to street, district and city, with the rows one level below the area, the most urgent incidents, the gauges
 * and the responses in it.
 */
export async function situationReport(src: SituationSources, spec: string, now = new Date()): Promise<SituationReport> {
  const { db, locator } = src;
  const a = await resolveArea(db, spec);
  const params = [a.district, a.street];
  const [incidents, cases, top, responses, units, gauges, names] = await Promise.all([
    db.query<CountRow & { open: number; recent: number }>(SQL.incidents, params),
    db.query<CountRow & { open: number; overdue: number }>(SQL.cases, params),
    db.query<{
      id: string;
      title: string;
      category: string;
      priority: number;
      status: string;
      drill: boolean;
      first_reported_at: Date | string;
      place: string;
    }>(SQL.top, params),
    db.query<{
      id: string;
      plan_title: string;
      level: string;
      drill: boolean;
      started_at: Date | string;
      incidents: number;
      places: Place[];
    }>(SQL.responses),
    db.query<{ status: string; lon: number; lat: number }>(
      'SELECT status, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM unit WHERE geom IS NOT NULL',
    ),
    latestGaugeReadings(db, src.stations),
    childNames(db, a),
  ]);

  const tally = new Tally(a);
  for (const r of incidents) tally.add(placeOf(r), { incidentsOpen: r.open, incidents24h: r.recent });
  for (const r of cases) tally.add(placeOf(r), { casesOpen: r.open, casesOverdue: r.overdue });
  const located = (lon: number, lat: number): Place => {
    const l = locator.locate(lon, lat);
    return { d: l.district?.code ?? null, s: l.street?.code ?? null, g: l.gridCode ?? null };
  };
  for (const u of units) {
    tally.add(located(u.lon, u.lat), { units: 1, unitsBusy: u.status === 'available' || u.status === 'out_of_service' ? 0 : 1 });
  }
  const areaGauges: SituationGauge[] = [];
  for (const g of gauges) {
    const p = located(g.lon, g.lat);
    if (!inArea(a, p)) continue;
    tally.add(p, { gaugesOverWarning: g.overWarning ? 1 : 0 });
    areaGauges.push({
      stationId: g.stationId,
      name: g.name,
      river: g.river,
      waterLevelM: g.waterLevelM,
      warningLevelM: g.warningLevelM,
      overWarning: g.overWarning,
      at: g.at,
    });
  }
  const areaResponses: SituationResponse[] = [];
  for (const r of responses) {
    const places = r.places.length ? r.places : [{ d: null, s: null, g: null }];
    const inside = places.filter((p) => (r.places.length ? inArea(a, p) : a.area.kind === 'city'));
    if (!inside.length) continue;
    tally.totals.responsesActive += 1;
    for (const child of new Set(inside.map((p) => childOf(a, p)).filter((c): c is string => c !== null))) {
      tally.row(child).responsesActive += 1;
    }
    areaResponses.push({
      id: r.id,
      planTitle: r.plan_title,
      level: r.level,
      drill: r.drill,
      startedAt: iso(r.started_at),
      incidents: r.incidents,
    });
  }

  const codes = [...new Set([...names.keys(), ...tally.rows.keys()])].sort();
  const children: SituationRow[] = codes.map((code) => ({
    kind: a.childKind,
    code,
    name: names.get(code) ?? code,
    figures: tally.rows.get(code) ?? zeroFigures(),
  }));
  const topIncidents: SituationIncident[] = top.map((r) => ({
    id: Number(r.id),
    title: r.title,
    category: r.category,
    priority: r.priority,
    status: r.status,
    place: r.place,
    reportedAt: iso(r.first_reported_at),
    drill: r.drill,
  }));
  return {
    area: a.area,
    parents: a.parents,
    generatedAt: now.toISOString(),
    totals: tally.totals,
    children,
    incidents: topIncidents,
    gauges: areaGauges,
    responses: areaResponses,
  };
}
