import { connect } from 'node:net';
import pino from 'pino';
import { issueApiToken } from '../../gateway/auth/api-tokens';
import { provisionDemoAccounts, provisionUsers, readSeed } from '../../gateway/auth/seed';
import { AuditWriter } from '../../gateway/audit/writer';
import { auditKeyFrom } from '../../gateway/audit/key';
import { loadConfig } from '../../gateway/config';
import { loadPolicy } from '../../gateway/policy/load';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import { createScratchDb } from '../support/db';
import { testDatabaseUrl } from '../support/env';
import { freePort, startGateway, type GatewayProcess } from '../support/gateway-process';

/** Safe defaults at start-up: loopback only, no demo feed keys in production, no demo account left usable. */

/** Whether a TCP connection to host:port is accepted. 127.0.0.2 is loopback too, but not the address 127.0.0.1. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the gateway process', () => {
  let g: GatewayProcess | null = null;
  afterAll(() => g?.stop());

  it('refuses to start in production with the demo feed keys, saying why', async () => {
    const started = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'none', HOST: '' }, 60_000).then(
      (gateway) => gateway,
      (err: Error) => err,
    );
    // A gateway that started after all is stopped before the test fails on it.
    if (!(started instanceof Error)) await started.stop();
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toMatch(
      /gateway exited with 1 before it was ready:[\s\S]*IDENTITY_SEED=none \(production\) but FEED_KEYS_FILE[\s\S]*demo feed keys/,
    );
  });

  it('listens on 127.0.0.1 only, the embedded MQTT broker too, when HOST is not set', async () => {
    const mqttPort = await freePort();
    g = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo', HOST: '', MQTT_PORT: String(mqttPort) });
    expect(await accepts('127.0.0.1', g.port)).toBe(true);
    expect(await accepts('127.0.0.2', g.port)).toBe(false);
    const deadline = Date.now() + 20_000;
    while (!(await accepts('127.0.0.1', mqttPort)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await accepts('127.0.0.1', mqttPort)).toBe(true);
    expect(await accepts('127.0.0.2', mqttPort)).toBe(false);
  }, 180_000);
});

describe('IDENTITY_SEED=none after a demo start', () => {
  it('disables every demo account, ends its sessions and API tokens, and audits each', async () => {
    const scratch = await createScratchDb('seed');
    const db = await openPostgres(scratch.url);
    try {
      await migrate(db);
      const log = pino({ level: 'silent' });
      const demo = loadConfig({ DATABASE_URL: scratch.url, AUDIT_HMAC_KEY: 'startup-defaults-test-key-0123456789abcdef' });
      await provisionDemoAccounts(db, demo, log);
      const seed = readSeed();
      const [commander] = await db.query<{ id: string }>("SELECT id FROM app_user WHERE username = 'zhihui.wang'");
      await db.transaction((tx) => issueApiToken(tx, commander!.id, { label: 'QGIS', days: 30 }, new Date()));
      await db.query(
        `INSERT INTO auth_session (token_hash, user_id, channel, created_at, last_seen_at, idle_timeout_s, expires_at)
         VALUES ('x', $1, 'http', now(), now(), 1800, now() + interval '1 hour')`,
        [commander!.id],
      );
      // An account the administrator created is not the seed's business.
      const key = auditKeyFrom('startup-defaults-test-key-0123456789abcdef');
      const audit = new AuditWriter({ db: () => db, key, now: () => new Date() });
      await provisionUsers(db, [{ ...seed[0]!, username: 'own.commander', password: 'Kv7#Otter-Birch-52' }], {
        policy: loadPolicy(),
        audit,
        now: () => new Date(),
        source: 'test',
      });

      await provisionDemoAccounts(db, { ...demo, IDENTITY_SEED: 'none' }, log);
      const users = await db.query<{ username: string; disabled: boolean }>(
        'SELECT username, disabled_at IS NOT NULL AS disabled FROM app_user ORDER BY username',
      );
      const state = Object.fromEntries(users.map((u) => [u.username, u.disabled]));
      for (const u of seed) expect([u.username, state[u.username]]).toEqual([u.username, true]);
      expect(state['own.commander']).toBe(false);
      const [live] = await db.query<{ sessions: number; tokens: number }>(
        `SELECT (SELECT count(*)::int FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL) AS sessions,
                (SELECT count(*)::int FROM api_token WHERE user_id = $1 AND revoked_at IS NULL) AS tokens`,
        [commander!.id],
      );
      expect(live).toEqual({ sessions: 0, tokens: 0 });
      const rows = await db.query<{ object: string; detail: string }>(
        "SELECT object, detail FROM audit_event WHERE action = 'user.update' AND username = 'system' ORDER BY seq",
      );
      expect(rows.map((r) => r.object)).toEqual(seed.map((u) => `user ${u.username}`));
      expect(JSON.parse(rows[0]!.detail)).toMatchObject({
        changes: { disabled: true },
        reason: expect.stringContaining('IDENTITY_SEED=none'),
        sessionsEnded: 1,
        apiKeysRevoked: 1,
      });
      // A second production start finds nothing left to disable.
      await provisionDemoAccounts(db, { ...demo, IDENTITY_SEED: 'none' }, log);
      const [after] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.update' AND username = 'system'",
      );
      expect(after!.n).toBe(seed.length);
    } finally {
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});
