import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CaseDetail, ChannelKeyResponse, Open311Request, Open311Service } from '../../contracts/cases';
import { createCaseTestApp, type CaseTestApp } from '../support/cases';

/**
 * Open311 GeoReport v2 at /open311/v2: public reads of services and requests, submissions with a channel's
 * api_key (the 12319 hotline is one channel among others), errors as the specification's array of
 * { code, description }, and the case it creates entering the normal workflow.
 */
let t: CaseTestApp;
let hotline: ChannelKeyResponse;
beforeAll(async () => {
  t = await createCaseTestApp();
  const res = await request(t.app)
    .post('/api/cases/channels')
    .set('Cookie', t.users.sysadmin!.cookie)
    .send({ channel: 'hotline_12319', name: '12319 城管热线' });
  expect(res.status).toBe(201);
  hotline = res.body as ChannelKeyResponse;
});
afterAll(async () => {
  await t.close();
});

describe('services.json', () => {
  it('lists every 小类 as a service without login', async () => {
    const res = await request(t.app).get('/open311/v2/services.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const services = res.body as Open311Service[];
    expect(services.length).toBeGreaterThanOrEqual(40);
    const garbage = services.find((s) => s.service_code === 'SJ0102')!;
    expect(garbage).toMatchObject({ service_name: '暴露垃圾', metadata: false, type: 'realtime' });
    expect(Object.keys(garbage).sort()).toEqual([
      'description',
      'group',
      'keywords',
      'metadata',
      'service_code',
      'service_name',
      'type',
    ]);
  });
});

describe('POST requests.json', () => {
  it('refuses a missing or unknown api_key with a message, in the Open311 error format', async () => {
    const p = t.nextPoint();
    const body = { service_code: 'SJ0102', lat: p.lat, long: p.lon, description: '小区门口垃圾堆积' };
    const missing = await request(t.app).post('/open311/v2/requests.json').type('form').send(body);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([{ code: 400, description: expect.stringMatching(/缺少 api_key/) }]);
    const wrong = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ ...body, api_key: 'hbk_not-a-real-key' });
    expect(wrong.status).toBe(403);
    expect(wrong.body[0].description).toMatch(/api_key 无效（未知或已撤销）/);
  });

  it('creates a case from the 12319 hotline (form-encoded), idempotent by idempotency_key, readable back', async () => {
    const p = t.nextPoint();
    const key = randomUUID();
    const body = {
      api_key: hotline.apiKey,
      service_code: 'SJ0102',
      lat: String(p.lat),
      long: String(p.lon),
      description: '市民来电：小区门口垃圾堆积两天',
      address_string: '南岗区某街道',
      first_name: '张',
      phone: '13800000000',
      idempotency_key: key,
    };
    const res = await request(t.app).post('/open311/v2/requests.json').type('form').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual([
      { service_request_id: expect.stringMatching(/^\d+$/), service_notice: expect.stringMatching(/案件编号/), account_id: null },
    ]);
    const id = res.body[0].service_request_id as string;
    const again = await request(t.app).post('/open311/v2/requests.json').type('form').send(body);
    expect(again.status).toBe(200);
    expect(again.body[0].service_request_id).toBe(id);

    const one = await request(t.app).get(`/open311/v2/requests/${id}.json`).set('X-Api-Key', hotline.apiKey);
    expect(one.status).toBe(200);
    const r = (one.body as Open311Request[])[0]!;
    expect(r).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'SJ0102',
      service_name: '暴露垃圾',
      status_notes: '上报',
      description: '市民来电：小区门口垃圾堆积两天',
    });
    expect(r.lat).toBeCloseTo(p.lat, 6);
    expect(r.long).toBeCloseTo(p.lon, 6);
    // Personal data of the caller is never published.
    expect(JSON.stringify(one.body)).not.toMatch(/13800000000/);

    // The case is a normal case of channel hotline_12319, in the dispatcher's queue, and was audited.
    const detail = await request(t.app).get(`/api/cases/${id}`).set('Cookie', t.users.dispatcher!.cookie);
    expect(detail.status).toBe(200);
    expect(detail.body as CaseDetail).toMatchObject({
      channel: 'hotline_12319',
      state: 'reported',
      contact: expect.stringMatching(/13800000000/),
    });
    const [a] = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'open311.submit' AND object = $1`,
      [`city_case:${id}`],
    );
    expect(Number(a!.n)).toBe(1);

    // After filing and dispatch, Open311 shows the agency responsible and the expected time.
    for (const e of ['accept', 'file', 'dispatch'])
      expect((await request(t.app).post(`/api/cases/${id}/${e}`).set('Cookie', t.users.dispatcher!.cookie).send({})).status).toBe(
        200,
      );
    const later = (await request(t.app).get(`/open311/v2/requests/${id}.json`)).body[0] as Open311Request;
    expect(later.agency_responsible).toMatch(/城市管理/);
    expect(later.expected_datetime).not.toBeNull();
    // A repeated call is voided (作废): closed for Open311.
    const dup = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ ...body, idempotency_key: randomUUID() });
    const dupId = dup.body[0].service_request_id as string;
    const voided = await request(t.app)
      .post(`/api/cases/${dupId}/void`)
      .set('Cookie', t.users.dispatcher!.cookie)
      .send({ reason: '重复来电' });
    expect(voided.status).toBe(200);
    expect(((await request(t.app).get(`/open311/v2/requests/${dupId}.json`)).body[0] as Open311Request).status).toBe('closed');
  });

  it('accepts JSON too, and refuses bad input with 4xx messages', async () => {
    const p = t.nextPoint();
    const ok = await request(t.app)
      .post('/open311/v2/requests.json')
      .send({
        api_key: hotline.apiKey,
        service_code: 'BJ0109',
        lat: p.lat,
        long: p.lon,
        description: '路灯不亮',
        attribute: { condition: 'dark' },
      });
    expect(ok.status).toBe(201);
    // A street lamp's service definition asks what is wrong with it: its answer reaches the case description.
    const lamp = await request(t.app)
      .get(`/api/cases/${ok.body[0].service_request_id as string}`)
      .set('Cookie', t.users.dispatcher!.cookie);
    expect((lamp.body as CaseDetail).description).toBe('路灯不亮\n【补充信息】现状：夜间不亮');
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ service_code: 'XX', lat: p.lat, long: p.lon, description: '测试测试' }, 400, /service_code|category/],
      [
        { service_code: 'SJ9999', lat: p.lat, long: p.lon, description: '测试测试' },
        400,
        /未知的服务类别（service_code）：SJ9999/,
      ],
      [{ service_code: 'SJ0102', lat: 39.9, long: 116.4, description: '北京的位置' }, 422, /outside Harbin/],
      [{ service_code: 'SJ0102', lat: 'north', long: p.lon, description: '测试测试' }, 400, /lat/],
      [{ service_code: 'SJ0102', lat: p.lat, long: p.lon }, 400, /description/],
      [
        { service_code: 'SJ0102', lat: p.lat, long: p.lon, description: '测试测试', jurisdiction_id: 'beijing' },
        400,
        /jurisdiction/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await request(t.app)
        .post('/open311/v2/requests.json')
        .send({ api_key: hotline.apiKey, ...body });
      expect({ status: res.status, body: res.body }).toEqual({
        status,
        body: [{ code: status, description: expect.stringMatching(message) }],
      });
    }
  });
});

/** Metres between two WGS-84 points (equirectangular; exact enough at city scale). */
const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
  Math.hypot((a.lon - b.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * 110_574);

describe('privacy of published requests', () => {
  let other: ChannelKeyResponse;
  let id: string;
  let p: { lon: number; lat: number };
  const description = '住户王某反映：红军街15号3单元门口垃圾堆积，其子女拍照为证';
  const address = '南岗区红军街15号3单元';
  beforeAll(async () => {
    const res = await request(t.app)
      .post('/api/cases/channels')
      .set('Cookie', t.users.sysadmin!.cookie)
      .send({ channel: 'public', name: '市民 App' });
    other = res.body as ChannelKeyResponse;
    // Off the cell's own point (tests take those), as a real report is.
    const cell = t.nextPoint();
    p = { lon: cell.lon + 0.0003, lat: cell.lat + 0.0002 };
    const posted = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({
        api_key: hotline.apiKey,
        service_code: 'SJ0102',
        lat: String(p.lat),
        long: String(p.lon),
        description,
        address_string: address,
        phone: '13900000000',
      });
    expect(posted.status).toBe(201);
    id = posted.body[0].service_request_id as string;
  });

  it('publishes category, rough place, status and dates only: no description, address, reporter or media', async () => {
    for (const url of [`/open311/v2/requests/${id}.json`, `/open311/v2/requests.json?service_request_id=${id}`]) {
      const res = await request(t.app).get(url);
      expect(res.status).toBe(200);
      const r = (res.body as Open311Request[])[0]!;
      expect(r).toMatchObject({
        service_request_id: id,
        service_code: 'SJ0102',
        service_name: '暴露垃圾',
        status: 'open',
        description: null,
        media_url: null,
        requested_datetime: expect.any(String),
        updated_datetime: expect.any(String),
      });
      const text = JSON.stringify(res.body);
      for (const secret of ['王某', '红军街15号', '3单元', '13900000000', '拍照']) expect(text).not.toContain(secret);
      // The place is the unit-grid cell's, about 100 m across: near the report, never its exact point.
      expect(metres({ lat: r.lat, lon: r.long }, p)).toBeLessThan(200);
      expect(metres({ lat: r.lat, lon: r.long }, p)).toBeGreaterThan(0);
    }
    const listed = ((await request(t.app).get('/open311/v2/requests.json?service_code=SJ0102')).body as Open311Request[]).find(
      (r) => r.service_request_id === id,
    );
    expect(listed?.description).toBeNull();
  });

  it('gives the full request to the channel that submitted it, by its api_key', async () => {
    for (const req of [
      request(t.app).get(`/open311/v2/requests/${id}.json`).set('X-Api-Key', hotline.apiKey),
      request(t.app).get(`/open311/v2/requests.json?service_request_id=${id}&api_key=${encodeURIComponent(hotline.apiKey)}`),
    ]) {
      const res = await req;
      expect(res.status).toBe(200);
      const r = (res.body as Open311Request[])[0]!;
      expect(r).toMatchObject({ description, address });
      expect(r.lat).toBeCloseTo(p.lat, 6);
      expect(r.long).toBeCloseTo(p.lon, 6);
      // The caller's phone number is kept from partners too: it is for the centre only.
      expect(JSON.stringify(res.body)).not.toContain('13900000000');
    }
  });

  it('shows another channel only the public form, and refuses an unknown key', async () => {
    const res = await request(t.app).get(`/open311/v2/requests/${id}.json`).set('X-Api-Key', other.apiKey);
    expect(res.status).toBe(200);
    expect((res.body as Open311Request[])[0]!.description).toBeNull();
    const bad = await request(t.app).get(`/open311/v2/requests/${id}.json`).set('X-Api-Key', 'hbk_not-a-real-key');
    expect(bad.status).toBe(403);
    expect(bad.body).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
  });
});

describe('GET requests.json', () => {
  it('filters by service_code, status and ids, without login', async () => {
    const all = await request(t.app).get('/open311/v2/requests.json');
    expect(all.status).toBe(200);
    expect((all.body as Open311Request[]).length).toBeGreaterThanOrEqual(2);
    const lamps = (await request(t.app).get('/open311/v2/requests.json?service_code=BJ0109')).body as Open311Request[];
    expect(lamps.length).toBeGreaterThanOrEqual(1);
    expect(lamps.every((r) => r.service_code === 'BJ0109')).toBe(true);
    const closed = (await request(t.app).get('/open311/v2/requests.json?status=closed')).body as Open311Request[];
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    const ids = lamps.map((r) => r.service_request_id).join(',');
    const byId = (await request(t.app).get(`/open311/v2/requests.json?service_request_id=${ids}`)).body as Open311Request[];
    expect(byId.map((r) => r.service_request_id).sort()).toEqual(lamps.map((r) => r.service_request_id).sort());
    expect((await request(t.app).get('/open311/v2/requests.json?service_request_id=1;DROP')).status).toBe(400);
    expect((await request(t.app).get('/open311/v2/requests.json?start_date=yesterday')).status).toBe(400);
    expect((await request(t.app).get('/open311/v2/requests/999999999.json')).status).toBe(404);
    expect((await request(t.app).get('/open311/v2/requests.csv')).status).toBe(404);
  });

  it('issues channel keys to system administrators only', async () => {
    const res = await request(t.app)
      .post('/api/cases/channels')
      .set('Cookie', t.users.dispatcher!.cookie)
      .send({ channel: 'public', name: '市民 App' });
    expect(res.status).toBe(403);
  });
});
