/**
 * The ingest benchmark's client fleet, run as its own process (forked by ClientFleet in ingest-load.ts) so the
 * clients share an event loop neither with the gateway nor with the sender.
 *
 * 200 clients × 1,000 changes/s is 200,000 WebSocket messages a second, on the same few cores as the gateway. To
 * leave those cores to the server under test, each client is a lean RFC 6455 client on a bare TCP socket (HTTP
 * upgrade, frame parsing, masked client frames, pong) rather than socket.io-client or the `ws` client, and it does
 * not decode changes into objects: it finds each `"sourceId":"…"` in the frame and times the first arrival of each
 * tracked record at each client on the monotonic clock that every process on the host shares.
 *
 * `socketio` clients speak Socket.IO v5 over Engine.IO v4 on the WebSocket transport, as socket.io-client does:
 * open packet → namespace connect (with the session cookie of the upgrade request) → `changes:subscribe` with an
 * acknowledgement, and a pong for every ping; the gateway's work is the same as for any Socket.IO client.
 * `raw` clients are plain WebSocket clients of the raw reference server (scripts/bench/raw-ws-broadcast.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { FleetMode, FleetProgress, FleetReply, FleetRequest, FleetResult } from './ingest-load';
import { nowMs } from './stats';

const SOURCE_ID = Buffer.from('"sourceId":"');
const CHANGE_PREFIX = Buffer.from('42["changes",');
const HEADERS_END = Buffer.from('\r\n\r\n');
const QUOTE = 0x22;
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const SUBSCRIBE = '420' + JSON.stringify(['changes:subscribe', { layers: ['incidents'], areas: [], since: null }]);

let sockets: Socket[] = [];
let clientCount = 0;
let index = new Map<string, number>();
let count = new Uint16Array(0);
let firstMs = new Float64Array(0);
let lastMs = new Float64Array(0);
let seen = new Uint8Array(0);
let capture: Map<number, string> | null = null;
let trackedIds: readonly string[] = [];
const totals: FleetProgress = { deliveries: 0, frames: 0, bytes: 0, closed: 0 };

/** Times every tracked record named in a message, once per client. */
function onChange(client: number, buf: Buffer, t: number): void {
  // The frame is decoded at most once, and only when it carries a record seen here for the first time.
  let changesOfFrame: Map<string, string> | null = null;
  let pos = buf.indexOf(SOURCE_ID);
  while (pos >= 0) {
    const start = pos + SOURCE_ID.length;
    const end = buf.indexOf(QUOTE, start);
    if (end < 0) return;
    const k = index.get(buf.toString('latin1', start, end));
    if (k !== undefined && !seen[k * clientCount + client]) {
      seen[k * clientCount + client] = 1;
      if (count[k] === 0) {
        firstMs[k] = t;
        if (capture && !capture.has(k)) {
          changesOfFrame ??= decodeFrame(buf);
          const json = changesOfFrame.get(trackedIds[k]!);
          if (json) capture.set(k, json);
        }
      }
      count[k]!++;
      lastMs[k] = t;
      totals.deliveries++;
    }
    pos = buf.indexOf(SOURCE_ID, end);
  }
}

/**
 * Each record's change in a frame — a Socket.IO batch (`42["changes",[…]]`) or a raw frame's single change
 * (`["change",{…}]`) — as JSON, by the record's source id, for the broadcast-only replay.
 */
function decodeFrame(buf: Buffer): Map<string, string> {
  const socketIo = buf.subarray(0, CHANGE_PREFIX.length).equals(CHANGE_PREFIX);
  const parsed = JSON.parse(buf.toString('utf8', socketIo ? 2 : 0)) as unknown[];
  const changes = (socketIo ? parsed[1] : [parsed[1]]) as { incident?: { records?: { sourceId: string }[] } }[];
  const out = new Map<string, string>();
  for (const change of changes) {
    const json = JSON.stringify(change);
    for (const r of change.incident?.records ?? []) if (!out.has(r.sourceId)) out.set(r.sourceId, json);
  }
  return out;
}

