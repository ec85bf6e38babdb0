import { spawnSync } from 'node:child_process';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import type { PublicWarning, PublishWarningInput } from '../../contracts/warnings';
import { CAP_DATETIME, CAP_NS, checkCapAlert, child, children, parseOrdered, type CapNode } from '../support/cap12';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * CAP 1.2 documents of real warnings, checked element by element against the specification's rules
 * (test/support/cap12.ts, written from the OASIS standard), well-formed by libxml2's xmllint, and their values
 * against what was published: severity by colour, Exercise for drills, dateTimes with offset, polygons as closed
 * "lat,lon" rings inside Harbin, geocodes, the Atom index feed linking every current message.
 */

let t: IdentityTestApp;
let gw: ListeningApp;
let leader: string;

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

const publish = async (over: Partial<PublishWarningInput>): Promise<PublicWarning> => {
  const body: PublishWarningInput = {
    hazard: 'rainstorm',
    level: 'yellow',
    area: { kind: 'districts', codes: ['230103'] },
    description: '预计未来6小时南岗区降雨量将达50毫米以上。',
    instruction: '注意防范城市内涝；避免在低洼地带和下穿通道行车。',
    certainty: 'Likely',
    expiresAt: inHours(6),
    drill: false,
    ...over,
  };
  const res = await request(gw.url).post('/api/warnings').set('Cookie', leader).send(body);
  if (res.status !== 201) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as PublicWarning;
};

async function capOf(id: string): Promise<{ xml: string; alert: CapNode; type: string | null }> {
  const res = await fetch(`${gw.url}/api/warnings/${id}.cap`);
  expect(res.status).toBe(200);
  const xml = await res.text();
  return { xml, alert: parseOrdered(xml), type: res.headers.get('content-type') };
}

