import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../gateway/app';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp, type TestAccount } from '../support/identity';

let t: IdentityTestApp;
let user: TestAccount;
let app: Express;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  user = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  app = createApp({ ...t.deps, log });
});
afterAll(() => t.close());

const lineFor = (requestId: string) => lines.find((l) => (l.req as { id?: unknown } | undefined)?.id === requestId);

describe('request log', () => {
  it('writes one info line per request: method, URL, status, time, request id and user, without headers', async () => {
    const cookie = await login(app, user.username, user.password);
    const res = await request(app)
      .get('/api/auth/me?view=short')
      .set('Cookie', cookie)
      .set('User-Agent', 'request-log-test')
      .expect(200);
    const id = String(res.headers['x-request-id']);
    const line = lineFor(id);
    expect(line).toBeDefined();
    expect(line).toMatchObject({
      level: 30,
      req: { id, method: 'GET', url: '/api/auth/me?view=short' },
      res: { statusCode: 200 },
      user: user.username,
      msg: 'GET /api/auth/me?view=short 200',
    });
    expect(Object.keys(line!.req as object).sort()).toEqual(['id', 'method', 'url']);
    expect(Object.keys(line!.res as object)).toEqual(['statusCode']);
    expect(typeof line!.responseTime).toBe('number');
    const text = JSON.stringify(line);
    expect(text).not.toContain('headers');
    expect(text).not.toContain('request-log-test');
    expect(text).not.toContain(cookie.split('=')[1]!);
  });

  it('names no user for an anonymous request', async () => {
    const res = await request(app).get('/api/auth/password-policy').expect(200);
    const line = lineFor(String(res.headers['x-request-id']));
    expect(line).toMatchObject({ level: 30, req: { method: 'GET', url: '/api/auth/password-policy' }, res: { statusCode: 200 } });
    expect(line).not.toHaveProperty('user');
    expect(JSON.stringify(line)).not.toContain('headers');
  });
});
