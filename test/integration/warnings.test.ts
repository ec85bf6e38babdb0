import request from 'supertest';
import type { Change } from '../../contracts/incidents';
import type {
  CancelWarningResponse,
  PublicWarning,
  PublishWarningInput,
  UpdateWarningResponse,
  WarningListResponse,
} from '../../contracts/warnings';
import { child, children, parseOrdered } from '../support/cap12';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { listenWithRealtime, type ListeningApp } from '../support/listen';
import { WallClient } from '../support/realtime';

/**
 * Public warnings (预警) through the real gateway and PostGIS: publishing by district, street and drawn polygon,
 * update and cancel as CAP messages referencing each other, expiry on a short clock reaching a subscribed wall,
 * rights per role, hostile input refused in Chinese without a half-written record, the audit rows.
 */

let t: IdentityTestApp;
let gw: ListeningApp;
const cookies: Record<string, string> = {};
let wall: WallClient;

const DAOLI = '230102';
const NANGANG = '230103';
const HAN = /[\u4e00-\u9fff]/;
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
/** A square of about 3 × 3 km in 道里区, drawn as [lon, lat] and closed. */
const SQUARE: [number, number][] = [
  [126.6, 45.74],
  [126.64, 45.74],
  [126.64, 45.77],
  [126.6, 45.77],
  [126.6, 45.74],
];

const snowstorm = (over: Partial<PublishWarningInput> = {}): PublishWarningInput => ({
  hazard: 'snowstorm',
  level: 'orange',
  area: { kind: 'districts', codes: [DAOLI] },
  description: '预计未来12小时道里区降雪量将达10毫米以上，局地伴有6级阵风。',
  instruction: '减少不必要的外出；机动车减速慢行；做好道路除雪与防滑准备。',
  certainty: 'Likely',
  expiresAt: inMinutes(180),
  drill: false,
  ...over,
});

const post = (path: string, role: string, body: unknown) =>
  request(gw.url)
    .post(path)
    .set('Cookie', cookies[role] ?? '')
    .send(body as object);

const rowCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM public_warning'))[0]!.n);

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const warningChange = (id: string, state: string) => () =>
  [...wall.applied.values()].find((c: Change) => c.warning?.id === id && c.warning.state === state);

beforeAll(async () => {
  t = await createIdentityTestApp();
  gw = await listenWithRealtime(t.app, t.deps);
  for (const role of ['leader', 'commander', 'dispatcher', 'planner', 'handler', 'wall'] as const) {
    const departmentId = role === 'planner' ? 'planning' : role === 'handler' ? 'traffic-police' : 'command-center';
    const account = await createAccount(t.db, { role, departmentId });
    cookies[role] = await login(t.app, account.username, account.password);
  }
  wall = new WallClient(gw.url, cookies.wall!, { layers: ['warnings'], areas: [] }, 0);
  await waitFor('the wall subscription', () => wall.subscribed ?? undefined);
  await wall.subscribed;
});

afterAll(async () => {
  wall?.socket.close();
  await gw?.close();
  await t?.close();
});

