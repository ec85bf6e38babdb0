import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import { freshScene, placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * Reports that affect roads: the record is stored and answered whatever becomes of its road condition, and a
 * condition placed from a record is lifted when its incident ends, through the audited command that ends it.
 */
let t: IdentityTestApp;
let commander: string;
beforeAll(async () => {
  t = await createIdentityTestApp();
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(t.app, c.username, c.password);
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

/** The middle of a road edge the routing graph knows, away from the edges other suites use. */
async function edgeMiddle(nth: number) {
  const [edge] = await t.db.query<{ gid: number; lon: number; lat: number }>(
    `SELECT gid, ST_X(ST_LineInterpolatePoint(geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(geom, 0.5)) AS lat
       FROM road_edge WHERE length_m > 80 ORDER BY gid DESC OFFSET $1 LIMIT 1`,
    [nth * 37],
  );
  return edge!;
}
const factorOf = (gid: number) => t.state.geo.routing.graph.factor[t.state.geo.routing.graph.edgeOfGid(gid)!];

describe('a waterlogging report more than 100 m from any road', () => {
  it('is stored and answered 201, saying that no road condition could be placed', async () => {
    // Inside Harbin (a district covers it) but with no road edge within 300 m.
    const [far] = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
         SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS p
           FROM generate_series(126.3, 127.3, 0.05) AS x, generate_series(45.3, 46.0, 0.05) AS y) c
        WHERE EXISTS (SELECT 1 FROM district d WHERE ST_Intersects(d.geom, c.p))
          AND NOT EXISTS (SELECT 1 FROM road_edge e WHERE ST_DWithin(e.geom::geography, c.p::geography, 300))
        LIMIT 1`,
    );
    const s = freshScene();
    const { truth, payload } = report('flood', 'waterlogging', far!, s.at, { title: '道路积水' });
    const res = await postFeed(t.app, 'flood', payload);
    expect(res.status).toBe(201);
    const ack = res.body as FeedAck;
    expect(ack.roadEffect).toEqual({ applied: false, reason: expect.stringMatching(/周围 100 米内没有道路路段/) });
    expect(await t.db.query('SELECT 1 FROM feed_record WHERE id = $1', [ack.recordId])).toHaveLength(1);
    expect(await t.db.query('SELECT 1 FROM road_condition WHERE reason LIKE $1', [`%${truth.sourceId}%`])).toEqual([]);
  });
});

describe('road closures from feeds', () => {
  async function closure(nth: number) {
    const edge = await edgeMiddle(nth);
    const s = freshScene();
    const { payload } = report('traffic', 'road_closure', edge, s.at, { title: '道路施工封闭' });
    const res = await postFeed(t.app, 'traffic', payload);
    expect(res.status).toBe(201);
    const ack = res.body as FeedAck;
    expect(ack.roadEffect).toEqual({ applied: true, conditionId: expect.any(Number), gid: edge.gid });
    expect(factorOf(edge.gid)).toBe(Infinity);
    return { ack, gid: edge.gid, conditionId: (ack.roadEffect as { conditionId: number }).conditionId };
  }
  const transition = (id: number, action: string) =>
    request(t.app).post(`/api/incidents/${id}/transition`).set('Cookie', commander).send({ action, note: '测试' });
  const condition = async (id: number) =>
    (
      await t.db.query<{ cleared_at: Date | null; cleared_reason: string | null; feed_record_id: string }>(
        'SELECT cleared_at, cleared_reason, feed_record_id FROM road_condition WHERE id = $1',
        [id],
      )
    )[0]!;

  it('is lifted when its incident is cancelled: cleared with the reason, the road drivable again, noted and audited', async () => {
    const c = await closure(0);
    expect(Number((await condition(c.conditionId)).feed_record_id)).toBe(c.ack.recordId);
    await transition(c.ack.incidentId, 'acknowledge').expect(200);
    expect((await condition(c.conditionId)).cleared_at).toBeNull();
    expect(factorOf(c.gid)).toBe(Infinity);

    const res = await transition(c.ack.incidentId, 'cancel').expect(200);
    const lifted = await condition(c.conditionId);
    expect(lifted.cleared_at).not.toBeNull();
    expect(lifted.cleared_reason).toBe(`警情 #${c.ack.incidentId} 已撤销`);
    expect(factorOf(c.gid)).toBe(1);
    expect((await t.state.geo.routing.listConditions()).map((x) => x.id)).not.toContain(c.conditionId);
    const last = res.body.steps.at(-1);
    expect(last).toMatchObject({ action: 'cancel', note: `测试；解除由本警情设置的道路状况 1 处（#${c.conditionId}）` });
    const audit = await t.db.query<{ outcome: string }>(
      `SELECT outcome FROM audit_event WHERE action = 'incident.command' AND object LIKE $1 ORDER BY seq DESC LIMIT 1`,
      [`%/incidents/${c.ack.incidentId}/transition%`],
    );
    expect(audit[0]?.outcome).toBe('ok');
  });

  it('stays while the incident is open and is lifted once on resolve, not again on close', async () => {
    const c = await closure(1);
    const [unit] = await placeUnits(t.db, [{ type: 'traffic_police', agency: 'traffic', lon: 126.63, lat: 45.76 }]);
    await request(t.app)
      .post(`/api/incidents/${c.ack.incidentId}/dispatch`)
      .set('Cookie', commander)
      .send({ unitIds: [unit] })
      .expect(200);
    await transition(c.ack.incidentId, 'on_scene').expect(200);
    expect(factorOf(c.gid)).toBe(Infinity);
    await transition(c.ack.incidentId, 'resolve').expect(200);
    expect((await condition(c.conditionId)).cleared_reason).toBe(`警情 #${c.ack.incidentId} 已处置`);
    expect(factorOf(c.gid)).toBe(1);
    const closed = await transition(c.ack.incidentId, 'close').expect(200);
    expect(closed.body.steps.at(-1).note).toBe('测试');
  });
});
