import request from 'supertest';
import type { Siren, SirenCommandDetail, SirenCommandSummary } from '../../contracts/airdefense';
import type { RoleId } from '../../contracts/identity';
import { expireProposals } from '../../gateway/airdefense/commands';
import { seedDemoSirens, demoSirenKey } from '../../gateway/airdefense/demo-layout';
import { airDefenseOf } from '../../gateway/airdefense/service';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/**
 * Siren registry and siren commands over HTTP on the real test PostGIS: the demo layout covers every street, CSV
 * registers, and the two-person rule per role (propose → confirm by another person with the confirming role, in
 * time), real sounding only in 战时.
 */
let t: IdentityTestApp;
const cookie: Record<string, string> = {};

beforeAll(async () => {
  t = await createIdentityTestApp();
  await seedDemoSirens(t.db, t.deps.readiness.changes, demoSirenKey());
  const roles = [
    ['commander', 'command-center'],
    ['leaderA', 'command-center'],
    ['leaderB', 'command-center'],
    ['civil', 'civil-defence'],
    ['dispatcher', 'command-center'],
    ['planner', 'planning'],
    ['wall', null],
    ['sysadmin', 'info-center'],
  ] as const;
  for (const [name, dept] of roles) {
    const role: RoleId = name === 'leaderA' || name === 'leaderB' ? 'leader' : name === 'civil' ? 'handler' : name;
    const acct = await createAccount(t.db, { role, departmentId: dept });
    cookie[name] = await login(t.app, acct.username, acct.password);
  }
}, 120_000);
afterAll(async () => {
  await airDefenseOf(t.deps.readiness).close();
  await t.close();
});

const post = (who: string, path: string, body: unknown) =>
  request(t.app)
    .post(path)
    .set('Cookie', cookie[who]!)
    .send(body as object);
const get = (who: string, path: string) => request(t.app).get(path).set('Cookie', cookie[who]!);
const propose = (who: string, body: Record<string, unknown> = {}) =>
  post(who, '/api/airdefense/commands', {
    scope: { district: '230102' },
    signal: 'test',
    drill: false,
    reason: '季度设备试鸣检查',
    ...body,
  });

