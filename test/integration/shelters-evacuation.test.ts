import request from 'supertest';
import { deriveShelters } from '../../gateway/shelters/derive';
import { SHELTER_RULES } from '../../gateway/shelters/rules';
import { estimatePopulation } from '../../geo/population/estimate';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

const HAN = /[\u4e00-\u9fff]/;
const STREET = '230103001'; // 南岗区花园街道
const DISTRICT = '230104'; // 道外区

let t: IdentityTestApp;
let planner: string;
let civil: string;
let inspector: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  await deriveShelters(t.db);
  await estimatePopulation(t.db);
  const p = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
  const c = await createAccount(t.db, { role: 'handler', departmentId: 'civil-defence' });
  const i = await createAccount(t.db, { role: 'inspector', departmentId: 'urban-mgmt', gridScope: ['230103'] });
  planner = await login(t.app, p.username, p.password);
  civil = await login(t.app, c.username, c.password);
  inspector = await login(t.app, i.username, i.password);
}, 240_000);
afterAll(() => t.close());

interface Plan {
  population: number;
  unassigned: number;
  totalWalkS: number;
  maxWalkS: number;
  shelters: { id: string; capacity: number; available: number; assigned: number; baselineAssigned: number }[];
  cells: {
    gridCode: string;
    population: number;
    unassigned: number;
    to: { shelterId: string; people: number; walkS: number }[];
  }[];
  streets: { code: string; to: { shelterId: string; people: number }[] }[];
  routes: { gridCode: string; shelterId: string; coordinates: [number, number][] }[];
  baseline: { population: number; unassigned: number; totalWalkS: number; maxWalkS: number; overloaded: number };
}

const plan = (body: unknown, cookie: string | null = planner) => {
  const r = request(t.app).post('/api/evacuation/plans');
  if (cookie) r.set('Cookie', cookie);
  return r.send(body as object);
};

/** No shelter above what it can still take; every person of every cell placed once or counted unassigned. */
function expectWithinCapacity(p: Plan): void {
  const byShelter = new Map<string, number>();
  for (const c of p.cells) {
    const placed = c.to.reduce((s, x) => s + x.people, 0);
    expect(placed + c.unassigned).toBe(c.population);
    for (const x of c.to) byShelter.set(x.shelterId, (byShelter.get(x.shelterId) ?? 0) + x.people);
  }
  for (const s of p.shelters) {
    expect(s.assigned).toBe(byShelter.get(s.id) ?? 0);
    expect(s.assigned).toBeLessThanOrEqual(s.available);
    expect(s.available).toBeLessThanOrEqual(s.capacity);
  }
  expect(p.population).toBe(p.cells.reduce((s, c) => s + c.population, 0));
  expect(p.unassigned).toBe(p.cells.reduce((s, c) => s + c.unassigned, 0));
  const total = p.cells.reduce((s, c) => s + c.to.reduce((a, x) => a + x.people * x.walkS, 0), 0);
  expect(p.totalWalkS).toBe(total);
  // The baseline overloads exactly the shelters it sends more people than they can take.
  expect(p.baseline.overloaded).toBe(p.shelters.filter((s) => s.baselineAssigned > s.available).length);
  expect(p.baseline.population).toBe(p.population);
}

describe('shelters derived from the city data', () => {
  it('lists underground works and open spaces with capacity by the written rules', async () => {
    const res = await request(t.app).get('/api/shelters').set('Cookie', planner);
    expect(res.status).toBe(200);
    const list = res.body as { id: string; kind: string; capacity: number; occupancy: number; areaM2: number | null }[];
    const kinds = new Map<string, number>();
    for (const s of list) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    expect(kinds.get('civil_defence')).toBe(5); // the five OSM bunkers
    expect(kinds.get('metro')).toBeGreaterThanOrEqual(25); // stations of lines 1–3 in the central area
    expect(kinds.get('park')).toBeGreaterThan(100);
    for (const s of list) expect(typeof s.occupancy).toBe('number');
    const metro = list.find((s) => s.kind === 'metro')!;
    expect(metro.capacity).toBe(SHELTER_RULES.metroStationM2 / SHELTER_RULES.undergroundM2PerPerson);
    // A park's capacity: half its footprint (effective area) at 2 m² a person, measured here from the stored footprint.
    const [park] = await t.db.query<{ capacity: number; measured: number }>(
      `SELECT capacity, floor(ST_Area(footprint::geography) * 0.5 / 2.0)::int AS measured FROM shelter
        WHERE kind = 'park' AND origin = 'derived' ORDER BY id LIMIT 1`,
    );
    expect(Math.abs(park!.capacity - park!.measured)).toBeLessThanOrEqual(1);
  });

  it('derives the same shelters again on a re-run, changing nothing', async () => {
    const before = await t.db.query('SELECT id, capacity, kind, street_code FROM shelter ORDER BY id');
    const again = await deriveShelters(t.db);
    expect(again.removed).toBe(0);
    expect(await t.db.query('SELECT id, capacity, kind, street_code FROM shelter ORDER BY id')).toEqual(before);
  });

  it('is not shown to roles without shelter.read', async () => {
    expect((await request(t.app).get('/api/shelters')).status).toBe(401);
    expect((await request(t.app).get('/api/shelters').set('Cookie', inspector)).status).toBe(403);
  });
});