/** A client→server text frame: FIN, opcode 1, masked as RFC 6455 requires of clients. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const len = payload.length;
  const header = len < 126 ? Buffer.alloc(6) : Buffer.alloc(8);
  header[0] = 0x81;
  if (len < 126) header[1] = 0x80 | len;
  else {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  }
  const mask = randomBytes(4);
  mask.copy(header, header.length - 4);
  for (let i = 0; i < len; i++) payload[i]! ^= mask[i & 3]!;
  return Buffer.concat([header, payload]);
}

/** A pong or close frame (masked, control opcodes). */
function controlFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length]), mask, body]);
}

/** Header length and total length of the frame at `p`, or null when its header is not all there yet. */
function frameSize(buf: Buffer, p: number): { header: number; total: number } | null {
  if (buf.length - p < 2) return null;
  const b1 = buf[p + 1]!;
  if (b1 & 0x80) throw new Error('the server sent a masked frame');
  const len = b1 & 0x7f;
  if (len < 126) return { header: 2, total: 2 + len };
  if (len === 126) return buf.length - p < 4 ? null : { header: 4, total: 4 + buf.readUInt16BE(p + 2) };
  if (buf.length - p < 10) return null;
  return { header: 10, total: 10 + buf.readUInt32BE(p + 2) * 2 ** 32 + buf.readUInt32BE(p + 6) };
}

/**
 * Incremental parser of server→client frames (unmasked); calls `onMessage` with each complete message. Frames are
 * read in place from each chunk; only a frame split across chunks is copied.
 */
function frameParser(onMessage: (payload: Buffer, t: number) => void, onControl: (opcode: number, payload: Buffer) => void) {
  let pending: Buffer | null = null;
  let fragments: Buffer[] = [];
  const frame = (buf: Buffer, p: number, size: { header: number; total: number }, t: number) => {
    const b0 = buf[p]!;
    const payload = buf.subarray(p + size.header, p + size.total);
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode >= 0x8) onControl(opcode, payload);
    else if (fin && !fragments.length) onMessage(payload, t);
    else {
      fragments.push(Buffer.from(payload));
      if (fin) {
        const whole = Buffer.concat(fragments);
        fragments = [];
        onMessage(whole, t);
      }
    }
  };
  // A frame split across chunks is collected as a list of chunks and joined once, when its last byte has arrived.
  let parts: Buffer[] = [];
  let partsLength = 0;
  let needed = 0;
  return (chunk: Buffer, t: number) => {
    let p = 0;
    if (pending) {
      parts.push(chunk);
      partsLength += chunk.length;
      if (!needed) {
        // The header (at most 10 bytes) is known as soon as the first new chunk is in.
        const size = frameSize(Buffer.concat([pending, ...parts]), 0);
        if (!size) return;
        needed = size.total;
      }
      if (pending.length + partsLength < needed) return;
      const head = Buffer.concat([pending, ...parts]);
      const size = frameSize(head, 0)!;
      pending = null;
      parts = [];
      partsLength = 0;
      needed = 0;
      frame(head, 0, size, t);
      // The rest of the joined bytes start the next frames.
      chunk = head.subarray(size.total);
      p = 0;
    }
    for (;;) {
      const size = frameSize(chunk, p);
      if (!size || chunk.length - p < size.total) break;
      frame(chunk, p, size, t);
      p += size.total;
    }
    if (p < chunk.length) pending = Buffer.from(chunk.subarray(p));
  };
}

