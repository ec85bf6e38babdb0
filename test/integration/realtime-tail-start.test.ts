import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { appendChanges, changeHead } from '../../gateway/changes/log';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { testDatabaseUrl } from '../support/env';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { WallClient } from '../support/realtime';

/**
 * A gateway that has just become ready answers sockets before its change tail follows the log (the tail first reads
 * the live layers' positions for tile announcements). A wall that subscribes in that window must still get every
 * change committed after its `since`: the replay is read only once the tail follows the log, so nothing falls
 * between the replay's head and the tail's starting point. (A gateway restarted under load showed exactly that gap.)
 */
let t: IdentityTestApp;
let server: Server;
let realtime: Realtime | null = null;
let blocker: Client;
let client: WallClient | null = null;

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = createServer(t.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  blocker = new Client({ connectionString: testDatabaseUrl() });
  await blocker.connect();
});
afterAll(async () => {
  client?.close();
  await blocker.end().catch(() => undefined);
  await realtime?.close();
  server.closeAllConnections();
  server.close();
  await t.close();
});

it('gives a wall that subscribed before the change tail started the changes committed in between', async () => {
  const w = await createAccount(t.db, { role: 'wall' });
  const cookie = await login(t.app, w.username, w.password);
  // Hold the tail's start: its first step reads the units' positions.
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE unit IN ACCESS EXCLUSIVE MODE');
  realtime = attachRealtime(server, t.deps);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const since = await changeHead(t.db);
  // One district only: other suites' bursts in other districts cannot push this replay over its limit.
  client = new WallClient(url, cookie, { layers: ['gauges'], areas: ['230103'] }, since);
  // The subscription reaches the gateway while the tail is still held.
  await new Promise((r) => setTimeout(r, 500));
  // Without the change-log lock: a suite running beside this one may hold it while it waits for the held table.
  const [change] = await t.db.transaction(async (tx) =>
    appendChanges(tx, [
      {
        topic: 'gauge',
        entity: '10800400',
        district: '230103',
        payload: {
          gauge: {
            stationId: '10800400',
            name: '哈尔滨',
            river: '松花江',
            lon: 126.6175,
            lat: 45.7862,
            waterLevelM: 117.2,
            rainfallMm: null,
            warningLevelM: 118.1,
            at: new Date().toISOString(),
            overWarning: false,
          },
        },
      },
    ]),
  );
  await blocker.query('ROLLBACK');

  await client.ready();
  const got = await client.waitFor((c) => c.seq === change!.seq, 5000);
  expect(got.gauge?.waterLevelM).toBe(117.2);
});