describe('registry', () => {
  it('lists every siren with position, audible radius, group and state; only after login', async () => {
    expect((await request(t.app).get('/api/airdefense/sirens')).status).toBe(401);
    const res = await get('wall', '/api/airdefense/sirens');
    expect(res.status).toBe(200);
    const sirens = res.body as Siren[];
    const demo = sirens.filter((s) => s.demo);
    expect(demo.length).toBeGreaterThan(100);
    for (const s of demo) {
      expect(s).toMatchObject({ id: expect.stringMatching(/^JB\d{4}$/), state: expect.any(String), group: s.street });
      expect(s.radiusM).toBeGreaterThanOrEqual(500);
      expect(s.lon).toBeGreaterThan(126.3);
      expect(s.site).toContain('演示数据');
      expect(['motor', 'electronic', 'multimedia']).toContain(s.kind);
    }
  });

  it('the demo layout sits on building rooftops (or a pole where none reaches) and its circles cover all 77 streets', async () => {
    const onRoof = await t.db.query<{ id: string; roof: boolean }>(
      `SELECT s.id, EXISTS (SELECT 1 FROM base_feature b WHERE b.layer = 'building' AND ST_Contains(b.geom, s.geom)) AS roof
         FROM siren s WHERE s.demo AND s.site NOT LIKE '%立杆%'`,
    );
    expect(onRoof.length).toBeGreaterThan(100);
    expect(onRoof.filter((r) => !r.roof)).toEqual([]);
    const res = await get('commander', '/api/airdefense/coverage');
    expect(res.status).toBe(200);
    const streets = res.body.streets as { street: string; registered: number }[];
    expect(streets).toHaveLength(77);
    // Rule 4 of data/airdefense/README.md: at least 98 % of every street's area inside some audible circle.
    expect(streets.filter((s) => s.registered < 0.98)).toEqual([]);
  });

  it('imports a CSV register: new sirens get a one-time MQTT password; a bad line imports nothing', async () => {
    const id = `CSV${Date.now() % 1_000_000}`;
    const csv = `id,name,kind,rated_power_w,radius_m,lon,lat,site\n${id}A,测试一号,电动,5500,1000,126.6350,45.7560,"某中学, 楼顶"\n${id}B,测试二号,electronic,1200,700,126.6500,45.7600,\n`;
    const ok = await post('civil', '/api/airdefense/sirens/import', { csv });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ imported: 2, updated: 0 });
    expect(ok.body.credentials).toEqual([
      { sirenId: `${id}A`, username: `siren-${id}A`, password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
      { sirenId: `${id}B`, username: `siren-${id}B`, password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
    ]);
    const [row] = await t.db.query<{ site: string; street_code: string; kind: string }>(
      'SELECT site, street_code, kind FROM siren WHERE id = $1',
      [`${id}A`],
    );
    expect(row).toMatchObject({ site: '某中学, 楼顶', kind: 'motor', street_code: expect.stringMatching(/^2301\d{5}$/) });
    const again = await post('civil', '/api/airdefense/sirens/import', { csv });
    expect(again.body).toMatchObject({ imported: 0, updated: 2, credentials: [] });

    const bad = `id,name,kind,rated_power_w,radius_m,lon,lat\n${id}C,好的,电动,5500,1000,126.63,45.75\n${id}D,坏的,喇叭,5500,99999,10,10\n`;
    const refused = await post('civil', '/api/airdefense/sirens/import', { csv: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/第 3 行.*类型.*半径.*经纬度/);
    expect(await t.db.query('SELECT 1 FROM siren WHERE id = $1', [`${id}C`])).toHaveLength(0);
    expect((await post('dispatcher', '/api/airdefense/sirens/import', { csv })).status).toBe(403);
  });
});

describe('two-person rule', () => {
  it('a commander proposes; the proposer cannot confirm; a leader confirms within the limit', async () => {
    const res = await propose('commander');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: expect.any(String), state: 'pending', signal: 'test', scopeLabel: '群控：道里区' });
    expect(res.body.sirenCount).toBeGreaterThan(5);
    const id = (res.body as SirenCommandSummary).id;
    // The commander's role may propose but not confirm (policy); the proposer of the same role as the confirmer below
    // is refused by the two-person rule itself.
    expect((await post('commander', `/api/airdefense/commands/${id}/confirm`, {})).status).toBe(403);
    const ok = await post('leaderA', `/api/airdefense/commands/${id}/confirm`, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'dispatched', confirmedBy: expect.stringMatching(/^leader\./) });
    const detail = (await get('commander', `/api/airdefense/commands/${id}`)).body as SirenCommandDetail;
    expect(detail.targets).toHaveLength(detail.sirenCount);
    expect(detail.targets.every((x) => x.state === 'sent' && x.sentAt)).toBe(true);
    // Confirmed once only.
    const twice = await post('leaderB', `/api/airdefense/commands/${id}/confirm`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('执行中');
  });

  it('a leader who proposed cannot confirm it; another leader can', async () => {
    const { id } = (await propose('leaderA', { scope: { street: '230102001' } })).body as SirenCommandSummary;
    const self = await post('leaderA', `/api/airdefense/commands/${id}/confirm`, {});
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('提出人不能确认');
    expect((await post('leaderB', `/api/airdefense/commands/${id}/confirm`, {})).status).toBe(200);
  });

  it.each([
    ['civil', 202],
    ['commander', 202],
    ['leaderB', 202],
    ['dispatcher', 403],
    ['planner', 403],
    ['wall', 403],
    ['sysadmin', 403],
  ])('proposal by %s → %i', async (who, status) => {
    expect((await propose(who)).status).toBe(status);
  });

  it.each([
    ['civil', 403],
    ['commander', 403],
    ['dispatcher', 403],
    ['wall', 403],
    ['leaderB', 200],
  ])('confirmation by %s → %i', async (who, status) => {
    const { id } = (await propose('leaderA')).body as SirenCommandSummary;
    expect((await post(who, `/api/airdefense/commands/${id}/confirm`, {})).status).toBe(status);
  });

  it('a proposal not confirmed within the limit expires: 409, and it is recorded as expired', async () => {
    const { id } = (await propose('commander')).body as SirenCommandSummary;
    await t.db.query("UPDATE siren_command SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    const late = await post('leaderA', `/api/airdefense/commands/${id}/confirm`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('确认时限');
    expect((await get('commander', `/api/airdefense/commands/${id}`)).body).toMatchObject({ state: 'expired' });
    expect((await post('leaderB', `/api/airdefense/commands/${id}/confirm`, {})).status).toBe(409);
  });

  it('answers the same reason when the expiry sweep got there before the confirmation', async () => {
    const { id } = (await propose('commander')).body as SirenCommandSummary;
    await t.db.query("UPDATE siren_command SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    await t.db.transaction((tx) => expireProposals(tx, [id]));
    const late = await post('leaderA', `/api/airdefense/commands/${id}/confirm`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('该命令已超过确认时限而失效，请重新提出');
  });

  it('is audited and in the change log (layer sirens) at every step', async () => {
    const res = await propose('commander', { reason: '审计检查用试鸣' });
    const { id } = res.body as SirenCommandSummary;
    await post('leaderA', `/api/airdefense/commands/${id}/confirm`, {});
    const changes = await t.db.query<{ state: string }>(
      "SELECT payload -> 'sirenCommand' ->> 'state' AS state FROM change_log WHERE topic = 'siren' AND entity = $1 ORDER BY seq",
      [`command:${id}`],
    );
    expect(changes.map((c) => c.state).slice(0, 2)).toEqual(['pending', 'dispatched']);
    let audit: { action: string; detail: string }[] = [];
    for (let i = 0; i < 50 && audit.length < 4; i++) {
      audit = await t.db.query(
        `SELECT action, detail FROM audit_event WHERE action LIKE 'airdefense.command.%' AND detail LIKE $1 ORDER BY seq`,
        [`%${id}%`],
      );
      if (audit.length < 4) await new Promise((r) => setTimeout(r, 100));
    }
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['airdefense.command.propose', 'airdefense.command.confirm']),
    );
  });
});

