import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { z } from 'zod';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { ApiError, call, isNetworkError, sessionSignals } from '../../web/src/api/http';
import { ask, type RealtimeSocket } from '../../web/src/api/socket';

/** The browser's HTTP client and socket requests against a real HTTP and Socket.IO server. */
let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let base: string;
let socket: RealtimeSocket;
const received: { method: string; type: string | undefined; body: string }[] = [];

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  received.push({ method: req.method ?? '', type: req.headers['content-type'], body });
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  if (req.url === '/ok') return json(200, { n: 1 }, { 'x-session-idle-expires': '2026-12-07T12:00:00.000Z' });
  if (req.url === '/refused') return json(403, { error: { code: 'forbidden', message: '无权限：只有指挥员可以调度' } });
  if (req.url === '/api/protected') return json(401, { error: { code: 'unauthenticated', message: '会话已过期，请重新登录' } });
  if (req.url === '/bare') {
    res.writeHead(502);
    return void res.end('bad gateway');
  }
  if (req.url === '/none') {
    res.writeHead(204);
    return void res.end();
  }
  return json(200, { n: 'one' });
}

beforeAll(async () => {
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, res, Buffer.concat(chunks).toString()));
  });
  io = new Server(http);
  io.on('connection', (s) => {
    s.on('layer:subscribe', (req, ack) =>
      req.layer === 'secret'
        ? ack({ ok: false, error: { code: 'forbidden', message: '无权限：不能订阅此图层' } })
        : ack({ ok: true, data: { layer: req.layer } }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  socket = connect(base, { transports: ['websocket'] });
  await new Promise<void>((resolve) => socket.on('connect', resolve));
});

afterAll(async () => {
  socket.disconnect();
  await new Promise<void>((resolve) => void io.close(() => resolve()));
});

const n = z.object({ n: z.number() });

describe('call: the one HTTP client of the browser', () => {
  it('sends JSON and returns the parsed answer; the idle deadline goes to the session', async () => {
    const idle: string[] = [];
    sessionSignals.idle = (at) => idle.push(at);
    await expect(call('POST', `${base}/ok`, n, { a: 1 })).resolves.toEqual({ n: 1 });
    expect(received.at(-1)).toEqual({ method: 'POST', type: 'application/json', body: '{"a":1}' });
    expect(idle).toEqual(['2026-12-07T12:00:00.000Z']);
    sessionSignals.idle = null;
  });

  it('sends a Blob as it is, with its type', async () => {
    await call('POST', `${base}/ok`, n, new Blob(['JPEGDATA'], { type: 'image/jpeg' }));
    expect(received.at(-1)).toEqual({ method: 'POST', type: 'image/jpeg', body: 'JPEGDATA' });
  });

  it("throws one ApiError with the server's code and message", async () => {
    const err = await call('GET', `${base}/refused`, n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden', message: '无权限：只有指挥员可以调度' });
  });

  it('says in Chinese what went wrong when the answer has no error body or does not match its schema', async () => {
    await expect(call('GET', `${base}/bare`, n)).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: `${base}/bare 返回 HTTP 502`,
    });
    await expect(call('GET', `${base}/mismatch`, n)).rejects.toMatchObject({ status: 200, code: 'bad_response' });
    await expect(call('GET', `${base}/mismatch`, n)).rejects.toThrow(/的响应格式不符/);
  });

  it('tells the session a signed-in call was refused as unauthenticated', async () => {
    const ended: string[] = [];
    sessionSignals.unauthenticated = (message) => ended.push(message);
    await expect(call('GET', `${base}/api/protected`, n)).rejects.toMatchObject({ status: 401 });
    expect(ended).toEqual(['会话已过期，请重新登录']);
    sessionSignals.unauthenticated = null;
  });

  it('answers 204 with undefined', async () => {
    await expect(call('DELETE', `${base}/none`, z.undefined())).resolves.toBeUndefined();
  });

  it('turns a gateway that cannot be reached into a network ApiError', async () => {
    const err = await call('GET', 'http://127.0.0.1:9/unreachable', n).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'network', message: '无法连接服务器，请检查网络后重试' });
    expect(isNetworkError(err)).toBe(true);
  });
});

describe('ask: socket requests typed by the event map', () => {
  it('resolves with the acknowledged data', async () => {
    const answer: { layer: string } = await ask(socket, 'layer:subscribe', { layer: 'incidents' });
    expect(answer).toEqual({ layer: 'incidents' });
  });

  it("rejects with an ApiError carrying the server's code and message (not a network error)", async () => {
    const err = await ask(socket, 'layer:subscribe', { layer: 'secret' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'forbidden', message: '无权限：不能订阅此图层' });
    expect(isNetworkError(err)).toBe(false);
  });

  it('has its arguments checked by the compiler', () => {
    const typeOnly = () => {
      // @ts-expect-error layer:subscribe sends {layer}
      void ask(socket, 'layer:subscribe', { id: 1 });
      // @ts-expect-error no such event
      void ask(socket, 'layer:delete', {});
    };
    expect(typeof typeOnly).toBe('function');
  });
});