describe('registers and occupancy', () => {
  it('registers one shelter by API and many by CSV, refusing a CSV with a bad line as a whole', async () => {
    const one = await request(t.app)
      .post('/api/shelters')
      .set('Cookie', civil)
      .send({ id: 'RF-NG-0001', name: '南岗区人防工程一号', kind: 'civil_defence', capacity: 1200, lon: 126.645, lat: 45.752 });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({
      id: 'RF-NG-0001',
      origin: 'register',
      capacity: 1200,
      street: expect.stringMatching(/^230103/),
    });

    const bad = await request(t.app)
      .post('/api/shelters/import')
      .set('Cookie', civil)
      .send({ csv: 'id,name,kind,capacity,lon,lat\nRF-X-1,甲,人防工事,300,126.6,45.75\nRF-X-2,乙,地堡,-5,126.6,45.75\n' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/第 3 行/);
    expect(bad.body.error.message).toMatch(HAN);
    expect(await t.db.query("SELECT id FROM shelter WHERE id = 'RF-X-1'")).toEqual([]);

    const good = await request(t.app).post('/api/shelters/import').set('Cookie', civil).send({
      csv: 'id,name,kind,capacity,lon,lat,opening\nRF-X-1,甲,人防工事,300,126.6,45.75,open\nRF-X-2,乙,地下停车场,800,126.61,45.75,\n',
    });
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ imported: 2, updated: 0 });

    const taken = await request(t.app)
      .post('/api/shelters')
      .set('Cookie', civil)
      .send({ id: 'osm-node-1', name: '冒用', kind: 'park', capacity: 1, lon: 126.6, lat: 45.75 });
    expect(taken.status).toBe(400);
    expect(taken.body.error.message).toMatch(HAN);
  });

  it('records occupancy reports, marks a shelter full at capacity and announces it on the change log', async () => {
    const [headRow] = await t.db.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM change_log');
    const head = headRow!.seq;
    const res = await request(t.app)
      .post('/api/shelters/RF-X-1/occupancy')
      .set('Cookie', civil)
      .send({ occupancy: 300, source: 'feed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ occupancy: 300, opening: 'full', occupancySource: 'feed' });
    const changes = await t.db.query<{ topic: string; entity: string }>('SELECT topic, entity FROM change_log WHERE seq > $1', [
      head,
    ]);
    expect(changes).toContainEqual({ topic: 'shelter', entity: 'shelter:RF-X-1' });
    const missing = await request(t.app).post('/api/shelters/RF-NONE/occupancy').set('Cookie', civil).send({ occupancy: 1 });
    expect(missing.status).toBe(404);
    const negative = await request(t.app).post('/api/shelters/RF-X-1/occupancy').set('Cookie', civil).send({ occupancy: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.message).toMatch(HAN);
    expect(
      (await request(t.app).post('/api/shelters/RF-X-1/occupancy').set('Cookie', planner).send({ occupancy: 1 })).status,
    ).toBe(403);
  });
});

describe('evacuation plans on the real road network', () => {
  it('plans a street within capacity, with routes, per-street directions and the nearest-shelter baseline', async () => {
    const res = await plan({ area: { street: STREET } });
    expect(res.status).toBe(200);
    const p = res.body as Plan;
    const [sum] = await t.db.query<{ night: string }>(
      'SELECT sum(p.night) AS night FROM grid_population p JOIN grid_cell c ON c.code = p.grid_code WHERE c.street_code = $1',
      [STREET],
    );
    expect(p.population).toBe(Number(sum!.night));
    expect(p.population).toBeGreaterThan(1000);
    expectWithinCapacity(p);
    expect(p.maxWalkS).toBeLessThanOrEqual(1800);
    expect(p.streets.map((s) => s.code)).toContain(STREET);
    expect(p.routes.length).toBeGreaterThan(0);
    const shelterIds = new Set(p.shelters.map((s) => s.id));
    for (const r of p.routes) {
      expect(shelterIds.has(r.shelterId)).toBe(true);
      expect(r.coordinates.length).toBeGreaterThanOrEqual(2);
    }
    // Nobody walks further in total than under the usual practice when the usual practice fits.
    if (p.baseline.overloaded === 0 && p.baseline.unassigned === p.unassigned)
      expect(p.totalWalkS).toBeLessThanOrEqual(p.baseline.totalWalkS);
  });

  it('plans a whole district within capacity', async () => {
    const res = await plan({ area: { district: DISTRICT }, routes: false });
    expect(res.status).toBe(200);
    const p = res.body as Plan;
    expect(p.population).toBeGreaterThan(100_000);
    expectWithinCapacity(p);
    expect(p.routes).toEqual([]);
  }, 120_000);

  it('reports the people it cannot shelter when capacity is short (underground works only)', async () => {
    const res = await plan({ area: { street: STREET }, shelters: 'underground', routes: false });
    expect(res.status).toBe(200);
    const p = res.body as Plan;
    expectWithinCapacity(p);
    const room = p.shelters.reduce((s, x) => s + x.available, 0);
    expect(p.unassigned).toBeGreaterThanOrEqual(p.population - room);
    expect(p.unassigned).toBeGreaterThan(0);
    expect(p.baseline.overloaded).toBeGreaterThan(0);
  });

  it('plans a drawn polygon', async () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [126.62, 45.75],
          [126.64, 45.75],
          [126.64, 45.765],
          [126.62, 45.765],
          [126.62, 45.75],
        ],
      ],
    };
    const res = await plan({ area: square, variant: 'day', routes: false });
    expect(res.status).toBe(200);
    expectWithinCapacity(res.body as Plan);
  });

  it('refuses hostile areas with a 400 in Chinese', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [126.6, 45.7],
          [126.7, 45.8],
          [126.7, 45.7],
          [126.6, 45.8],
          [126.6, 45.7],
        ],
      ],
    };
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [126.6, 45.7],
          [126.7, 45.8],
          [126.7, 45.7],
          [126.65, 45.9],
        ],
      ],
    };
    for (const body of [
      { area: { district: '999999' } },
      { area: { street: '230103999' } },
      { area: { street: '12' } },
      { area: bowtie },
      { area: open },
      { area: { type: 'Point', coordinates: [126.6, 45.7] } },
      { area: { district: '230104' }, variant: 'noon' },
      {},
      { area: { district: '230104', street: STREET } },
    ]) {
      const res = await plan(body);
      expect([res.status, body]).toEqual([400, body]);
      expect(res.body.error.message).toMatch(HAN);
    }
  });

  it('is refused to roles without evacuation.plan', async () => {
    expect((await plan({ area: { street: STREET } }, null)).status).toBe(401);
    expect((await plan({ area: { street: STREET } }, inspector)).status).toBe(403);
  });
});

