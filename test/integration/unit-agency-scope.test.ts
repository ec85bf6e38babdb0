import request from 'supertest';
import type { FeedAck, Unit } from '../../contracts/incidents';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { freshScene, placeUnits, postFeed, report } from '../support/feeds';

/**
 * Unit writes are scoped to the agency that owns the unit: a handler department changes only its own agency's
 * units (交警 its traffic police cars, 消防 its fire engines and rescue trucks…); the command centre (commander,
 * dispatcher) changes any. A refusal is 403 with the reason in Chinese and leaves the unit as it was.
 */
let t: IdentityTestApp;
const cookies = new Map<string, string>();
/** One unit of each agency, placed for this suite. */
let units: Record<'110' | '119' | '120' | 'traffic', string>;

const ACCOUNTS: [string, Parameters<typeof createAccount>[1]][] = [
  ['commander', { role: 'commander', departmentId: 'command-center' }],
  ['dispatcher', { role: 'dispatcher', departmentId: 'command-center' }],
  ['leader', { role: 'leader' }],
  ['handler:police', { role: 'handler', departmentId: 'police-110' }],
  ['handler:fire', { role: 'handler', departmentId: 'fire-119' }],
  ['handler:ems', { role: 'handler', departmentId: 'ems-120' }],
  ['handler:traffic', { role: 'handler', departmentId: 'traffic-police' }],
  ['handler:flood', { role: 'handler', departmentId: 'flood-control' }],
];

/** Written out by hand: who may take each agency's unit out of service. */
const MAY_WRITE: Record<string, ('110' | '119' | '120' | 'traffic')[]> = {
  commander: ['110', '119', '120', 'traffic'],
  dispatcher: ['110', '119', '120', 'traffic'],
  leader: [],
  'handler:police': ['110'],
  'handler:fire': ['119'],
  'handler:ems': ['120'],
  'handler:traffic': ['traffic'],
  'handler:flood': [],
};

beforeAll(async () => {
  t = await createIdentityTestApp();
  for (const [label, opts] of ACCOUNTS) {
    const a = await createAccount(t.db, opts);
    cookies.set(label, await login(t.app, a.username, a.password));
  }
  const p = { lon: 126.64, lat: 45.76 };
  const [police, fire, ems, traffic] = await placeUnits(t.db, [
    { type: 'police_car', agency: '110', ...p },
    { type: 'fire_engine', agency: '119', ...p },
    { type: 'ambulance', agency: '120', ...p },
    { type: 'traffic_police', agency: 'traffic', ...p },
  ]);
  units = { '110': police!, '119': fire!, '120': ems!, traffic: traffic! };
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

const statusOf = async (id: string) =>
  (await t.db.query<{ status: string }>('SELECT status FROM unit WHERE id = $1', [id]))[0]!.status;

describe('POST /api/units/:id/status', () => {
  it.each(ACCOUNTS.map(([label]) => [label]))('%s changes only the units of its own agency', async (label) => {
    const cookie = cookies.get(label)!;
    for (const agency of ['110', '119', '120', 'traffic'] as const) {
      const id = units[agency];
      const res = await request(t.app)
        .post(`/api/units/${id}/status`)
        .set('Cookie', cookie)
        .send({ status: 'out_of_service', note: '测试' });
      if (MAY_WRITE[label]!.includes(agency)) {
        expect([label, agency, res.status]).toEqual([label, agency, 200]);
        expect((res.body as Unit).status).toBe('out_of_service');
        const back = await request(t.app).post(`/api/units/${id}/status`).set('Cookie', cookie).send({ status: 'available' });
        expect(back.status).toBe(200);
      } else {
        expect([label, agency, res.status]).toEqual([label, agency, 403]);
        expect(res.body.error.code).toBe('forbidden');
        expect(res.body.error.message).toMatch(/无权限/);
        expect(await statusOf(id)).toBe('available');
      }
    }
  });

  it('says whose unit it is when a handler of another agency is refused', async () => {
    const res = await request(t.app)
      .post(`/api/units/${units['119']}/status`)
      .set('Cookie', cookies.get('handler:traffic')!)
      .send({ status: 'out_of_service' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/交警/);
    expect(res.body.error.message).toMatch(/119 消防/);
  });

  it('answers 404 for an unknown unit, whoever asks', async () => {
    const res = await request(t.app)
      .post('/api/units/NO-SUCH-UNIT/status')
      .set('Cookie', cookies.get('handler:traffic')!)
      .send({ status: 'out_of_service' });
    expect(res.status).toBe(404);
  });
});

describe('dispatch', () => {
  it('the command centre dispatches units of every agency to one incident', async () => {
    const s = freshScene();
    const r = report('110', 'traffic_crash', s, s.at);
    const fed = await postFeed(t.app, '110', r.payload);
    expect(fed.status).toBe(201);
    const [police, fire] = await placeUnits(t.db, [
      { type: 'police_car', agency: '110', lon: s.lon, lat: s.lat },
      { type: 'fire_engine', agency: '119', lon: s.lon, lat: s.lat },
    ]);
    const res = await request(t.app)
      .post(`/api/incidents/${(fed.body as FeedAck).incidentId}/dispatch`)
      .set('Cookie', cookies.get('dispatcher')!)
      .send({ unitIds: [police, fire] });
    expect(res.status).toBe(200);
    expect(await statusOf(police!)).toBe('assigned');
    expect(await statusOf(fire!)).toBe('assigned');
  });
});
