import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import { signFeed } from '../../gateway/feeds/signature';
import { createTestApp, type TestApp } from '../support/app';
import { FEED_KEYS, freshScene, offset, postFeed, report, signedHeaders } from '../support/feeds';

/**
 * The feed pipeline on the real test PostGIS: signed webhooks, validation with dead letters, idempotent
 * persistence, location, and fusion of several agencies' reports of one event.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

const recordCount = async (source: string, sourceId: string) =>
  Number(
    (
      await t.db.query<{ n: string }>('SELECT count(*) AS n FROM feed_record WHERE source = $1 AND source_id = $2', [
        source,
        sourceId,
      ])
    )[0]!.n,
  );
const deadLetters = async (source: string) =>
  Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter WHERE source = $1', [source]))[0]!.n);

describe('delivery and idempotency', () => {
  it('stores a signed record, answers 201 with its ids, and the row is there when the answer arrives', async () => {
    const s = freshScene();
    const { truth, payload } = report('110', 'crime', s, s.at);
    const res = await postFeed(t.app, '110', payload);
    expect(res.status).toBe(201);
    const ack = res.body as FeedAck;
    expect(ack).toMatchObject({ source: '110', sourceId: truth.sourceId, created: true });
    const [row] = await t.db.query<{ incident_id: string; grid_code: string | null; district_code: string | null }>(
      'SELECT incident_id, grid_code, district_code FROM feed_record WHERE id = $1',
      [ack.recordId],
    );
    expect(Number(row!.incident_id)).toBe(ack.incidentId);
    expect(row!.district_code).toMatch(/^2301\d\d$/);
  });

  it('yields exactly one record when the same record arrives three times at once and again later', async () => {
    const s = freshScene();
    const { truth, payload } = report('119', 'fire', s, s.at);
    const answers = await Promise.all([1, 2, 3].map(() => postFeed(t.app, '119', payload)));
    const later = await postFeed(t.app, '119', payload);
    const all = [...answers, later];
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const acks = all.map((r) => r.body as FeedAck);
    expect(new Set(acks.map((a) => a.recordId)).size).toBe(1);
    expect(new Set(acks.map((a) => a.incidentId)).size).toBe(1);
    expect(await recordCount('119', truth.sourceId)).toBe(1);
  });

  it('keeps redeliveries in any order idempotent across several records', async () => {
    const s = freshScene();
    const reports = [0, 1, 2, 3].map((i) =>
      report('120', 'medical', offset(s, i * 3000, 0), new Date(s.at.getTime() + i * 60_000)),
    );
    const deliveries = reports.flatMap((r) => [r, r, r]).sort(() => Math.random() - 0.5);
    const answers = await Promise.all(deliveries.map((r) => postFeed(t.app, '120', r.payload)));
    expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    for (const r of reports) expect(await recordCount('120', r.truth.sourceId)).toBe(1);
  });
});

describe('authentication', () => {
  const body = JSON.stringify({ anything: true });
  it('refuses an unsigned delivery with 401 and keeps no dead letter', async () => {
    const before = await deadLetters('traffic');
    const res = await request(t.app).post('/api/feeds/traffic').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/X-Feed-Timestamp/);
    expect(await deadLetters('traffic')).toBe(before);
  });

  it('refuses a signature made with another source’s secret', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await request(t.app)
      .post('/api/feeds/traffic')
      .set({
        'content-type': 'application/json',
        'x-feed-timestamp': String(ts),
        'x-feed-signature': signFeed(FEED_KEYS.secretOf('110')!, ts, body),
      })
      .send(body);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/与该来源的请求体和时间戳不符/);
  });

  it('refuses a correctly signed delivery replayed ten minutes later', async () => {
    const res = await request(t.app)
      .post('/api/feeds/traffic')
      .set(signedHeaders('traffic', body, Date.now() - 600_000))
      .send(body);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/相差超过 300 秒/);
  });

  it('answers 404 for a source that does not exist', async () => {
    const res = await request(t.app).post('/api/feeds/999').set('content-type', 'application/json').send('{}');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/110, 119, 120/);
  });
});

describe('rejections are 4xx with the reason and a dead letter', () => {
  it.each([
    ['a body that is not JSON', '{"JJDBH": ', /请求体不是有效的 JSON/],
    ['a record missing its required fields', { BJNR: '有人打架' }, /malformed/],
  ])('%s', async (_name, payload, message) => {
    const before = await deadLetters('110');
    const res = await postFeed(t.app, '110', payload);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details.deadLetterId).toBeGreaterThan(0);
    expect(await deadLetters('110')).toBe(before + 1);
  });

  it('a point outside Harbin: 422 outside_area, dead-lettered, nothing stored', async () => {
    const s = freshScene();
    const { truth, payload } = report('flood', 'flood', { lon: 116.4, lat: 39.9 }, s.at);
    const res = await postFeed(t.app, 'flood', payload);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('outside_area');
    expect(await recordCount('flood', truth.sourceId)).toBe(0);
  });

  it('an address no place matches: 400 missing_location', async () => {
    const s = freshScene();
    const { truth, payload } = report('120', 'medical', s, s.at, { addressOnly: true, address: '不存在的某某路九九九号' });
    const res = await postFeed(t.app, '120', payload);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/missing_location/);
    expect(await recordCount('120', truth.sourceId)).toBe(0);
  });

  it('lists dead letters for operators, newest first, with the reason', async () => {
    await postFeed(t.app, 'airdefense', { msgId: 42 });
    const rows = await t.db.query<{ reason: string }>(
      `SELECT reason FROM dead_letter WHERE source = 'airdefense' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]!.reason.length).toBeGreaterThan(5);
  });
});

describe('location', () => {
  it('geocodes an address-only record to the named road and fills district, street and grid', async () => {
    const s = freshScene();
    const { payload } = report('120', 'medical', s, s.at, { addressOnly: true, address: '中央大街' });
    const res = await postFeed(t.app, '120', payload);
    expect(res.status).toBe(201);
    const [row] = await t.db.query<{ located_via: string; district_name: string; lon: number; lat: number }>(
      'SELECT located_via, district_name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM feed_record WHERE id = $1',
      [(res.body as FeedAck).recordId],
    );
    expect(row!.located_via).toBe('geocoded');
    expect(row!.district_name).toBe('道里区');
    // 中央大街 runs north–south in 道里区 around 126.61 E, 45.77 N.
    expect(Math.abs(row!.lon - 126.613)).toBeLessThan(0.01);
    expect(Math.abs(row!.lat - 45.77)).toBeLessThan(0.01);
  });
});

describe('landmark addresses', () => {
  it('keeps a city name that is part of the landmark ("哈尔滨市北方人民医院附近")', async () => {
    const s = freshScene();
    const { payload } = report('120', 'medical', s, s.at, { addressOnly: true, address: '哈尔滨市北方人民医院附近' });
    const res = await postFeed(t.app, '120', payload);
    expect(res.status).toBe(201);
    const [d] = await t.db.query<{ m: number }>(
      `SELECT ST_Distance(r.geom::geography, p.geom::geography) AS m FROM feed_record r, poi p
        WHERE r.id = $1 AND p.name = '哈尔滨市北方人民医院'`,
      [(res.body as FeedAck).recordId],
    );
    expect(d!.m).toBeLessThan(1);
  });
});

describe('junction addresses', () => {
  it.each([['南岗区友谊路与经纬街交口'], ['人民广场东侧友谊路与经纬街交口'], ['哈尔滨市友谊路和经纬街路口']])(
    'places "%s" where the two roads cross',
    async (address) => {
      const s = freshScene();
      const { payload } = report('120', 'injury', s, s.at, { addressOnly: true, address });
      const res = await postFeed(t.app, '120', payload);
      expect(res.status).toBe(201);
      // Where the roads cross, computed here from their intersection rather than the closest points the code uses.
      const [d] = await t.db.query<{ m: number }>(
        `SELECT min(ST_Distance(r.geom::geography, x.p::geography)) AS m
           FROM feed_record r,
                (SELECT (ST_Dump(ST_Intersection(a.geom, b.geom))).geom AS p
                   FROM road a JOIN road b ON ST_Intersects(a.geom, b.geom)
                  WHERE a.name = '友谊路' AND b.name = '经纬街') x
          WHERE r.id = $1`,
        [(res.body as FeedAck).recordId],
      );
      expect(d!.m).toBeLessThan(40);
    },
  );
});

describe('road effects', () => {
  it('turns a traffic-police closure into a road condition on the road it names, once', async () => {
    // A road in the south-east corner of the network, away from the points other suites route between.
    const [edge] = await t.db.query<{ gid: number; lon: number; lat: number }>(
      `SELECT gid, ST_X(ST_LineInterpolatePoint(geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(geom, 0.5)) AS lat
         FROM road_edge WHERE ST_Y(ST_StartPoint(geom)) < 45.68 AND length_m > 80 ORDER BY gid LIMIT 1`,
    );
    const s = freshScene();
    const { truth, payload } = report('traffic', 'road_closure', { lon: edge!.lon, lat: edge!.lat }, s.at, {
      title: '道路施工封闭',
    });
    const res = await postFeed(t.app, 'traffic', payload);
    expect(res.status).toBe(201);
    const conditions = await t.state.geo.routing.listConditions();
    const mine = conditions.find((c) => c.reason.includes(truth.sourceId));
    try {
      expect(mine).toMatchObject({ gid: edge!.gid, closed: true });
      // A redelivery changes nothing.
      expect((await postFeed(t.app, 'traffic', payload)).status).toBe(200);
      expect((await t.state.geo.routing.listConditions()).filter((c) => c.reason.includes(truth.sourceId))).toHaveLength(1);
    } finally {
      if (mine) await t.state.geo.routing.clearCondition(mine.id);
    }
  });
});

describe('fusion', () => {
  it('fuses a crash reported to 110, 120 and traffic police into one incident with a reason for every link', async () => {
    const s = freshScene();
    const a = report('110', 'traffic_crash', s, s.at);
    const b = report('120', 'injury', offset(s, 60, 40), new Date(s.at.getTime() + 120_000));
    const c = report('traffic', 'traffic_crash', offset(s, -90, 20), new Date(s.at.getTime() + 240_000));
    const acks: FeedAck[] = [];
    for (const [src, r] of [
      ['110', a],
      ['120', b],
      ['traffic', c],
    ] as const) {
      const res = await postFeed(t.app, src, r.payload);
      expect(res.status).toBe(201);
      acks.push(res.body as FeedAck);
    }
    expect(new Set(acks.map((x) => x.incidentId)).size).toBe(1);
    const links = await t.db.query<{ source: string; link_score: number; link_reason: string }>(
      'SELECT source, link_score, link_reason FROM feed_record WHERE incident_id = $1 ORDER BY reported_at',
      [acks[0]!.incidentId],
    );
    expect(links.map((l) => l.source)).toEqual(['110', '120', 'traffic']);
    expect(links[0]!.link_reason).toMatch(/首报/);
    for (const l of links.slice(1)) {
      expect(l.link_score).toBeGreaterThan(0.6);
      expect(l.link_reason).toMatch(/相距 \d+ 米/);
    }
    const [incident] = await t.db.query<{ sources: string[] }>('SELECT sources FROM incident WHERE id = $1', [
      acks[0]!.incidentId,
    ]);
    expect(incident!.sources).toEqual(['110', '120', 'traffic']);
  });

  it('keeps apart reports of one agency, of incompatible categories, too far away or too far apart in time', async () => {
    const s = freshScene();
    const base = report('119', 'fire', s, s.at);
    const sameAgency = report('119', 'fire', offset(s, 30, 0), new Date(s.at.getTime() + 60_000));
    const incompatible = report('airdefense', 'siren_fault', offset(s, 20, 0), new Date(s.at.getTime() + 60_000));
    const far = report('120', 'injury', offset(s, 2000, 0), new Date(s.at.getTime() + 60_000));
    const late = report('120', 'injury', offset(s, 10, 0), new Date(s.at.getTime() + 3 * 3_600_000));
    const first = (await postFeed(t.app, '119', base.payload)).body as FeedAck;
    for (const [src, r] of [
      ['119', sameAgency],
      ['airdefense', incompatible],
      ['120', far],
      ['120', late],
    ] as const) {
      const res = await postFeed(t.app, src, r.payload);
      expect(res.status).toBe(201);
      expect((res.body as FeedAck).incidentId).not.toBe(first.incidentId);
    }
  });
});
