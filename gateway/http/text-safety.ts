import express, { type RequestHandler } from 'express';
import type { Event, Socket } from 'socket.io';
import { connectError } from '../realtime/handshake';
import { refuseEvent, splitAck } from '../realtime/registry';
import { AppError } from './errors';

/**
 * What a PostgreSQL text (and jsonb) value can hold, checked once where input enters the gateway: no U+0000, no
 * lone UTF-16 surrogates, strings of a sane length, structures of a sane depth and size, finite numbers.
 * `findUnsafeText` is pure and reports the first problem with its path; the HTTP and socket edges build on it.
 */

export interface TextLimits {
  /** Deepest nesting of objects and arrays (the top-level value is depth 1). */
  maxDepth: number;
  /** Longest string, in UTF-16 code units, keys included. */
  maxStringLength: number;
  /** Most values (strings, numbers, objects, array items...) in one input. */
  maxNodes: number;
}

export const DEFAULT_TEXT_LIMITS: TextLimits = { maxDepth: 32, maxStringLength: 100_000, maxNodes: 100_000 };

export type TextProblemKind = 'nul' | 'lone_surrogate' | 'too_long' | 'too_deep' | 'too_many' | 'not_finite';

export interface TextProblem {
  /** Where the problem is, e.g. `description`, `items[2].name`, `query.bbox` ('' for the value itself). */
  path: string;
  /** What is wrong, in Chinese, to follow the field name in a message. */
  problem: string;
  kind: TextProblemKind;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character PostgreSQL text cannot hold, as a problem, or null. */
export function findUnsafeChar(s: string): Pick<TextProblem, 'problem' | 'kind'> | null {
  if (s.includes('\u0000')) return { kind: 'nul', problem: '含有不允许的控制字符 (U+0000)' };
  const lone = LONE_SURROGATE.exec(s);
  if (!lone) return null;
  return { kind: 'lone_surrogate', problem: `含有不成对的代理项 (${hex(lone[0].charCodeAt(0))})，不是有效的 Unicode 文本` };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const join = (path: string, key: string) =>
  // JSON.stringify escapes U+0000 and lone surrogates, so a refused key never reappears raw in a message.
  IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key.slice(0, 40))}]`;

/**
 * Walks a value (parsed JSON, a query object, socket event arguments) iteratively, so a deep value cannot exhaust
 * the stack, and returns the first problem found, or null when every string, key and number is acceptable.
 */
export function findUnsafeText(value: unknown, limits: Partial<TextLimits> = {}): TextProblem | null {
  const { maxDepth, maxStringLength, maxNodes } = { ...DEFAULT_TEXT_LIMITS, ...limits };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 1 }];
  let nodes = 0;
  const checkString = (s: string, path: string): TextProblem | null => {
    if (s.length > maxStringLength) {
      return { path, kind: 'too_long', problem: `长度 ${s.length} 超过上限 ${maxStringLength} 个字符` };
    }
    const bad = findUnsafeChar(s);
    return bad ? { path, ...bad } : null;
  };
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++nodes > maxNodes) return { path: item.path, kind: 'too_many', problem: `包含的值超过上限 ${maxNodes} 个` };
    const v = item.value;
    if (typeof v === 'string') {
      const bad = checkString(v, item.path);
      if (bad) return bad;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: item.path, kind: 'not_finite', problem: '数值超出可表示的范围' };
    } else if (typeof v === 'object' && v !== null) {
      if (item.depth > maxDepth) {
        return { path: item.path, kind: 'too_deep', problem: `嵌套层数超过上限 ${maxDepth} 层` };
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${item.path}[${i}]`, depth: item.depth + 1 });
      } else if (isPlainRecord(v)) {
        const entries = Object.entries(v);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [key, child] = entries[i]!;
          const keyProblem = checkString(key, join(item.path, key));
          if (keyProblem) return { ...keyProblem, problem: `的键名${keyProblem.problem}` };
          stack.push({ value: child, path: join(item.path, key), depth: item.depth + 1 });
        }
      }
    }
  }
  return null;
}