describe('when sirens may really sound', () => {
  it('a real air-raid signal is refused outside 战时, a drill of it is allowed; in 战时 the real one is', async () => {
    await withSharedMode(async () => {
      // The mode row set directly: switching to 战时 has its own confirmation flow, tested with the modes.
      const mode = (m: string, drill = false) =>
        t.db.query('UPDATE system_mode SET mode = $1, drill = $2 WHERE id = 1', [m, drill]);
      await mode('daily');
      const refused = await propose('commander', { signal: 'air_raid' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('战时指挥');
      const drill = await propose('commander', { signal: 'air_raid', drill: true, reason: '防空演练' });
      expect(drill.status).toBe(202);
      expect(drill.body).toMatchObject({ drill: true, state: 'pending' });
      try {
        await mode('wartime');
        const real = await propose('commander', { signal: 'air_raid', reason: '敌机来袭' });
        expect(real.status).toBe(202);
        await mode('wartime', true);
        // In 战时's drill sub-mode the real signal is refused at confirmation too.
        expect((await post('leaderB', `/api/airdefense/commands/${real.body.id}/confirm`, {})).status).toBe(409);
      } finally {
        await mode('daily');
      }
    });
  });

  it('refuses malformed commands with a reason in Chinese', async () => {
    const two = await propose('commander', { scope: { all: true, district: '230102' } });
    expect(two.status).toBe(400);
    expect(two.body.error.message).toContain('范围须且只须为');
    expect((await propose('commander', { signal: 'siren_song' })).body.error.message).toContain('信号须为');
    expect((await propose('commander', { reason: '' })).body.error.message).toContain('理由');
    expect((await propose('commander', { scope: { sirenIds: ['NOPE-1'] } })).status).toBe(404);
    expect((await post('leaderA', '/api/airdefense/commands/not-a-uuid/confirm', {})).status).toBe(400);
  });
});
