import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import type {
  ChannelKeyResponse,
  Open311ChannelSummary,
  Open311Discovery,
  Open311Request,
  Open311Service,
  Open311ServiceDefinition,
} from '../../contracts/cases';
import { createCaseTestApp, type CaseTestApp } from '../support/cases';
import { ROOT } from '../support/env';

/**
 * Open311 GeoReport v2 as a generic client sees it: every path in XML as well as JSON, read back by an independent
 * XML tool (xmllint from libxml2, validating against test/fixtures/georeport-v2.xsd written from the specification),
 * discovery, service definitions with attributes, requests located by address or unit-grid cell, media_url kept,
 * every error in GeoReport's error list in the requested format, and channel keys the system administrator lists
 * and revokes.
 */

const XSD = path.join(ROOT, 'test', 'fixtures', 'georeport-v2.xsd');

/** xmllint over a document given on stdin; its stdout, or an error with what it printed. */
function xmllint(args: string[], xml: string): string {
  const run = spawnSync('xmllint', [...args, '-'], { input: xml, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`xmllint ${args.join(' ')} failed (${run.status}): ${run.stderr}\n${xml.slice(0, 2000)}`);
  return run.stdout;
}
/** Checks the document against the GeoReport v2 schema (structure, order, types). */
const validate = (xml: string) => xmllint(['--noout', '--schema', XSD], xml);
/** The text of an XPath expression (`string(…)`, `count(…)`) over the document. */
const xpath = (xml: string, expr: string) => xmllint(['--xpath', expr], xml).trim();

/** The body of an answer as text (supertest leaves text/xml as `text`). */
const xmlOf = (res: request.Response) => {
  expect(res.headers['content-type']).toMatch(/^text\/xml/);
  return res.text;
};

/** A GeoReport error answer in XML: the status, one `<error>` with that code and a description saying why. */
function expectXmlError(res: request.Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  const xml = xmlOf(res);
  validate(xml);
  expect(xpath(xml, 'count(/errors/error)')).toBe('1');
  expect(xpath(xml, 'string(/errors/error/code)')).toBe(String(status));
  expect(xpath(xml, 'string(/errors/error/description)')).toMatch(message);
}

/** Metres between two WGS-84 points (equirectangular; exact enough at city scale). */
const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
  Math.hypot((a.lon - b.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * 110_574);

let t: CaseTestApp;
let hotline: ChannelKeyResponse;
const issue = async (name: string) => {
  const res = await request(t.app)
    .post('/api/cases/channels')
    .set('Cookie', t.users.sysadmin!.cookie)
    .send({ channel: 'open311', name });
  expect(res.status).toBe(201);
  return res.body as ChannelKeyResponse;
};
beforeAll(async () => {
  t = await createCaseTestApp();
  hotline = await issue(`12319 热线 XML ${randomUUID().slice(0, 8)}`);
});
afterAll(async () => {
  await t.close();
});

describe('discovery and services', () => {
  it('serves discovery.json and discovery.xml naming this endpoint and both formats', async () => {
    const json = await request(t.app).get('/open311/v2/discovery.json');
    expect(json.status).toBe(200);
    const d = json.body as Open311Discovery;
    expect(d.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: expect.stringMatching(/\/open311\/v2$/),
      formats: ['text/xml', 'application/json'],
    });
    const xml = xmlOf(await request(t.app).get('/open311/v2/discovery.xml').expect(200));
    validate(xml);
    expect(xpath(xml, 'string(/discovery/endpoints/endpoint/url)')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/open311\/v2$/);
    expect(xpath(xml, 'count(/discovery/endpoints/endpoint/formats/format)')).toBe('2');
  });

  it('serves services.xml that validates against the GeoReport schema and says the same as services.json', async () => {
    const services = (await request(t.app).get('/open311/v2/services.json').expect(200)).body as Open311Service[];
    const xml = xmlOf(await request(t.app).get('/open311/v2/services.xml').expect(200));
    validate(xml);
    expect(xpath(xml, 'count(/services/service)')).toBe(String(services.length));
    expect(xpath(xml, "string(/services/service[service_code='SJ0102']/service_name)")).toBe('暴露垃圾');
    // Services with attributes say so (metadata true), in both formats.
    const cover = services.find((s) => s.service_code === 'BJ0101')!;
    expect(cover.metadata).toBe(true);
    expect(services.find((s) => s.service_code === 'SJ0102')!.metadata).toBe(false);
    expect(xpath(xml, "string(/services/service[service_code='BJ0101']/metadata)")).toBe('true');
    expect(xpath(xml, "string(/services/service[service_code='SJ0102']/metadata)")).toBe('false');
    const withMetadata = services.filter((s) => s.metadata).map((s) => s.service_code);
    expect(withMetadata).toEqual(expect.arrayContaining(['BJ0101', 'BJ0109', 'SJ0404', 'SJ0504']));
  });

  it('serves service definitions with attributes, their values and order, in JSON and XML', async () => {
    const def = (await request(t.app).get('/open311/v2/services/BJ0101.json').expect(200)).body as Open311ServiceDefinition;
    expect(def.service_code).toBe('BJ0101');
    expect(def.attributes.map((a) => [a.code, a.datatype, a.required, a.order])).toEqual([
      ['condition', 'singlevaluelist', true, 1],
      ['component_id', 'string', false, 2],
    ]);
    expect(def.attributes[0]!.values).toContainEqual({ key: 'missing', name: '丢失' });
    const xml = xmlOf(await request(t.app).get('/open311/v2/services/BJ0101.xml').expect(200));
    validate(xml);
    expect(
      xpath(xml, "string(/service_definition/attributes/attribute[code='condition']/values/value[key='missing']/name)"),
    ).toBe('丢失');
    // A notice (variable false) for the gas leak; no attributes for exposed rubbish; 404 for an unknown service.
    const gas = (await request(t.app).get('/open311/v2/services/SJ0503.json').expect(200)).body as Open311ServiceDefinition;
    expect(gas.attributes).toEqual([expect.objectContaining({ variable: false, required: false, datatype: 'text' })]);
    expect((await request(t.app).get('/open311/v2/services/SJ0102.json').expect(200)).body).toEqual({
      service_code: 'SJ0102',
      attributes: [],
    });
    const unknown = await request(t.app).get('/open311/v2/services/SJ9999.xml');
    expect(unknown.status).toBe(404);
    validate(xmlOf(unknown));
    expect(xpath(unknown.text, 'string(/errors/error/code)')).toBe('404');
  });
});

describe('a GeoReport client round trip in XML', () => {
  it('posts a form to requests.xml with only an address, and reads the request back as XML', async () => {
    const media = `https://photos.example.org/${randomUUID()}.jpg`;
    const posted = await request(t.app).post('/open311/v2/requests.xml').type('form').send({
      api_key: hotline.apiKey,
      jurisdiction_id: 'harbin',
      service_code: 'BJ0101',
      address_string: '南岗区红军街15号',
      description: '市民来电：井盖不见了，有人险些踩空',
      media_url: media,
      'attribute[condition]': 'missing',
      'attribute[component_id]': 'HRB-SS-0042',
      phone: '13700000000',
    });
    expect(posted.status).toBe(201);
    const answer = xmlOf(posted);
    validate(answer);
    const id = xpath(answer, 'string(/service_requests/request/service_request_id)');
    expect(id).toMatch(/^\d+$/);
    expect(xpath(answer, 'string(/service_requests/request/service_notice)')).toMatch(/^案件编号 \d+/);

    const read = await request(t.app).get(`/open311/v2/requests/${id}.xml`).set('X-Api-Key', hotline.apiKey);
    expect(read.status).toBe(200);
    const xml = xmlOf(read);
    validate(xml);
    const field = (name: string) => xpath(xml, `string(/service_requests/request/${name})`);
    expect(field('service_request_id')).toBe(id);
    expect(field('status')).toBe('open');
    expect(field('service_code')).toBe('BJ0101');
    expect(field('service_name')).toBe('上水井盖');
    expect(field('address')).toBe('南岗区红军街15号');
    expect(field('media_url')).toBe(media);
    expect(field('service_notice')).toBe(xpath(answer, 'string(/service_requests/request/service_notice)'));
    expect(field('description')).toBe('市民来电：井盖不见了，有人险些踩空\n【补充信息】现状：丢失；部件编号：HRB-SS-0042');
    expect(xml).not.toContain('13700000000');
    // Located by the platform's geocoder, on 红军街.
    const road = t.state.geo.geocoder.search('红军街', { limit: 1 }).candidates[0]!;
    expect(road.name).toBe('红军街');
    const at = { lat: Number(field('lat')), lon: Number(field('long')) };
    const [onRoad] = await t.db.query<{ d: number }>(
      `SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)) AS d FROM road WHERE name = '红军街'`,
      [at.lon, at.lat],
    );
    expect(Number(onRoad!.d)).toBeLessThan(100);
    const [stored] = await t.db.query<{ located_by: string; attributes: unknown; media_url: string }>(
      'SELECT located_by, attributes, media_url FROM open311_request WHERE case_id = $1',
      [id],
    );
    expect(stored).toEqual({
      located_by: 'address_string',
      attributes: { condition: 'missing', component_id: 'HRB-SS-0042' },
      media_url: media,
    });
    // The handler and dispatcher see it in the case detail as a link (the platform never fetches it).
    const detail = await request(t.app).get(`/api/cases/${id}`).set('Cookie', t.users.dispatcher!.cookie);
    expect(detail.status).toBe(200);
    expect(detail.body.mediaUrl).toBe(media);

    // The public reads the same request in XML without the description, address, point or media.
    const pub = xmlOf(await request(t.app).get(`/open311/v2/requests.xml?service_request_id=${id}`).expect(200));
    validate(pub);
    expect(xpath(pub, 'string(/service_requests/request/description)')).toBe('');
    expect(xpath(pub, 'string(/service_requests/request/media_url)')).toBe('');
    expect(xpath(pub, 'string(/service_requests/request/address)')).not.toContain('15号');
    expect(xpath(pub, 'string(/service_requests/request/service_notice)')).toMatch(/^案件编号/);
    const pubAt = {
      lat: Number(xpath(pub, 'string(/service_requests/request/lat)')),
      lon: Number(xpath(pub, 'string(/service_requests/request/long)')),
    };
    expect(metres(pubAt, at)).toBeGreaterThan(0);
  });

  it('takes address_id (a unit-grid cell) as the place, and returns the cell as address_id on GET', async () => {
    const cell = t.nextPoint();
    const posted = await request(t.app).post('/open311/v2/requests.json').type('form').send({
      api_key: hotline.apiKey,
      service_code: 'SJ0404',
      address_id: cell.gridCode,
      description: '人行道上停满了车',
      'attribute[plate]': '黑A12345',
    });
    expect(posted.status).toBe(201);
    const id = posted.body[0].service_request_id as string;
    const r = ((await request(t.app).get(`/open311/v2/requests/${id}.json`).expect(200)).body as Open311Request[])[0]!;
    expect(r.address_id).toBe(cell.gridCode);
    expect(metres({ lat: r.lat, lon: r.long }, cell)).toBeLessThan(1);
    const unknown = await request(t.app)
      .post('/open311/v2/requests.xml')
      .type('form')
      .send({ api_key: hotline.apiKey, service_code: 'SJ0404', address_id: '999999999999999', description: '人行道上停满了车' });
    expect(unknown.status).toBe(400);
    expect(xpath(xmlOf(unknown), 'string(/errors/error/description)')).toMatch(/address_id 999999999999999/);
  });

  it('keeps XML well-formed when a stored text holds characters XML 1.0 cannot carry', async () => {
    const p = t.nextPoint();
    // Control characters other than NUL pass the edge (PostgreSQL text holds them); XML 1.0 has no way to write them.
    const posted = await request(t.app).post('/open311/v2/requests.json').send({
      api_key: hotline.apiKey,
      service_code: 'SJ0102',
      lat: p.lat,
      long: p.lon,
      description: '垃圾\u0001堆积\u000b<b>&amp; AT&T &#38;',
    });
    expect(posted.status).toBe(201);
    const id = posted.body[0].service_request_id as string;
    const xml = xmlOf(await request(t.app).get(`/open311/v2/requests/${id}.xml`).set('X-Api-Key', hotline.apiKey).expect(200));
    validate(xml);
    expect(xpath(xml, 'string(/service_requests/request/description)')).toBe('垃圾堆积<b>&amp; AT&T &#38;');
  });

  it('lists requests as XML that validates, with the same requests as JSON', async () => {
    const json = (await request(t.app).get('/open311/v2/requests.json?service_code=BJ0101,SJ0404').expect(200))
      .body as Open311Request[];
    expect(json.length).toBeGreaterThanOrEqual(2);
    const xml = xmlOf(await request(t.app).get('/open311/v2/requests.xml?service_code=BJ0101,SJ0404').expect(200));
    validate(xml);
    const ids = xpath(xml, 'count(/service_requests/request)');
    expect(Number(ids)).toBe(json.length);
  });
});

describe('errors, in the requested format, on every path', () => {
  /** Posts a form (raw, so NUL and huge values go byte for byte) to requests.xml. */
  const postXml = (form: string) => request(t.app).post('/open311/v2/requests.xml').type('form').send(form);
  const base = () => {
    const p = t.nextPoint();
    return `api_key=${encodeURIComponent(hotline.apiKey)}&service_code=SJ0102&lat=${p.lat}&long=${p.lon}`;
  };

  it('refuses hostile input with a 400 and the GeoReport error list in XML', async () => {
    expectXmlError(await postXml(`${base()}&description=%E5%9E%83%E5%9C%BE%00`), 400, /description.*U\+0000/);
    expectXmlError(await postXml(`${base()}&description=${'x'.repeat(30_000)}`), 400, /description/);
    expectXmlError(await postXml(`${base().replace(/lat=[^&]+/, 'lat=north')}&description=垃圾堆积`), 400, /lat/);
    expectXmlError(await postXml(`${base().replace(/lat=[^&]+/, 'lat=91')}&description=垃圾堆积`), 400, /lat/);
    expectXmlError(await postXml(`${base().replace(/long=[^&]+/, 'long=1e400')}&description=垃圾堆积`), 400, /long/);
    expectXmlError(await postXml(`${base().replace(/&lat=[^&]+/, '')}&description=垃圾堆积`), 400, /lat 和 long 须同时给出/);
    expectXmlError(await postXml(`${base()}&description=垃圾堆积&media_url=javascript:alert(1)`), 400, /media_url/);
    expectXmlError(await postXml(`${base()}&description=${'y'.repeat(70_000)}`), 413, /请求内容过大/);
    expectXmlError(await request(t.app).get('/open311/v2/requests.xml?start_date=%00'), 400, /U\+0000/);
    expectXmlError(await request(t.app).get('/open311/v2/requests.xml?start_date=yesterday'), 400, /start_date/);
    // The same in JSON: GeoReport's array of { code, description }.
    const json = await request(t.app).post('/open311/v2/requests.json').type('form').send(`${base()}&description=%00`);
    expect(json.status).toBe(400);
    expect(json.body).toEqual([{ code: 400, description: expect.stringMatching(/U\+0000/) }]);
  });

  it('checks attribute answers against the service definition', async () => {
    const p = t.nextPoint();
    const cover = `api_key=${encodeURIComponent(hotline.apiKey)}&service_code=BJ0102&lat=${p.lat}&long=${p.lon}&description=%E4%BA%95%E7%9B%96%E5%9D%8F%E4%BA%86`;
    expectXmlError(await postXml(cover), 400, /服务 BJ0102 必须填写 attribute\[condition\]/);
    expectXmlError(
      await postXml(`${cover}&attribute[condition]=stolen`),
      400,
      /attribute\[condition\] 应为 missing, broken.* 之一（收到的是 "stolen"）/,
    );
    expectXmlError(
      await postXml(`${cover}&attribute[condition]=broken&attribute[colour]=red`),
      400,
      /attribute\[colour\] 不是服务 BJ0102 的属性/,
    );
    const water = `api_key=${encodeURIComponent(hotline.apiKey)}&service_code=SJ0504&lat=${p.lat}&long=${p.lon}&description=%E7%A7%AF%E6%B0%B4`;
    expectXmlError(await postXml(`${water}&attribute[depth_cm]=9000`), 400, /attribute\[depth_cm\] 应在 0 到 300 之间/);
    expectXmlError(await postXml(`${water}&attribute[depth_cm]=deep`), 400, /attribute\[depth_cm\] 应为数字/);
  });

  it('answers an unknown jurisdiction_id with 400 the same way on GET and POST', async () => {
    for (const url of [
      '/open311/v2/services.xml?jurisdiction_id=beijing',
      '/open311/v2/services/SJ0102.xml?jurisdiction_id=beijing',
      '/open311/v2/requests.xml?jurisdiction_id=beijing',
      '/open311/v2/requests/1.xml?jurisdiction_id=beijing',
      '/open311/v2/discovery.xml?jurisdiction_id=beijing',
    ]) {
      expectXmlError(await request(t.app).get(url), 400, /本接口不受理 jurisdiction_id "beijing"/);
    }
    expectXmlError(await postXml(`${base()}&description=垃圾堆积&jurisdiction_id=beijing`), 400, /jurisdiction_id "beijing"/);
    const json = await request(t.app).get('/open311/v2/services.json?jurisdiction_id=beijing');
    expect(json.body).toEqual([{ code: 400, description: expect.stringMatching(/jurisdiction_id/) }]);
    expect((await request(t.app).get('/open311/v2/services.json?jurisdiction_id=harbin')).status).toBe(200);
  });

  it('answers paths and formats it does not serve with a GeoReport 404', async () => {
    expectXmlError(await request(t.app).get('/open311/v2/nothing-here.xml'), 404, /没有这个接口/);
    expectXmlError(await request(t.app).get('/open311/v2/requests/999999999.xml'), 404, /没有编号为 999999999 的服务请求/);
    const csv = await request(t.app).get('/open311/v2/requests/1.csv');
    expect(csv.status).toBe(404);
    expect(csv.body).toEqual([{ code: 404, description: expect.stringMatching(/请以 \.json 或 \.xml 结尾请求/) }]);
    const other = await request(t.app).get('/open311/v2/tokens/abc.json');
    expect(other.status).toBe(404);
    expect(other.body).toEqual([{ code: 404, description: expect.any(String) }]);
  });
});

describe('channel keys administered by the system administrator', () => {
  it('lists channels without their keys, revokes one (audited), and the revoked key is refused everywhere', async () => {
    const partner = await issue(`合作 App ${randomUUID().slice(0, 8)}`);
    const p = t.nextPoint();
    const form = {
      api_key: partner.apiKey,
      service_code: 'SJ0102',
      lat: String(p.lat),
      long: String(p.lon),
      description: '垃圾堆积',
    };
    const before = await request(t.app).post('/open311/v2/requests.xml').type('form').send(form);
    expect(before.status).toBe(201);

    const list = await request(t.app).get('/api/open311/channels').set('Cookie', t.users.sysadmin!.cookie);
    expect(list.status).toBe(200);
    const mine = (list.body.channels as Open311ChannelSummary[]).find((c) => c.id === partner.id)!;
    expect(mine).toMatchObject({
      name: partner.name,
      channel: 'open311',
      revokedAt: null,
      requests: 1,
      createdBy: t.users.sysadmin!.username,
    });
    expect(JSON.stringify(list.body)).not.toContain(partner.apiKey);

    // Only the system administrator: a dispatcher is refused both.
    expect((await request(t.app).get('/api/open311/channels').set('Cookie', t.users.dispatcher!.cookie)).status).toBe(403);
    expect(
      (
        await request(t.app)
          .post(`/api/open311/channels/${partner.id}/revoke`)
          .set('Cookie', t.users.dispatcher!.cookie)
          .send({ reason: '合作终止' })
      ).status,
    ).toBe(403);

    const revoked = await request(t.app)
      .post(`/api/open311/channels/${partner.id}/revoke`)
      .set('Cookie', t.users.sysadmin!.cookie)
      .send({ reason: '合作终止' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.channel).toMatchObject({
      id: partner.id,
      revokedAt: expect.any(String),
      revokedBy: t.users.sysadmin!.username,
    });
    const [audit] = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'open311.channel_revoke' AND object = $1 AND outcome = 'ok'`,
      [`case_channel:${partner.id}`],
    );
    expect(Number(audit!.n)).toBe(1);
    const again = await request(t.app)
      .post(`/api/open311/channels/${partner.id}/revoke`)
      .set('Cookie', t.users.sysadmin!.cookie)
      .send({ reason: '合作终止' });
    expect(again.status).toBe(409);
    const revoke = (id: string, body: object) =>
      request(t.app).post(`/api/open311/channels/${id}/revoke`).set('Cookie', t.users.sysadmin!.cookie).send(body);
    expect((await revoke('2147483647', { reason: '合作终止' })).status).toBe(404);
    expect((await revoke('abc', { reason: '合作终止' })).status).toBe(400);
    // A revocation says why; without a reason nothing is revoked.
    const unexplained = await issue(`无理由撤销 ${randomUUID().slice(0, 8)}`);
    const noReason = await revoke(String(unexplained.id), {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/撤销原因/);
    const [still] = await t.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM case_channel WHERE id = $1', [
      unexplained.id,
    ]);
    expect(still!.revoked_at).toBeNull();
    const [reasoned] = await t.db.query<{ reason: string | null }>(
      `SELECT detail::jsonb ->> 'reason' AS reason FROM audit_event WHERE action = 'open311.channel_revoke' AND object = $1`,
      [`case_channel:${partner.id}`],
    );
    expect(reasoned!.reason).toBe('合作终止');

    // The revoked key can neither submit nor read its requests in full, in either format.
    const refused = await request(t.app).post('/open311/v2/requests.xml').type('form').send(form);
    expectXmlError(refused, 403, /api_key 无效（未知或已撤销）/);
    const read = await request(t.app)
      .get(`/open311/v2/requests/${xpath(before.text, 'string(/service_requests/request/service_request_id)')}.json`)
      .set('X-Api-Key', partner.apiKey);
    expect(read.status).toBe(403);
    expect(read.body).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
    // Other channels go on.
    const q = t.nextPoint();
    const other = await request(t.app)
      .post('/open311/v2/requests.xml')
      .type('form')
      .send({ ...form, api_key: hotline.apiKey, lat: String(q.lat), long: String(q.lon) });
    expect(other.status).toBe(201);
  });
});