/** Buffers, dates and other class instances are not text containers; plain objects (any prototype-less too) are. */
function isPlainRecord(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether JSON text nests deeper than `limit`, without parsing it: brackets outside strings, in one linear pass that
 * stops at the first level too deep, so a hostile body costs no more than reading it.
 */
export function jsonDepthExceeds(text: string | Buffer, limit: number): boolean {
  const code = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = code(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The Chinese sentence a person reads: `字段 description 含有不允许的控制字符 (U+0000)`. */
export function describeTextProblem(p: Pick<TextProblem, 'path' | 'problem'>, label = '字段'): string {
  return p.path ? `${label} ${p.path} ${p.problem}` : `请求内容${p.problem}`;
}

/** The 400 naming the field when `value` holds anything PostgreSQL text cannot, or null (for callbacks). */
export function unsafeTextError(value: unknown, label = '字段', limits?: Partial<TextLimits>): AppError | null {
  const p = findUnsafeText(value, limits);
  return p ? new AppError('bad_request', describeTextProblem(p, label), { field: p.path, problem: p.kind }) : null;
}

/** Throws `unsafeTextError`'s 400 when there is one. */
export function assertSafeText(value: unknown, label = '字段', limits?: Partial<TextLimits>): void {
  const err = unsafeTextError(value, label, limits);
  if (err) throw err;
}

/**
 * Express: the path (each segment, percent-decoded) and the query string of every request, before routing, so no
 * handler, policy match or audit row ever sees a NUL or an undecodable segment.
 */
export const checkPathAndQuery: RequestHandler = (req, _res, next) => {
  const segments = req.path.split('/').filter(Boolean);
  for (const raw of segments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new AppError('bad_request', `路径段 ${raw.slice(0, 80)} 不是有效的 UTF-8 百分号编码`);
    }
    const p = findUnsafeText(segment, { maxStringLength: 2000 });
    if (p) throw new AppError('bad_request', `路径段 ${JSON.stringify(segment.slice(0, 80))} ${p.problem}`, { problem: p.kind });
  }
  assertSafeText(req.query, '查询参数', { maxDepth: 4 });
  next();
};

/**
 * `express.json` with the depth checked on the raw bytes before parsing: a 100 000-deep body is refused after one
 * linear scan instead of being built and walked. Strings, keys and numbers are then checked by `checkParsedBody`.
 */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf, DEFAULT_TEXT_LIMITS.maxDepth)) {
        throw new AppError('bad_request', `请求内容嵌套层数超过上限 ${DEFAULT_TEXT_LIMITS.maxDepth} 层`, { problem: 'too_deep' });
      }
    },
  });
}

/** Express: every parsed body (JSON, forms), after the body parsers and before any handler. Raw bodies pass. */
export const checkParsedBody: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) assertSafeText(body);
  next();
};

/** The argument the socket decoder puts in place of an event's arguments nested too deep to parse. */
export const TOO_DEEP: unknown = Object.freeze({ tooDeep: true });

/**
 * Socket.IO (`socket.use`): the arguments of every client event, the same rule as for HTTP bodies; a refusal is
 * acknowledged with the field and the event never reaches the policy or its handler.
 */
export function checkSocketEvent(packet: Event, next: (err?: Error) => void): void {
  const { args } = splitAck(packet.slice(1));
  const p: Pick<TextProblem, 'path' | 'problem'> | null = args.includes(TOO_DEEP)
    ? { path: '', problem: `嵌套层数超过上限 ${DEFAULT_TEXT_LIMITS.maxDepth} 层` }
    : findUnsafeText(args.length === 1 ? args[0] : args);
  if (!p) return next();
  refuseEvent(packet, { code: 'bad_request', message: describeTextProblem(p) });
}

/** Socket.IO (`io.use`): the handshake's `auth` payload (device credentials) and query, before authentication. */
export function checkHandshakeText(socket: Socket, next: (err?: Error) => void): void {
  const p = findUnsafeText({ auth: socket.handshake.auth, query: socket.handshake.query }, { maxStringLength: 4096 });
  if (!p) return next();
  next(connectError('bad_request', describeTextProblem(p, '握手参数')));
}
