import pino from 'pino';
import request from 'supertest';
import type { ChannelKeyResponse } from '../../contracts/cases';
import { createApp } from '../../gateway/app';
import { createIdentity } from '../../gateway/auth/identity';
import { loadConfig } from '../../gateway/config';
import type { AppDeps } from '../../gateway/deps';
import { createAccount, createIdentityTestApp, freshIp, login, type IdentityTestApp } from '../support/identity';

/**
 * Cross-site request forgery: a state change carrying the session cookie must come from the gateway's own pages
 * (or an allow-listed origin) and send JSON. Requests here are made as the browser would make them, then altered
 * the way a hostile page or a careless script would.
 */
let t: IdentityTestApp;
let cookie: string;
const DEV_ORIGIN = 'http://localhost:5173';

beforeAll(async () => {
  t = await createIdentityTestApp();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', ALLOWED_ORIGINS: DEV_ORIGIN });
  const deps: AppDeps = {
    ...t.deps,
    config,
    identity: createIdentity({ config, log: pino({ level: 'silent' }), readiness: t.deps.readiness, now: t.clock.now }),
  };
  t = { ...t, deps, identity: deps.identity!, app: createApp(deps) };
});
afterAll(() => t.close());

beforeEach(async () => {
  const user = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  cookie = await login(t.app, user.username, user.password);
});

const stillSignedIn = async () => (await request(t.app).get('/api/auth/me').set('Cookie', cookie)).status;
const errorOf = (res: { body: unknown }) => (res.body as { error: { code: string; message: string } }).error;

describe('origin of state changes with a session cookie', () => {
  it('refuses a cross-site POST with a valid cookie (403, in Chinese) and changes nothing', async () => {
    const res = await request(t.app).post('/api/auth/logout').set('Cookie', cookie).set('Origin', 'http://evil.example');
    expect(res.status).toBe(403);
    expect(errorOf(res)).toMatchObject({
      code: 'forbidden',
      message: '拒绝跨站请求：来源 http://evil.example 不是本系统的地址，也不在允许列表中',
    });
    expect(await stillSignedIn()).toBe(200);
  });

  it('refuses the opaque origin of a sandboxed page and a look-alike host', async () => {
    for (const origin of ['null', 'http://127.0.0.1.evil.example', 'file://']) {
      const res = await request(t.app).post('/api/auth/renew').set('Cookie', cookie).set('Origin', origin);
      expect([origin, res.status]).toEqual([origin, 403]);
    }
  });

  it('holds a Referer to the same rule when there is no Origin', async () => {
    const cross = await request(t.app)
      .post('/api/auth/logout')
      .set('Cookie', cookie)
      .unset('Origin')
      .set('Referer', 'http://evil.example/page.html');
    expect(cross.status).toBe(403);
    const own = await request(t.app)
      .post('/api/auth/renew')
      .set('Cookie', cookie)
      .unset('Origin')
      .set('Referer', `${DEV_ORIGIN}/cases`);
    expect(own.status).toBe(200);
  });

  it('refuses a cookie-borne change with neither Origin nor Referer unless Sec-Fetch-Site says same-origin', async () => {
    const bare = await request(t.app).post('/api/auth/logout').set('Cookie', cookie).unset('Origin').unset('Sec-Fetch-Site');
    expect(bare.status).toBe(403);
    expect(errorOf(bare).message).toMatch(/缺少 Origin 或 Referer/);
    const crossSite = await request(t.app)
      .post('/api/auth/logout')
      .set('Cookie', cookie)
      .unset('Origin')
      .set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    expect(await stillSignedIn()).toBe(200);
    const sameOrigin = await request(t.app)
      .post('/api/auth/renew')
      .set('Cookie', cookie)
      .unset('Origin')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(sameOrigin.status).toBe(200);
  });

  it('accepts same-origin JSON and an allow-listed origin', async () => {
    const own = await request(t.app).post('/api/auth/renew').set('Cookie', cookie).send({});
    expect(own.status).toBe(200);
    const dev = await request(t.app).post('/api/auth/renew').set('Cookie', cookie).set('Origin', DEV_ORIGIN).send({});
    expect(dev.status).toBe(200);
  });

  it('refuses a login posted from a foreign page, and lets a script without Origin log in', async () => {
    const user = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
    const forged = await request(t.app)
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .set('Origin', 'http://evil.example')
      .send({ username: user.username, password: user.password });
    expect(forged.status).toBe(403);
    const script = await request(t.app)
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .unset('Origin')
      .unset('Sec-Fetch-Site')
      .send({ username: user.username, password: user.password });
    expect(script.status).toBe(200);
  });
});

describe('body types of state changes', () => {
  it('refuses a text/plain body (415, in Chinese) even from the own origin, and changes nothing', async () => {
    const res = await request(t.app).post('/api/auth/logout').set('Cookie', cookie).set('Content-Type', 'text/plain').send('{}');
    expect(res.status).toBe(415);
    expect(errorOf(res)).toMatchObject({
      code: 'unsupported_media_type',
      message: '不支持的请求内容类型 text/plain：请以 application/json 发送',
    });
    expect(await stillSignedIn()).toBe(200);
  });

  it('refuses form and multipart bodies outside the photo upload', async () => {
    const form = await request(t.app).post('/api/mode').set('Cookie', cookie).type('form').send('mode=emergency');
    expect(form.status).toBe(415);
    const multipart = await request(t.app).post('/api/auth/tokens').set('Cookie', cookie).field('name', 'x');
    expect(multipart.status).toBe(415);
  });

  it('takes an image body on the photo upload route (then judged by the route) and a body-less POST anywhere', async () => {
    const photo = await request(t.app)
      .post('/api/cases/photos?stage=report')
      .set('Cookie', cookie)
      .set('Content-Type', 'image/jpeg')
      .send(Buffer.from('not really a jpeg'));
    expect(photo.status).not.toBe(415);
    expect(photo.status).toBeLessThan(500);
    const empty = await request(t.app).post('/api/auth/renew').set('Cookie', cookie);
    expect(empty.status).toBe(200);
  });
});

describe('machine endpoints, authenticated by their own secret', () => {
  it('takes an Open311 GeoReport form without Origin or cookie', async () => {
    const admin = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
    const adminCookie = await login(t.app, admin.username, admin.password);
    const channel = await request(t.app)
      .post('/api/cases/channels')
      .set('Cookie', adminCookie)
      .send({ channel: 'hotline_12319', name: '12319 城管热线（跨站测试）' });
    expect(channel.status).toBe(201);
    const res = await request(t.app)
      .post('/open311/v2/requests.json')
      .unset('Origin')
      .unset('Sec-Fetch-Site')
      .type('form')
      .send(
        `api_key=${(channel.body as ChannelKeyResponse).apiKey}&service_code=SJ0102&lat=45.7578&long=126.6422&description=${encodeURIComponent('路边垃圾堆积')}`,
      );
    expect(res.status).toBe(201);
  });
});
