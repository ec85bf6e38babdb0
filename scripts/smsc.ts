/**
 * A small SMSC (short message service centre) for development and tests: an SMPP 3.4 server made with the `smpp`
 * package. It accepts transceiver binds with one system id and password, answers each submit_sm with a message id,
 * appends the message as a JSON line to `--record` (or standard output), and after `--receipt-ms` sends a delivery
 * receipt (deliver_sm, stat:DELIVRD, or UNDELIV for destinations starting with `--undeliverable`) to a bound session.
 * Receipts for a session that has gone wait for the next bind, as an SMSC's do. `--throttle N` (with `--throttle-to PREFIX`: to those numbers) answers the first N
 * submissions with ESME_RTHROTTLED, as a busy SMSC does. `--rate N` accepts at most N submissions a second (an SMSC's
 * licensed rate), answering each in turn.
 *
 *   npx tsx scripts/smsc.ts --port 2775 --system-id harbin --password secret [--record smsc.jsonl]
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as smpp from 'smpp';
import type { Pdu, Session } from 'smpp';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '2775' },
    host: { type: 'string', default: '127.0.0.1' },
    'system-id': { type: 'string', default: 'harbin' },
    password: { type: 'string', default: 'harbin-sms' },
    record: { type: 'string' },
    'receipt-ms': { type: 'string', default: '20' },
    undeliverable: { type: 'string', default: '1999' },
    throttle: { type: 'string', default: '0' },
    'throttle-to': { type: 'string', default: '' },
    rate: { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write('usage: tsx scripts/smsc.ts [--port 2775] [--system-id harbin] [--password …] [--record file.jsonl]\n');
  process.exit(0);
}

const receiptMs = Number(opts['receipt-ms']);
const bound = new Set<Session>();
interface Receipt {
  messageId: string;
  destination: string;
  source: string;
  stat: string;
}
const waiting: Receipt[] = [];
let counter = 0;
let throttle = Number(opts.throttle);
const rate = Number(opts.rate);
/** When the next submission may be accepted under `--rate` (ms since the epoch). */
let nextSlot = 0;
/** Runs `accept` at once, or in its turn under `--rate`. */
function inTurn(accept: () => void): void {
  if (!(rate > 0)) return accept();
  const now = Date.now();
  nextSlot = Math.max(now, nextSlot + 1000 / rate);
  setTimeout(accept, nextSlot - now);
}

function record(line: object): void {
  const text = `${JSON.stringify(line)}\n`;
  if (opts.record) appendFileSync(opts.record, text);
  else process.stdout.write(text);
}

const stamp = (d: Date) =>
  `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}` +
  `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}`;

/** Receipts sent to a session and not yet answered with deliver_sm_resp: sent again elsewhere if it goes. */
const unanswered = new Map<Session, Set<Receipt>>();

function sendReceipt(r: Receipt, preferred: Session | null): void {
  const session = preferred && bound.has(preferred) ? preferred : ([...bound][0] ?? null);
  if (!session) {
    waiting.push(r);
    return;
  }
  const now = stamp(new Date());
  const text = `id:${r.messageId} sub:001 dlvrd:${r.stat === 'DELIVRD' ? '001' : '000'} submit date:${now} done date:${now} stat:${r.stat} err:000 text:`;
  const open = unanswered.get(session) ?? new Set<Receipt>();
  unanswered.set(session, open);
  open.add(r);
  session.deliver_sm(
    {
      source_addr: r.destination,
      destination_addr: r.source,
      esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
      short_message: text,
      receipted_message_id: r.messageId,
      message_state: r.stat === 'DELIVRD' ? 2 : 5,
    },
    (resp) => {
      open.delete(r);
      // Not taken (the ESME could not record it yet): offered again a second later.
      if (resp.command_status !== smpp.ESME_ROK) setTimeout(() => sendReceipt(r, null), 1000);
    },
  );
}

const messageText = (pdu: Pdu): string => {
  const payload = pdu.message_payload as { message?: string } | undefined;
  const short = pdu.short_message as { message?: string } | undefined;
  return payload?.message ?? short?.message ?? '';
};

const server = smpp.createServer((session) => {
  session.on('error', () => undefined);
  session.on('bind_transceiver', (pdu: Pdu) => {
    if (pdu.system_id !== opts['system-id'] || pdu.password !== opts.password) {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      session.close();
      return;
    }
    session.send(pdu.response({ system_id: 'harbin-smsc' }));
    bound.add(session);
    for (const r of waiting.splice(0)) sendReceipt(r, session);
  });
  session.on('submit_sm', (pdu: Pdu) => {
    if (!bound.has(session)) {
      session.send(pdu.response({ command_status: 0x04 /* ESME_RINVBNDSTS */ }));
      return;
    }
    // Only submissions to numbers starting with --throttle-to count, when it is given.
    if (throttle > 0 && String(pdu.destination_addr).startsWith(opts['throttle-to'])) {
      throttle--;
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    inTurn(() => {
      // A session that went while the submission waited its turn: never accepted, so never recorded.
      if (!bound.has(session)) return;
      const messageId = `${process.pid.toString(36)}${(++counter).toString(36).padStart(6, '0')}`;
      const destination = String(pdu.destination_addr);
      const source = String(pdu.source_addr);
      record({
        messageId,
        source,
        destination,
        text: messageText(pdu),
        dataCoding: pdu.data_coding,
        at: new Date().toISOString(),
      });
      session.send(pdu.response({ message_id: messageId }));
      if (Number(pdu.registered_delivery) & 1) {
        const r = { messageId, destination, source, stat: destination.startsWith(opts.undeliverable) ? 'UNDELIV' : 'DELIVRD' };
        setTimeout(() => sendReceipt(r, session), receiptMs);
      }
    });
  });
  session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu: Pdu) => {
    bound.delete(session);
    session.send(pdu.response());
    session.close();
  });
  session.on('close', () => {
    bound.delete(session);
    const open = [...(unanswered.get(session) ?? [])];
    unanswered.delete(session);
    for (const r of open) sendReceipt(r, null);
  });
});

server.listen(Number(opts.port), opts.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(opts.port);
  process.stderr.write(`smsc listening on ${opts.host}:${port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
