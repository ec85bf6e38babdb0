import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import type { AccountKind, RoleId } from '../../contracts/identity';
import { createApp } from '../../gateway/app';
import { createIdentity, type Identity } from '../../gateway/auth/identity';
import { hashPassword } from '../../gateway/auth/kdf';
import { insertUser } from '../../gateway/auth/users';
import type { Policy } from '../../gateway/policy/policy';
import { loadConfig } from '../../gateway/config';
import { Readiness, type AppDeps, type ReadyState } from '../../gateway/deps';
import { buildReadyState } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';
import { openTestDb } from './db';

/** A settable clock for identity decisions (lockout windows, idle and absolute session timeouts). */
export class TestClock {
  constructor(public t = Date.now()) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface IdentityTestApp {
  app: Express;
  deps: AppDeps;
  identity: Identity;
  clock: TestClock;
  db: Db;
  state: ReadyState;
  close: () => Promise<void>;
}

/** The real app over the test PostGIS with its identity services on a test clock. */
export async function createIdentityTestApp(opts: { clock?: TestClock; policy?: Policy } = {}): Promise<IdentityTestApp> {
  const db = await openTestDb();
  const readiness = new Readiness();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const state: ReadyState = await buildReadyState(db, config, log, readiness.changes);
  readiness.markReady(state);
  const clock = opts.clock ?? new TestClock();
  const identity = createIdentity({ config, log, readiness, now: clock.now, policy: opts.policy });
  const deps: AppDeps = { config, log, readiness, identity };
  return { app: createApp(deps), deps, identity, clock, db, state, close: () => db.close() };
}

/** A password that passes the policy, shared by test accounts (hashed once per process: scrypt is slow on purpose). */
export const TEST_PASSWORD = 'Tq7#vLm-2Rx9&pWz';
let testHash: Promise<string> | null = null;

/** Unique login names per run, so tests sharing the test database never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`.slice(0, 32);
}

export interface TestAccount {
  id: string;
  username: string;
  password: string;
}

/** Inserts an account directly (administration has its own tests); department ids are the seeded ones. */
export async function createAccount(
  db: Db,
  opts: {
    role: RoleId;
    departmentId?: string | null;
    kind?: AccountKind;
    gridScope?: string[];
    mustChangePassword?: boolean;
    prefix?: string;
  },
): Promise<TestAccount> {
  testHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await testHash;
  const username = uniqueName(opts.prefix ?? opts.role);
  const id = await db.transaction((tx) =>
    insertUser(
      tx,
      {
        username,
        displayName: `测试 ${opts.role}`,
        kind: opts.kind ?? (opts.role === 'wall' ? 'device' : 'person'),
        role: opts.role,
        departmentId: opts.departmentId ?? null,
        gridScope: opts.gridScope ?? [],
        passwordHash,
        mustChangePassword: opts.mustChangePassword ?? false,
      },
      new Date(),
    ),
  );
  if (!id) throw new Error(`could not create test account ${username}`);
  return { id, username, password: TEST_PASSWORD };
}

let ipCounter = 1;
/** A distinct client address per call (via X-Forwarded-For from loopback), so the per-IP login limit stays out of the way. */
export function freshIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/** Logs in over HTTP and returns the session cookie (`hb_sid=...`). */
export async function login(app: Express, username: string, password: string, ip = freshIp()): Promise<string> {
  const res = await request(app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error('login did not set the session cookie');
  return cookie;
}

/** Every Set-Cookie header of a response. */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const h = res.headers['set-cookie'];
  return Array.isArray(h) ? h.map(String) : typeof h === 'string' ? [h] : [];
}

/** The `hb_sid=...` pair a response set, or null. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | null {
  return (
    setCookies(res)
      .find((c) => c.startsWith('hb_sid='))
      ?.split(';')[0] ?? null
  );
}

/**
 * Asserts that `POST /api/audit/verify` answered an intact chain; when it did not, the failure names the rows around
 * the break (action, user, address, key) so the writer that broke a shared test database's chain can be found.
 */
export async function expectChainIntact(db: Db, body: { ok: boolean; firstBroken?: { seq: number } | null }): Promise<void> {
  if (body.ok) return;
  const seq = body.firstBroken?.seq ?? 0;
  const rows = await db.query(
    `SELECT seq, at, username, role, action, object, source_ip, request_id, key_id FROM audit_event
      WHERE seq BETWEEN $1 - 3 AND $1 + 3 ORDER BY seq`,
    [seq],
  );
  throw new Error(
    `audit chain broken: ${JSON.stringify(body)}\nrows around the break:\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
  );
}