describe('population per grid cell', () => {
  it('is calibrated per district to the census share and replaced cell by cell by official figures', async () => {
    const summary = await request(t.app).get('/api/population/summary').set('Cookie', planner);
    expect(summary.status).toBe(200);
    // 道外区: all 23 of its 23 街道 are covered, so its target is its whole 2010 census population.
    const daowai = (summary.body.districts as { adcode: string; night: number; target: number }[]).find(
      (d) => d.adcode === '230104',
    )!;
    expect(daowai.target).toBe(906_421);
    expect(Math.abs(daowai.night - 906_421) / 906_421).toBeLessThan(0.001);

    const [cell] = await t.db.query<{ code: string }>('SELECT code FROM grid_cell ORDER BY code LIMIT 1');
    const res = await request(t.app)
      .post('/api/population/import')
      .set('Cookie', planner)
      .send({ csv: `grid_code,night,day\n${cell!.code},1234,567\n` });
    expect(res.status).toBe(200);
    await estimatePopulation(t.db);
    const [row] = await t.db.query('SELECT night, day, source FROM grid_population WHERE grid_code = $1', [cell!.code]);
    expect(row).toEqual({ night: 1234, day: 567, source: 'official' });

    const unknown = await request(t.app)
      .post('/api/population/import')
      .set('Cookie', planner)
      .send({ csv: 'grid_code,night,day\n230199999999999,1,1\n' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/未知的网格编码/);
    expect((await request(t.app).post('/api/population/import').set('Cookie', civil).send({ csv: 'x' })).status).toBe(403);
  });
});
