/**
 * The reference for the gateway's delivery cost: the least a Node process can do to receive an event over HTTP and
 * broadcast it to WebSocket clients with the `ws` library. `POST /event` with a change's JSON: parsed, serialised
 * once as `["change", <change>]` (the gateway also serialises each change once per broadcast), sent to every
 * connected client, then answered. No authentication, no rooms, no database.
 *
 *   PORT=9000 npx tsx scripts/bench/raw-ws-broadcast.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/event') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let frame: Buffer;
    try {
      frame = Buffer.from(JSON.stringify(['change', JSON.parse(Buffer.concat(chunks).toString('utf8'))]));
    } catch {
      res.writeHead(400).end();
      return;
    }
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: false });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`raw ws broadcast is ready on port ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
