import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { PRETTY_OPTIONS } from '../../gateway/log';
import { ROOT } from '../support/env';

/** A terminal colour escape (ESC [ … m). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** What the terminal shows for one entry, without colours. */
function pretty(write: (log: pino.Logger) => void): string {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const log = pino({ level: 'info' }, pinoPretty({ ...PRETTY_OPTIONS, colorize: false, sync: true, destination }));
  write(log);
  return out;
}

describe('log lines for people', () => {
  it('prints a request as one short line: method, URL, status, time, user and request id', () => {
    const out = pretty((log) =>
      log.info(
        { req: { id: 'r-1', method: 'GET', url: '/api/cases' }, res: { statusCode: 200 }, responseTime: 12, user: 'zhangwei' },
        'GET /api/cases 200',
      ),
    );
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/api\/cases 200 · 12 ms · zhangwei · r-1\n$/);
  });

  it('keeps other fields on the same line', () => {
    const out = pretty((log) => log.info({ port: 3000 }, 'listening'));
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: listening \{"port":3000\}\n$/);
  });

  const probe = ['node_modules/.bin/tsx', 'test/support/log-probe.ts'];

  it('writes JSON lines when standard output is not a terminal', () => {
    const out = execFileSync(probe[0]!, probe.slice(1), { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toMatchObject({ level: 30, probe: 1, msg: 'probe line' });
  });

  it('writes pretty lines when standard output is a terminal', () => {
    // script(1) runs the probe on a pseudo-terminal and copies what it printed.
    const out = execFileSync('script', ['-qec', probe.join(' '), '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    const plain = out.replace(COLOUR, '').replace(/\r/g, '').trim();
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: probe line \{"probe":1\}$/);
  });
});
