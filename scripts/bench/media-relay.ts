/**
 * The reference relay of the media benchmarks, run as its own process like the SFU worker: a plain Node `dgram`
 * socket that forwards every datagram it receives to `fanout` destinations (one by default). The parent sets the
 * destinations over IPC: `{ targets: number[], fanout: number }`; the relay answers `{ port }` once bound and
 * `{ sent }` (datagrams sent so far) to `{ query: true }`.
 */
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
let targets: number[] = [];
let fanout = 1;
let sent = 0;

socket.on('message', (msg) => {
  if (!targets.length) return;
  for (let i = 0; i < fanout; i++) socket.send(msg, targets[i % targets.length]!, '127.0.0.1');
  sent += fanout;
});
socket.bind(0, '127.0.0.1', () => {
  socket.setSendBufferSize(8 * 1024 * 1024);
  process.send?.({ port: socket.address().port });
});
process.on('message', (m: { targets: number[]; fanout: number } | { query: true }) => {
  if ('query' in m) {
    process.send?.({ sent });
    return;
  }
  targets = m.targets;
  fanout = m.fanout;
  process.send?.({ ok: true });
});
process.on('disconnect', () => process.exit(0));
