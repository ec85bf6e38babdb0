import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { MediaError } from '../../media/sfu/errors';
import { AppError } from '../../gateway/http/errors';
import { registerHandlers, type SocketHandlers } from '../../gateway/realtime/registry';
import type { InterServerEvents, RealtimeServer, SocketData } from '../../gateway/realtime/types';

type Event = 'layer:subscribe' | 'layer:unsubscribe' | 'media:leave' | 'conference:leave';
interface Ctx {
  calls: string[];
}

const calls: string[] = [];
/** Each handler's answer is typed by the event map: `{layer}` for the layer events, `{closed}` for media:leave. */
const handlers = {
  'layer:subscribe': async (_ctx, req) => {
    if (req.layer === 'forbidden') throw new AppError('forbidden', '无权限：不能订阅此图层');
    if (req.layer === 'crash') throw new Error('secret detail');
    if (req.layer === 'library') throw new TypeError('bad codec');
    return { layer: req.layer };
  },
  'layer:unsubscribe': async ({ calls: c }, req) => {
    c.push(`unsubscribe ${req.layer}`);
    return { layer: req.layer };
  },
  'media:leave': async () => {
    throw new MediaError('conflict', '尚未加入视频服务');
  },
  'conference:leave': async () => ({ left: true }),
} satisfies SocketHandlers<Ctx, Event>;

// The compiler refuses an answer that is not the event's acknowledgement data…
const wrongAnswer = {
  // @ts-expect-error media:leave answers {closed: number}
  'media:leave': async () => ({ closed: 'all' }),
} satisfies SocketHandlers<Ctx, 'media:leave'>;
// …an argument that is not the event's request…
const wrongArgument = {
  // @ts-expect-error layer:subscribe sends {layer: string}
  'layer:subscribe': async (_ctx, req: { id: number }) => ({ layer: String(req.id) }),
} satisfies SocketHandlers<Ctx, 'layer:subscribe'>;
// …and a table without one of its events.
// @ts-expect-error layer:unsubscribe has no handler
const missing = { 'layer:subscribe': handlers['layer:subscribe'] } satisfies SocketHandlers<
  Ctx,
  'layer:subscribe' | 'layer:unsubscribe'
>;
void [wrongAnswer, wrongArgument, missing];

let http: HttpServer;
let server: RealtimeServer;
let client: ClientSocket<ServerToClientEvents, ClientToServerEvents>;
const logged: string[] = [];

beforeAll(async () => {
  http = createServer();
  server = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(http);
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  server.on('connection', (socket) =>
    registerHandlers(socket, handlers, {
      context: () => ({ calls }),
      log,
      clientFault: (err) => (err instanceof TypeError ? new AppError('bad_request', `参数无效：${err.message}`) : null),
    }),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => client.on('connect', resolve));
});

afterAll(async () => {
  client.disconnect();
  await new Promise<void>((resolve) => void server.close(() => resolve()));
});

const ask = <T>(send: (ack: (r: Ack<T>) => void) => void) => new Promise<Ack<T>>((resolve) => send(resolve));

describe('the socket handler registry', () => {
  it("acknowledges a handler's answer as {ok: true, data}", async () => {
    const r = await ask<{ layer: string }>((ack) => client.emit('layer:subscribe', { layer: 'incidents' }, ack));
    expect(r).toEqual({ ok: true, data: { layer: 'incidents' } });
  });

  it('acknowledges a refusal with its code and message (AppError and MediaError alike)', async () => {
    const r1 = await ask<{ layer: string }>((ack) => client.emit('layer:subscribe', { layer: 'forbidden' }, ack));
    expect(r1).toEqual({ ok: false, error: { code: 'forbidden', message: '无权限：不能订阅此图层' } });
    const r2 = await ask<{ closed: number }>((ack) => client.emit('media:leave', ack));
    expect(r2).toEqual({ ok: false, error: { code: 'conflict', message: '尚未加入视频服务' } });
  });

  it('answers an unexpected failure "internal" without its details, and logs it', async () => {
    const r = await ask<{ layer: string }>((ack) => client.emit('layer:subscribe', { layer: 'crash' }, ack));
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(logged.some((line) => line.includes('secret detail'))).toBe(true);
  });

  it("turns what the registration calls the client's fault into a refusal", async () => {
    const r = await ask<{ layer: string }>((ack) => client.emit('layer:subscribe', { layer: 'library' }, ack));
    expect(r).toEqual({ ok: false, error: { code: 'bad_request', message: '参数无效：bad codec' } });
  });

  it('runs a handler sent without an acknowledgement, with the arguments as sent', async () => {
    (client.emit as (event: string, ...args: unknown[]) => void)('layer:unsubscribe', { layer: 'units' });
    const r = await ask<{ left: boolean }>((ack) => client.emit('conference:leave', {}, ack));
    expect(r).toEqual({ ok: true, data: { left: true } });
    expect(calls).toEqual(['unsubscribe units']);
  });
});
