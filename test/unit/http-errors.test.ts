import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { AppError, errorHandler, notFoundHandler, parseInput, STATUS } from '../../gateway/http/errors';

function appWith(handler: express.RequestHandler) {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.all('/x/:p', handler);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

describe('error handling', () => {
  it('maps every AppError code to its status with the message and a request id field', async () => {
    for (const [code, status] of Object.entries(STATUS)) {
      const app = appWith(() => {
        throw new AppError(code as keyof typeof STATUS, `because ${code}`);
      });
      const res = await request(app).get('/x/1');
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({ code, message: `because ${code}` });
    }
  });

  it('answers a path parameter with broken percent-encoding with 400', async () => {
    const res = await request(appWith((_req, res) => res.json({}))).get('/x/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('answers malformed and oversized JSON bodies with 400 and 413', async () => {
    const app = appWith((_req, res) => res.json({}));
    const bad = await request(app).post('/x/1').set('content-type', 'application/json').send('{"a": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('请求内容不是有效的 JSON');
    const big = await request(app)
      .post('/x/1')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
  });

  it('hides the text of unexpected errors', async () => {
    const res = await request(
      appWith(() => {
        throw new Error('secret connection string postgres://u:p@h/db');
      }),
    ).get('/x/1');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('lists every schema problem in the 400 from parseInput', () => {
    const schema = z.object({ a: z.number(), b: z.string() });
    expect(() => parseInput(schema, { a: 'x' })).toThrow(/a: .*; b: /);
  });

  it('answers unknown endpoints with 404 naming the path', async () => {
    const res = await request(appWith((_req, res) => res.json({}))).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('没有这个接口：GET /nope；请核对请求方法和路径');
  });
});