describe('publishing', () => {
  let published: PublicWarning;

  it('a leader publishes an orange snowstorm warning for a district: 201, in force, public, sent to walls', async () => {
    const res = await post('/api/warnings', 'leader', snowstorm());
    expect(res.status).toBe(201);
    published = res.body as PublicWarning;
    expect(published).toMatchObject({
      msgType: 'Alert',
      state: 'active',
      level: 'orange',
      hazard: 'snowstorm',
      areaKind: 'districts',
      areaCodes: [DAOLI],
      areaDesc: '道里区',
      referencesId: null,
    });
    expect(published.headline).toContain('暴雪橙色预警');
    expect(published.geometry.type).toBe('MultiPolygon');
    expect(published.geometry.coordinates.length).toBeGreaterThan(0);

    // The active list needs no login.
    const list = await request(gw.url).get('/api/warnings');
    expect(list.status).toBe(200);
    expect((list.body as WarningListResponse).warnings.map((w) => w.id)).toContain(published.id);

    const change = await waitFor('the warning on the wall', warningChange(published.id, 'active'));
    expect(change.topic).toBe('warning');
    expect(change.warning?.level).toBe('orange');
  });

  it('its CAP document is public, application/cap+xml, and names the district by its GB/T 2260 code', async () => {
    const res = await fetch(`${gw.url}/api/warnings/${published.id}.cap`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
    const alert = parseOrdered(await res.text());
    const info = child(alert, 'info')!;
    expect(child(info, 'severity')?.text).toBe('Severe');
    const area = child(info, 'area')!;
    expect(child(area, 'areaDesc')?.text).toBe('道里区');
    const geocode = child(area, 'geocode')!;
    expect([child(geocode, 'valueName')?.text, child(geocode, 'value')?.text]).toEqual(['GB/T 2260', DAOLI]);
    expect(children(area, 'polygon').length).toBeGreaterThan(0);
  });

  it('streets: the area is each street with its district, the warning named after them', async () => {
    const [street] = await t.db.query<{ code: string; name: string; district_name: string }>(
      'SELECT code, name, district_name FROM street WHERE district_adcode = $1 ORDER BY code LIMIT 1',
      [NANGANG],
    );
    const res = await post(
      '/api/warnings',
      'commander',
      snowstorm({ level: 'yellow', hazard: 'road_icing', area: { kind: 'streets', codes: [street!.code] } }),
    );
    expect(res.status).toBe(201);
    const w = res.body as PublicWarning;
    expect(w.areaDesc).toBe(`${street!.district_name}${street!.name}`);
    expect(w.areaCodes).toEqual([street!.code]);
  });

  it('a drawn polygon: the districts it touches are found by PostGIS and named', async () => {
    const res = await post(
      '/api/warnings',
      'leader',
      snowstorm({ hazard: 'hazmat', level: 'red', area: { kind: 'polygon', polygon: SQUARE } }),
    );
    expect(res.status).toBe(201);
    const w = res.body as PublicWarning;
    expect(w.areaKind).toBe('polygon');
    expect(w.areaCodes).toContain(DAOLI);
    expect(w.areaDesc).toMatch(/道里区.*部分区域$/);
    const [stored] = await t.db.query<{ inside: boolean }>(
      'SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint(126.62, 45.755), 4326)) AS inside FROM public_warning WHERE id = $1',
      [w.id],
    );
    expect(stored!.inside).toBe(true);
  });

  it('is audited as a command with what was published', async () => {
    const res = await post('/api/warnings', 'leader', snowstorm({ level: 'blue', hazard: 'gale' }));
    expect(res.status).toBe(201);
    const id = (res.body as PublicWarning).id;
    const requestId = String(res.headers['x-request-id']);
    const rows = await waitFor('the audit rows', async () => {
      const r = await t.db.query<{ detail: string }>(
        'SELECT detail FROM audit_event WHERE action = $1 AND request_id = $2 ORDER BY seq',
        ['warning.publish', requestId],
      );
      return r.length >= 2 ? r.map((x) => JSON.parse(x.detail) as Record<string, unknown>) : undefined;
    });
    expect(rows[0]).toMatchObject({ stage: 'authorised', input: { hazard: 'gale', level: 'blue' } });
    expect(rows[1]).toMatchObject({
      stage: 'completed',
      status: 201,
      changes: { warning: { id, level: 'blue', hazard: 'gale' } },
    });
  });
});

describe('update and cancel', () => {
  it('an update replaces the message in force and references it; the old one cannot be updated again', async () => {
    const first = (await post('/api/warnings', 'leader', snowstorm())).body as PublicWarning;
    const res = await post(
      `/api/warnings/${first.id}/update`,
      'commander',
      snowstorm({ level: 'red', description: '降雪加强，预计24小时降雪量将达20毫米以上。' }),
    );
    expect(res.status).toBe(200);
    const { warning, replaced } = res.body as UpdateWarningResponse;
    expect(replaced).toMatchObject({ id: first.id, state: 'superseded' });
    expect(warning).toMatchObject({ msgType: 'Update', referencesId: first.id, state: 'active', level: 'red' });

    const active = ((await request(gw.url).get('/api/warnings')).body as WarningListResponse).warnings.map((w) => w.id);
    expect(active).toContain(warning.id);
    expect(active).not.toContain(first.id);
    await waitFor('the superseded state on the wall', warningChange(first.id, 'superseded'));
    await waitFor('the update on the wall', warningChange(warning.id, 'active'));

    const cap = parseOrdered(await text(`/api/warnings/${warning.id}.cap`));
    expect(child(cap, 'msgType')?.text).toBe('Update');
    const firstCap = parseOrdered(await text(`/api/warnings/${first.id}.cap`));
    const [sender, identifier, sent] = child(cap, 'references')!.text.split(',');
    expect(sender).toBe(child(firstCap, 'sender')!.text);
    expect(identifier).toBe(first.identifier);
    expect(sent).toBe(child(firstCap, 'sent')!.text);

    const again = await post(`/api/warnings/${first.id}/update`, 'leader', snowstorm());
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/已被调整/);
  });

  it('a cancel lifts the warning and publishes a Cancel notice referencing it, listed in the feed but not in force', async () => {
    const w = (await post('/api/warnings', 'leader', snowstorm({ hazard: 'cold_wave', level: 'yellow' }))).body as PublicWarning;
    const res = await post(`/api/warnings/${w.id}/cancel`, 'leader', { reason: '冷空气提前减弱' });
    expect(res.status).toBe(200);
    const { notice, cancelled } = res.body as CancelWarningResponse;
    expect(cancelled).toMatchObject({ id: w.id, state: 'cancelled' });
    expect(notice).toMatchObject({ msgType: 'Cancel', referencesId: w.id, state: 'active' });
    const active = ((await request(gw.url).get('/api/warnings')).body as WarningListResponse).warnings.map((x) => x.id);
    expect(active).not.toContain(w.id);
    expect(active).not.toContain(notice.id);
    await waitFor('the cancelled state on the wall', warningChange(w.id, 'cancelled'));

    const cap = parseOrdered(await text(`/api/warnings/${notice.id}.cap`));
    expect(child(cap, 'msgType')?.text).toBe('Cancel');
    expect(child(cap, 'references')?.text.split(',')[1]).toBe(w.identifier);
    expect(child(cap, 'note')?.text).toContain('冷空气提前减弱');
    expect(child(child(cap, 'info')!, 'responseType')?.text).toBe('AllClear');

    const feed = await text('/api/warnings/cap');
    expect(feed).toContain(`/api/warnings/${notice.id}.cap`);
    expect(feed).not.toContain(`/api/warnings/${w.id}.cap`);

    const twice = await post(`/api/warnings/${w.id}/cancel`, 'leader', { reason: '重复' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/已解除/);
    const ofNotice = await post(`/api/warnings/${notice.id}/cancel`, 'leader', { reason: '重复' });
    expect(ofNotice.status).toBe(409);
  });

  it('an unknown warning id is 404 in Chinese', async () => {
    const res = await post('/api/warnings/00000000-0000-4000-8000-000000000000/cancel', 'leader', { reason: '测试' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(HAN);
    const cap = await request(gw.url).get('/api/warnings/00000000-0000-4000-8000-000000000000.cap');
    expect(cap.status).toBe(404);
    const notCap = await request(gw.url).get('/api/warnings/whatever.xml');
    expect(notCap.status).toBe(404);
    expect(notCap.body.error.message).toMatch(HAN);
  });
});

describe('expiry', () => {
  it('a warning drops out by itself when it expires: off the list at once, and walls are told through the change log', async () => {
    const res = await post(
      '/api/warnings',
      'leader',
      snowstorm({ level: 'blue', hazard: 'fog', expiresAt: new Date(Date.now() + 2500).toISOString() }),
    );
    expect(res.status).toBe(201);
    const w = res.body as PublicWarning;
    const listed = async () =>
      ((await request(gw.url).get('/api/warnings')).body as WarningListResponse).warnings.map((x) => x.id);
    expect(await listed()).toContain(w.id);
    const change = await waitFor('the expiry on the wall', warningChange(w.id, 'expired'), 15_000);
    expect(Date.parse(change.at)).toBeGreaterThanOrEqual(Date.parse(w.expiresAt));
    expect(await listed()).not.toContain(w.id);
    const [row] = await t.db.query<{ state: string }>('SELECT state FROM public_warning WHERE id = $1', [w.id]);
    expect(row!.state).toBe('expired');
    const feed = await text('/api/warnings/cap');
    expect(feed).not.toContain(w.id);
    const update = await post(`/api/warnings/${w.id}/update`, 'leader', snowstorm());
    expect(update.status).toBe(409);
    expect(update.body.error.message).toMatch(/过期/);
  });
});

describe('rights', () => {
  it.each(['dispatcher', 'planner', 'handler', 'wall'])('%s may not publish, update or cancel: 403', async (role) => {
    const before = await rowCount();
    const res = await post('/api/warnings', role, snowstorm());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(HAN);
    const w = (await post('/api/warnings', 'leader', snowstorm({ level: 'blue' }))).body as PublicWarning;
    expect((await post(`/api/warnings/${w.id}/update`, role, snowstorm())).status).toBe(403);
    expect((await post(`/api/warnings/${w.id}/cancel`, role, { reason: '无权' })).status).toBe(403);
    expect(await rowCount()).toBe(before + 1);
  });

  it('without a session publishing is 401, reading is open', async () => {
    expect((await request(gw.url).post('/api/warnings').send(snowstorm())).status).toBe(401);
    expect((await request(gw.url).get('/api/warnings')).status).toBe(200);
    expect((await request(gw.url).get('/api/warnings/cap')).status).toBe(200);
    expect((await request(gw.url).get('/api/warnings/areas')).status).toBe(200);
  });
});

describe('hostile input', () => {
  const cases: [string, PublishWarningInput['area'] | null, Partial<PublishWarningInput>, RegExp][] = [
    ['an open ring', { kind: 'polygon', polygon: SQUARE.slice(0, 4) }, {}, /不闭合/],
    ['fewer than 4 positions', { kind: 'polygon', polygon: [SQUARE[0]!, SQUARE[1]!, SQUARE[0]!] }, {}, /至少需要 4 个点/],
    [
      'latitude and longitude swapped',
      { kind: 'polygon', polygon: SQUARE.map(([lon, lat]) => [lat, lon] as [number, number]) },
      {},
      /不在哈尔滨市范围内/,
    ],
    [
      'a bow-tie (self-intersecting)',
      {
        kind: 'polygon',
        polygon: [
          [126.6, 45.74],
          [126.64, 45.77],
          [126.64, 45.74],
          [126.6, 45.77],
          [126.6, 45.74],
        ],
      },
      {},
      /多边形无效/,
    ],
    [
      'a polygon outside every district',
      {
        kind: 'polygon',
        polygon: [
          [125.01, 44.01],
          [125.02, 44.01],
          [125.02, 44.02],
          [125.01, 44.01],
        ],
      },
      {},
      /不相交/,
    ],
    ['an unknown district', { kind: 'districts', codes: ['230199'] }, {}, /未知的区县代码/],
    ['a malformed street code', { kind: 'streets', codes: ['12'] }, {}, /9 位数字/],
    ['no area', null, {}, /预警范围|area/],
    ['an expiry in the past', undefined as never, { expiresAt: inMinutes(-5) }, /晚于当前时间/],
    [
      'an expiry before the effective time',
      undefined as never,
      { effectiveAt: inMinutes(60), expiresAt: inMinutes(30) },
      /晚于生效时间/,
    ],
    ['an expiry 60 days ahead', undefined as never, { expiresAt: inMinutes(60 * 24 * 60) }, /30 天/],
    ['a time without offset', undefined as never, { expiresAt: '2026-12-31T20:00:00' }, /时区/],
    ['an unknown hazard', undefined as never, { hazard: 'meteor' as never }, /预警类型/],
    ['an unknown level', undefined as never, { level: 'purple' as never }, /预警级别/],
    ['an empty description', undefined as never, { description: '   ' }, /请填写预警内容/],
  ];

  it.each(cases)('%s → 400 with a Chinese message, nothing written', async (_name, area, over, message) => {
    const before = await rowCount();
    const body: Record<string, unknown> = { ...snowstorm(over) };
    if (area === null) delete body.area;
    else if (area !== undefined) body.area = area;
    const res = await post('/api/warnings', 'leader', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(HAN);
    expect(res.body.error.message).toMatch(message);
    expect(await rowCount()).toBe(before);
  });

  it('a bad update leaves the warning in force untouched', async () => {
    const w = (await post('/api/warnings', 'leader', snowstorm({ level: 'blue' }))).body as PublicWarning;
    const res = await post(
      `/api/warnings/${w.id}/update`,
      'leader',
      snowstorm({ area: { kind: 'polygon', polygon: SQUARE.slice(0, 4) } }),
    );
    expect(res.status).toBe(400);
    const [row] = await t.db.query<{ state: string }>('SELECT state FROM public_warning WHERE id = $1', [w.id]);
    expect(row!.state).toBe('active');
  });
});

/** A public document's text, fetched as any feed reader would (no session). */
async function text(path: string): Promise<string> {
  const res = await fetch(`${gw.url}${path}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return res.text();
}
