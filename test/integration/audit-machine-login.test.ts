import mqtt from 'mqtt';
import pino from 'pino';
import request from 'supertest';
import { startMqttBridge, type MqttBridge } from '../../gateway/feeds/mqtt';
import { signedHeaders } from '../support/feeds';
import { freePort } from '../support/gateway-process';
import { createIdentityTestApp, type IdentityTestApp } from '../support/identity';

/** Machines that fail to authenticate leave an audit row: bad webhook signatures, unknown Open311 keys, MQTT logins. */
let t: IdentityTestApp;
let n = 0;
const address = () => `172.30.${Math.floor(++n / 250)}.${n % 250}`;

beforeAll(async () => {
  t = await createIdentityTestApp();
});
afterAll(() => t.close());

async function rows(object: string, ip: string | null) {
  // The row is written before the refusal is sent; a short wait covers the MQTT broker, which answers first.
  for (let i = 0; i < 50; i++) {
    const found = await t.db.query<{ outcome: string; username: string; detail: string }>(
      `SELECT outcome, username, detail FROM audit_event WHERE action = 'machine.login' AND object = $1
          AND ($2::text IS NULL OR source_ip = $2) ORDER BY seq`,
      [object, ip],
    );
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

it('audits a webhook with a bad signature once per burst, with the reason and how many repeats it stood for', async () => {
  const ip = address();
  const body = JSON.stringify({ hello: 'world' });
  const headers = { ...signedHeaders('110', body), 'x-feed-signature': `sha256=${'0'.repeat(64)}` };
  for (let i = 0; i < 3; i++) {
    const res = await request(t.app).post('/api/feeds/110').set(headers).set('X-Forwarded-For', ip).send(body);
    expect(res.status).toBe(401);
  }
  const found = await rows('webhook 110', ip);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ outcome: 'failed', username: 'webhook:110' });
  expect(JSON.parse(found[0]!.detail)).toMatchObject({ channel: 'webhook', reason: expect.stringMatching(/X-Feed-Signature/) });
});

it('audits an Open311 request with an unknown api_key, without storing the key', async () => {
  const ip = address();
  const res = await request(t.app)
    .post('/open311/v2/requests.json')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ service_code: 'SJ0102', lat: 45.75, long: 126.63, description: '测试', api_key: 'hbk_guessed-key-123' });
  expect(res.status).toBe(403);
  const found = await rows('open311 api_key', ip);
  expect(found).toHaveLength(1);
  expect(found[0]!.detail).not.toContain('hbk_guessed-key-123');
});

it('audits an MQTT connection with bad credentials to the embedded broker', async () => {
  const port = await freePort();
  const bridge: MqttBridge | null = await startMqttBridge(
    { ...t.deps.config, MQTT_URL: undefined, MQTT_PORT: port, HOST: '127.0.0.1' },
    t.deps.readiness,
    pino({ level: 'silent' }),
  );
  try {
    const refused = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'intruder.gauge', password: 'not-the-password', reconnectPeriod: 0 })
      .then(
        (c) => c.endAsync().then(() => 'connected'),
        (err: Error) => err.message,
      );
    expect(refused).toMatch(/Bad username or password|Not authorized/i);
    const found = await rows('mqtt intruder.gauge', null);
    expect(found).toHaveLength(1);
    expect(JSON.parse(found[0]!.detail)).toMatchObject({ channel: 'mqtt', reason: 'bad username or password' });
  } finally {
    await bridge?.close();
  }
});
