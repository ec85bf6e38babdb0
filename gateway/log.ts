import pino, { type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

/**
 * How a person reads the log at a terminal: one short line per entry. A request reads
 * `10:42:07 INFO: GET /api/cases 200 · 12 ms · zhangwei · <request id>`; an error keeps its stack below the line.
 */
export const PRETTY_OPTIONS: PrettyOptions = {
  colorize: true,
  translateTime: 'SYS:HH:MM:ss',
  singleLine: true,
  ignore: 'pid,hostname,req,res,responseTime,user',
  messageFormat: '{msg}{if responseTime} · {responseTime} ms{end}{if user} · {user}{end}{if req.id} · {req.id}{end}',
};

/**
 * The process's logger: pretty lines when standard output is a terminal (pino-pretty in pino's transport thread),
 * JSON lines otherwise, for a log collector. Credentials never reach it (request lines carry no headers anyway).
 */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } } : {}),
  });
}