/** libxml2's verdict on a document: exit status and what it said. */
function xmllint(xml: string): { status: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const text = (n: CapNode | undefined, name: string) => (n ? child(n, name)?.text : undefined);

beforeAll(async () => {
  t = await createIdentityTestApp();
  gw = await listenWithRealtime(t.app, t.deps);
  const account = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
  leader = await login(t.app, account.username, account.password);
});
afterAll(async () => {
  await gw?.close();
  await t?.close();
});

describe('the CAP 1.2 rules themselves (the checker catches what it must)', () => {
  const good = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="${CAP_NS}"><identifier>X-1</identifier><sender>s.example</sender><sent>2026-12-07T20:00:00+08:00</sent>
<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><category>Met</category><event>暴雪预警</event><urgency>Expected</urgency><severity>Severe</severity>
<certainty>Likely</certainty><area><areaDesc>道里区</areaDesc>
<polygon>45.7,126.6 45.7,126.7 45.8,126.7 45.7,126.6</polygon></area></info></alert>`;

  it('accepts a minimal valid alert', () => {
    expect(checkCapAlert(good)).toEqual([]);
  });

  it.each([
    ['a UTC "Z" designator', good.replace('2026-12-07T20:00:00+08:00', '2026-12-07T12:00:00Z'), /not a CAP dateTime/],
    ['fractional seconds', good.replace('20:00:00+08:00', '20:00:00.123+08:00'), /not a CAP dateTime/],
    ['no offset', good.replace('20:00:00+08:00', '20:00:00'), /not a CAP dateTime/],
    ['an open polygon', good.replace('45.7,126.6</polygon>', '45.8,126.6</polygon>'), /not closed/],
    [
      'three pairs',
      good.replace('45.7,126.6 45.7,126.7 45.8,126.7 45.7,126.6', '45.7,126.6 45.7,126.7 45.7,126.6'),
      /at least 4/,
    ],
    [
      'lon,lat pairs',
      good.replace('45.7,126.6 45.7,126.7 45.8,126.7 45.7,126.6', '126.6,45.7 126.7,45.7 126.7,45.8 126.6,45.7'),
      /latitude 126.6 out of range/,
    ],
    ['status out of the enumeration', good.replace('<status>Actual</status>', '<status>Real</status>'), /alert.status/],
    [
      'scope before msgType',
      good.replace('<msgType>Alert</msgType><scope>Public</scope>', '<scope>Public</scope><msgType>Alert</msgType>'),
      /out of order/,
    ],
    ['no event', good.replace('<event>暴雪预警</event>', ''), /required <event>/],
    ['an Update without references', good.replace('<msgType>Alert</msgType>', '<msgType>Update</msgType>'), /needs <references>/],
    ['a space in the identifier', good.replace('X-1', 'X 1'), /identifier/],
    ['the wrong namespace', good.replace(CAP_NS, 'urn:oasis:names:tc:emergency:cap:1.1'), /namespace/],
    ['severity out of the enumeration', good.replace('Severe', 'High'), /severity/],
  ])('refuses %s', (_name, xml, message) => {
    expect(checkCapAlert(xml).join('\n')).toMatch(message);
  });
});

describe('documents of published warnings', () => {
  it('an orange snowstorm for a district: every element as CAP 1.2 requires, values as published', async () => {
    const w = await publish({
      hazard: 'snowstorm',
      level: 'orange',
      area: { kind: 'districts', codes: ['230102', '230103'] },
      onsetAt: inHours(2),
    });
    const { xml, alert, type } = await capOf(w.id);
    expect(type).toMatch(/^application\/cap\+xml/);
    expect(checkCapAlert(xml)).toEqual([]);
    const lint = xmllint(xml);
    expect(lint).toEqual({ status: 0, stderr: '' });

    expect(alert.attrs.xmlns).toBe(CAP_NS);
    expect(text(alert, 'identifier')).toBe(w.identifier);
    expect(text(alert, 'status')).toBe('Actual');
    expect(text(alert, 'msgType')).toBe('Alert');
    expect(text(alert, 'scope')).toBe('Public');
    expect(child(alert, 'references')).toBeUndefined();
    const sent = text(alert, 'sent')!;
    expect(sent).toMatch(CAP_DATETIME);
    expect(sent.endsWith('+08:00')).toBe(true);
    expect(Math.abs(Date.parse(sent) - Date.parse(w.sentAt))).toBeLessThan(1000);

    const infos = children(alert, 'info');
    expect(infos).toHaveLength(1);
    const info = infos[0]!;
    expect(text(info, 'language')).toBe('zh-CN');
    expect(text(info, 'category')).toBe('Met');
    expect(text(info, 'event')).toBe('暴雪预警');
    expect(text(info, 'severity')).toBe('Severe');
    expect(text(info, 'certainty')).toBe('Likely');
    // Onset two hours after sending: expected, not immediate.
    expect(text(info, 'urgency')).toBe('Expected');
    expect(text(info, 'senderName')).toBe(w.senderName);
    expect(text(info, 'headline')).toBe(w.headline);
    expect(text(info, 'description')).toBe(w.description);
    expect(text(info, 'instruction')).toBe(w.instruction);
    for (const [el, iso] of [
      ['effective', w.effectiveAt],
      ['onset', w.onsetAt],
      ['expires', w.expiresAt],
    ] as const) {
      const v = text(info, el)!;
      expect(v).toMatch(CAP_DATETIME);
      expect(Math.abs(Date.parse(v) - Date.parse(iso))).toBeLessThan(1000);
    }

    const areas = children(info, 'area');
    expect(areas.map((a) => text(a, 'areaDesc'))).toEqual(['道里区', '南岗区']);
    for (const [i, area] of areas.entries()) {
      const codes = children(area, 'geocode').map((g) => [text(g, 'valueName'), text(g, 'value')]);
      expect(codes).toEqual([['GB/T 2260', ['230102', '230103'][i]]]);
      const polygons = children(area, 'polygon');
      expect(polygons.length).toBeGreaterThan(0);
      for (const p of polygons) {
        const pairs = p.text.split(/\s+/).map((s) => s.split(',').map(Number) as [number, number]);
        expect(pairs.length).toBeGreaterThanOrEqual(4);
        expect(pairs[0]).toEqual(pairs[pairs.length - 1]);
        // lat,lon on WGS-84: Harbin's latitude is about 45°N, its longitude about 126.6°E.
        for (const [lat, lon] of pairs) {
          expect(lat).toBeGreaterThan(44);
          expect(lat).toBeLessThan(47);
          expect(lon).toBeGreaterThan(125);
          expect(lon).toBeLessThan(131);
        }
      }
      // The district's own outline contains the area's first vertex (checked against PostGIS, not the code).
      const [lat, lon] = polygons[0]!.text.split(/\s+/)[0]!.split(',').map(Number) as [number, number];
      const [near] = await t.db.query<{ d: number }>(
        'SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS d FROM district WHERE adcode = $1',
        [['230102', '230103'][i]!, lon, lat],
      );
      expect(near!.d).toBeLessThan(200);
    }
  });

  it.each([
    ['red', 'Extreme'],
    ['orange', 'Severe'],
    ['yellow', 'Moderate'],
    ['blue', 'Minor'],
  ] as const)('%s → severity %s', async (level, severity) => {
    const w = await publish({ level });
    const { xml, alert } = await capOf(w.id);
    expect(checkCapAlert(xml)).toEqual([]);
    expect(text(child(alert, 'info'), 'severity')).toBe(severity);
  });

  it('a drill is status Exercise with a note; an air raid is Security, Immediate, Shelter', async () => {
    const w = await publish({
      hazard: 'air_raid',
      level: 'red',
      drill: true,
      certainty: 'Observed',
      area: { kind: 'districts', codes: ['230102'] },
    });
    const { xml, alert } = await capOf(w.id);
    expect(checkCapAlert(xml)).toEqual([]);
    expect(xmllint(xml).status).toBe(0);
    expect(text(alert, 'status')).toBe('Exercise');
    expect(text(alert, 'note')).toContain('演练');
    const info = child(alert, 'info')!;
    expect(text(info, 'category')).toBe('Security');
    expect(text(info, 'urgency')).toBe('Immediate');
    expect(text(info, 'responseType')).toBe('Shelter');
    expect(text(info, 'certainty')).toBe('Observed');
  });

  it('a drawn polygon is sent as drawn: the same ring, as lat,lon pairs', async () => {
    const ring: [number, number][] = [
      [126.61, 45.75],
      [126.63, 45.75],
      [126.63, 45.76],
      [126.61, 45.76],
      [126.61, 45.75],
    ];
    const w = await publish({
      hazard: 'hazmat',
      level: 'orange',
      area: { kind: 'polygon', polygon: ring, name: '化工厂周边1公里' },
    });
    const { xml, alert } = await capOf(w.id);
    expect(checkCapAlert(xml)).toEqual([]);
    const area = child(child(alert, 'info')!, 'area')!;
    expect(text(area, 'areaDesc')).toBe('化工厂周边1公里');
    expect(children(area, 'polygon').map((p) => p.text)).toEqual([
      ring.map(([lon, lat]) => `${lat.toFixed(6)},${lon.toFixed(6)}`).join(' '),
    ]);
    expect(text(child(alert, 'info'), 'category')).toBe('CBRNE');
    expect(children(area, 'geocode').map((g) => text(g, 'value'))).toContain('230102');
  });

  it('text with markup characters is escaped, the document stays well-formed', async () => {
    const w = await publish({ description: '水位 > 警戒 & 仍在上涨 <注意> "立即" 撤离', headline: 'A&B <测试> 预警' });
    const { xml, alert } = await capOf(w.id);
    expect(xmllint(xml).status).toBe(0);
    expect(checkCapAlert(xml)).toEqual([]);
    expect(text(child(alert, 'info'), 'description')).toBe('水位 > 警戒 & 仍在上涨 <注意> "立即" 撤离');
  });

  it('update and cancel documents reference the message they replace or lift, and pass the same checks', async () => {
    const first = await publish({ level: 'yellow' });
    const up = await request(gw.url)
      .post(`/api/warnings/${first.id}/update`)
      .set('Cookie', leader)
      .send({
        hazard: 'rainstorm',
        level: 'orange',
        area: { kind: 'districts', codes: ['230103'] },
        description: '降雨加强。',
        instruction: '停止户外作业。',
        expiresAt: inHours(8),
      });
    expect(up.status).toBe(200);
    const updated = (up.body as { warning: PublicWarning }).warning;
    const cancel = await request(gw.url)
      .post(`/api/warnings/${updated.id}/cancel`)
      .set('Cookie', leader)
      .send({ reason: '降雨结束' });
    expect(cancel.status).toBe(200);
    const notice = (cancel.body as { notice: PublicWarning }).notice;

    const a = await capOf(first.id);
    const u = await capOf(updated.id);
    const c = await capOf(notice.id);
    for (const doc of [a, u, c]) {
      expect(checkCapAlert(doc.xml)).toEqual([]);
      expect(xmllint(doc.xml).status).toBe(0);
    }
    const ref = (of: CapNode) => [text(of, 'sender'), text(of, 'identifier'), text(of, 'sent')].join(',');
    expect(text(u.alert, 'msgType')).toBe('Update');
    expect(text(u.alert, 'references')).toBe(ref(a.alert));
    expect(text(c.alert, 'msgType')).toBe('Cancel');
    expect(text(c.alert, 'references')).toBe(ref(u.alert));
    expect(text(child(c.alert, 'info'), 'urgency')).toBe('Past');
  });
});

describe('the index feed', () => {
  it('is Atom, lists every current message newest first, each linking to its CAP document', async () => {
    const w1 = await publish({ level: 'blue', hazard: 'gale' });
    const w2 = await publish({ level: 'red', hazard: 'flood' });
    const res = await fetch(`${gw.url}/api/warnings/cap`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    expect(xmllint(xml).status).toBe(0);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'entry' }).parse(
      xml,
    ) as {
      feed: {
        xmlns: string;
        title: string;
        updated: string;
        entry: { id: string; title: string; updated: string; link: { rel: string; type: string; href: string } }[];
      };
    };
    expect(parsed.feed.xmlns).toBe('http://www.w3.org/2005/Atom');
    const entries = parsed.feed.entry;
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([`urn:uuid:${w1.id}`, `urn:uuid:${w2.id}`]));
    const times = entries.map((e) => Date.parse(e.updated));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const e of entries.filter((x) => [`urn:uuid:${w1.id}`, `urn:uuid:${w2.id}`].includes(x.id))) {
      expect(e.link).toMatchObject({ rel: 'alternate', type: 'application/cap+xml' });
      const doc = await fetch(e.link.href);
      expect(doc.status).toBe(200);
      expect(checkCapAlert(await doc.text())).toEqual([]);
    }
  });
});

describe('paging the people on duty', () => {
  it('a red warning queues an urgent notification to the command centre and the hazard’s departments; a blue one does not', async () => {
    const red = await publish({ level: 'red', hazard: 'flood' });
    const blue = await publish({ level: 'blue', hazard: 'flood' });
    const rows = await t.db.query<{ source_id: string; urgent: boolean; audience: { departmentIds: string[] }; title: string }>(
      "SELECT source_id, urgent, audience, title FROM notification WHERE source_kind = 'warning' AND source_id = ANY($1::text[])",
      [[red.id, blue.id]],
    );
    expect(rows.map((r) => r.source_id)).toEqual([red.id]);
    expect(rows[0]!.urgent).toBe(true);
    expect(rows[0]!.audience.departmentIds).toEqual(expect.arrayContaining(['command-center', 'flood-control']));
    expect(rows[0]!.title).toContain('洪水红色预警');
  });
});
