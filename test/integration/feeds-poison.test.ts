import type { FeedAck, FeedSource, IncidentCategory } from '../../contracts/incidents';
import { isRecordFault } from '../../gateway/changes/group-commit';
import { parseFeed } from '../../gateway/feeds/adapters';
import { commandKpis } from '../../gateway/incidents/kpis';
import { locateReport } from '../../gateway/incidents/locate';
import type { IngestItem } from '../../gateway/incidents/ingest';
import { createTestApp, type TestApp } from '../support/app';
import { freshScene, offset, postFeed, report } from '../support/feeds';

/**
 * One agency's bad record must not cost anyone else theirs: hostile text is refused at validation (4xx and a dead
 * letter), and a batch the database still refuses is written again record by record, so only the bad one fails.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

const stored = async (source: string, sourceId: string) =>
  (await t.db.query('SELECT 1 FROM feed_record WHERE source = $1 AND source_id = $2', [source, sourceId])).length;
const deadLetter = async (id: number) =>
  (
    await t.db.query<{ code: string; reason: string; payload: string }>(
      'SELECT code, reason, payload FROM dead_letter WHERE id = $1',
      [id],
    )
  )[0];

/** The native body of a fresh record, with `extra` merged in as JSON text (so any text can be spliced in). */
function body(source: FeedSource, category: IncidentCategory, extra: string) {
  const s = freshScene();
  const r = report(source, category, s, s.at);
  return { sourceId: r.truth.sourceId, text: `${JSON.stringify(r.payload).slice(0, -1)},${extra}}` };
}

describe('hostile text in a signed webhook is refused at validation', () => {
  const DEEP = 10_000;
  it.each([
    ['U+0000 in a vendor extra field', '"CJDW":"南岗\\u0000分局"', /U\+0000/],
    ['U+0000 in a key', '"a\\u0000b":1', /U\+0000/],
    ['a lone surrogate', '"CJDW":"\\ud800"', /surrogate/],
    [`JSON nested ${DEEP} deep`, `"x":${'['.repeat(DEEP)}${']'.repeat(DEEP)}`, /请求体嵌套超过 16 层/],
    ['a 200,000-character string', `"CJDW":"${'x'.repeat(200_000)}"`, /字段 \S+ 超过 20000 个字符/],
  ])('%s: 400, a dead letter with the reason, nothing stored', async (_name, extra, reason) => {
    const b = body('110', 'crime', extra);
    const res = await postFeed(t.app, '110', b.text);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(reason);
    const letter = await deadLetter(res.body.error.details.deadLetterId);
    expect(letter).toMatchObject({ code: 'malformed', reason: expect.stringMatching(reason) });
    expect(letter!.payload).not.toContain('\u0000');
    expect(await stored('110', b.sourceId)).toBe(0);
  });

  it('answers every agency in the same moment normally while one sends poison', async () => {
    const s = freshScene();
    const agencies = [
      ['110', 'crime'],
      ['119', 'fire'],
      ['120', 'medical'],
      ['traffic', 'traffic_crash'],
    ] as const;
    const good = agencies.map(([source, category], i) => report(source, category, offset(s, i * 3000, 0), s.at));
    const poison = body('119', 'fire', '"remark":"\\u0000"');
    const answers = await Promise.all([
      ...good.map((g) => postFeed(t.app, g.truth.source, g.payload)),
      postFeed(t.app, '119', poison.text),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 400]);
    expect(answers[4]!.body.error.details.deadLetterId).toBeGreaterThan(0);
    for (const g of good) expect(await stored(g.truth.source, g.truth.sourceId)).toBe(1);
  });
});

describe('a batch the database refuses', () => {
  async function item(source: FeedSource, category: IncidentCategory, where: { lon: number; lat: number }, at: Date) {
    const r = report(source, category, where, at);
    const parsed = parseFeed(source, r.payload);
    const place = await locateReport(parsed, t.state.geo.locator, t.state.geo.geocoder, t.db);
    const it: IngestItem = { report: parsed, place, native: r.payload, transport: 'http' };
    return it;
  }

  it('commits every good record of the batch and fails only the bad one', async () => {
    const s = freshScene();
    const ingest = t.state.command.ingest;
    const goods = await Promise.all(
      (
        [
          ['110', 'crime'],
          ['119', 'fire'],
          ['120', 'medical'],
          ['airdefense', 'siren_fault'],
          ['traffic', 'traffic_crash'],
        ] as const
      ).map(([source, category], i) => item(source, category, offset(s, i * 2500, 0), s.at)),
    );
    // Past validation (as a record that some future check misses): text jsonb cannot hold, in the kept native record.
    const bad = await item('flood', 'flood', offset(s, 0, 2500), s.at);
    bad.native = { ...(bad.native as object), remark: 'a\u0000b' };
    // The first submission starts a transaction at once; the rest queue behind it and are written as one batch.
    const first = ingest.submit(goods[0]!);
    const rest = [goods[1]!, goods[2]!, bad, goods[3]!, goods[4]!].map((it) => ingest.submit(it));
    const results = await Promise.allSettled([first, ...rest]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(isRecordFault((results[3] as PromiseRejectedResult).reason)).toBe(true);
    for (const g of goods) expect(await stored(g.report.source, g.report.sourceId)).toBe(1);
    expect(await stored('flood', bad.report.sourceId)).toBe(0);
    for (const r of results) if (r.status === 'fulfilled') expect((r.value as FeedAck).created).toBe(true);
  });
});

describe('source times ahead of the clock', () => {
  it('refuses a record stamped an hour ahead (bad_time, dead letter), takes one 2 minutes ahead', async () => {
    const s = freshScene();
    const ahead = report('120', 'medical', s, new Date(Date.now() + 3_600_000));
    const res = await postFeed(t.app, '120', ahead.payload);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/bad_time：报告时间 \S+ 比平台时钟快 \d+ 秒/);
    expect((await deadLetter(res.body.error.details.deadLetterId))!.code).toBe('bad_time');
    expect(await stored('120', ahead.truth.sourceId)).toBe(0);
    const skewed = report('120', 'medical', offset(s, 5000, 0), new Date(Date.now() + 120_000));
    expect((await postFeed(t.app, '120', skewed.payload)).status).toBe(201);
  });
});

describe('the dispatch KPI', () => {
  it('never goes negative for incidents whose source clock ran ahead (kept from before the check)', async () => {
    // Opened 10 minutes ago, claiming a first report an hour from now, dispatched now: 600 s, not -3600 s.
    for (let i = 0; i < 5; i++) {
      const [row] = await t.db.query<{ id: string }>(
        `INSERT INTO incident (status, category, priority, title, geom, located_via, first_reported_at, last_reported_at, created_at)
         VALUES ('dispatched', 'crime', 5, 'KPI 测试', ST_SetSRID(ST_MakePoint(126.63, 45.76), 4326), 'reported',
                 now() + interval '1 hour', now() + interval '1 hour', now() - interval '10 minutes')
         RETURNING id`,
      );
      await t.db.query(
        `INSERT INTO incident_step (incident_id, state, action, note) VALUES ($1, 'dispatched', 'dispatch', 'KPI 测试')`,
        [row!.id],
      );
    }
    const kpis = await commandKpis(t.db);
    expect(kpis.dispatchedToday).toBeGreaterThanOrEqual(5);
    expect(kpis.medianDispatchS).toBeGreaterThanOrEqual(0);
  });
});