function connectOne(mode: FleetMode, url: string, cookie: string | undefined, client: number): Promise<Socket> {
  const u = new URL(url);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(u.port), u.hostname);
    socket.setNoDelay(true);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const ok = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(socket);
    };
    const timer = setTimeout(() => fail(new Error(`client ${client} did not subscribe within 30 s`)), 30_000);
    const send = (text: string) => socket.write(textFrame(text));

    const onMessage = (msg: Buffer, t: number) => {
      totals.frames++;
      totals.bytes += msg.length;
      if (mode === 'raw') return onChange(client, msg, t);
      const a = msg[0];
      const b = msg[1];
      if (a === 0x34 && b === 0x32) return onChange(client, msg, t); // 42: an event
      if (a === 0x32 && msg.length === 1) return send('3'); // Engine.IO ping → pong
      if (a === 0x30) return send('40'); // Engine.IO open → connect to the main namespace
      if (a === 0x34 && b === 0x30) return send(SUBSCRIBE); // connected → subscribe (acknowledgement id 0)
      if (a === 0x34 && b === 0x33) {
        const text = msg.toString('utf8', 0, Math.min(msg.length, 300));
        return text.startsWith('430[{"ok":true') ? ok() : fail(new Error(`changes:subscribe refused: ${text}`));
      }
      if (a === 0x34 && b === 0x34) return fail(new Error(`connection refused: ${msg.toString('utf8', 0, 300)}`));
    };
    const frames = frameParser(onMessage, (opcode, payload) => {
      if (opcode === 0x9) socket.write(controlFrame(0xa, payload));
      else if (opcode === 0x8) socket.end();
    });

    let head: Buffer | null = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const t = nowMs();
      if (head === null) return frames(chunk, t);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADERS_END);
      if (end < 0) return;
      const text = head.toString('latin1', 0, end);
      const rest = head.subarray(end + HEADERS_END.length);
      head = null;
      if (!/^HTTP\/1\.1 101 /.test(text) || !text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`))
        return fail(new Error(`client ${client}: the upgrade was refused: ${text.split('\r\n')[0]}`));
      if (mode === 'raw') ok();
      if (rest.length) frames(rest, t);
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      if (settled) totals.closed++;
      fail(new Error(`client ${client} closed before it subscribed`));
    });
    socket.on('connect', () => {
      socket.write(
        [
          `GET ${u.pathname}${u.search} HTTP/1.1`,
          `Host: ${u.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          ...(cookie ? [`Cookie: ${cookie}`] : []),
          '',
          '',
        ].join('\r\n'),
      );
    });
  });
}

async function connect(req: Extract<FleetRequest, { type: 'connect' }>): Promise<void> {
  clientCount = req.clients;
  const batch = 20;
  for (let i = 0; i < req.clients; i += batch) {
    const ids = Array.from({ length: Math.min(batch, req.clients - i) }, (_, j) => i + j);
    const opened = await Promise.all(
      ids.map((c) => connectOne(req.mode, req.url, req.cookies.length ? req.cookies[c % req.cookies.length] : undefined, c)),
    );
    sockets.push(...opened);
  }
}

function track(req: Extract<FleetRequest, { type: 'track' }>): void {
  index = new Map(req.sourceIds.map((id, k) => [id, k]));
  trackedIds = req.sourceIds;
  const n = req.sourceIds.length;
  count = new Uint16Array(n);
  firstMs = new Float64Array(n);
  lastMs = new Float64Array(n);
  seen = new Uint8Array(n * clientCount);
  capture = req.capture ? new Map() : null;
  totals.deliveries = 0;
  totals.frames = 0;
  totals.bytes = 0;
}

async function handle(req: FleetRequest): Promise<unknown> {
  switch (req.type) {
    case 'connect':
      return connect(req);
    case 'track':
      return track(req);
    case 'progress':
      return { ...totals };
    case 'collect': {
      const ids = [...index.keys()];
      const captured = capture ? [...capture.entries()].map(([k, json]): [string, string] => [ids[k]!, json]) : [];
      return { ...totals, count, firstMs, lastMs, captured } satisfies FleetResult;
    }
    case 'close':
      for (const s of sockets) s.destroy();
      sockets = [];
      setTimeout(() => process.exit(0), 50);
      return undefined;
  }
}

process.on('message', (req: FleetRequest) => {
  handle(req).then(
    (data) => process.send?.({ id: req.id, ok: true, data } satisfies FleetReply),
    (err: unknown) =>
      process.send?.({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies FleetReply),
  );
});
process.on('disconnect', () => process.exit(0));
