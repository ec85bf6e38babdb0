import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '..');
/** The published demo webhook secrets and MQTT logins: never acceptable in production. */
export const DEMO_FEED_KEYS_FILE = path.join(ROOT, 'data', 'demo', 'feed-keys.json');

/** Every setting the platform reads, with its default, in one place. See `.env.example`. */
/** A comma-separated list of origins (`scheme://host:port`), empty by default. */
const originList = (error: string) =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ error })));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Loopback unless told otherwise: other machines reach the gateway through a reverse proxy or an explicit HOST.
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default(path.join(ROOT, '.data')),
  CITY_DATA_DIR: z.string().default(path.resolve(ROOT, '..', 'shared', 'harbin')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().default(path.join(ROOT, 'dist', 'web')),
  // Identity and audit (gateway/auth, gateway/audit, gateway/realtime).
  AUDIT_HMAC_KEY: z
    .string()
    .min(32, 'AUDIT_HMAC_KEY must be at least 32 characters')
    .optional()
    .transform((v) => (v === undefined ? undefined : new Secret(v))),
  ALLOWED_ORIGINS: originList('ALLOWED_ORIGINS is a comma-separated list of origins like http://host:port'),
  // Other sites (district portals, partner apps) whose pages may read the public interfaces (/ogc, /tiles,
  // /basemap, /open311) from the browser; nothing else is offered cross-origin (gateway/http/cors.ts).
  CORS_ORIGINS: originList('CORS_ORIGINS is a comma-separated list of origins like https://portal.example:8443'),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  IDENTITY_SEED: z.enum(['demo', 'none']).default('demo'),
  // Emergency command feeds (gateway/feeds) and scale-out (gateway/realtime).
  FEED_KEYS_FILE: z.string().default(DEMO_FEED_KEYS_FILE),
  MQTT_URL: z.string().url({ error: 'MQTT_URL is a broker URL like mqtt://127.0.0.1:1883' }).optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1884),
  REDIS_URL: z.string().url({ error: 'REDIS_URL is a URL like redis://127.0.0.1:6379' }).optional(),
  DEMO_UNITS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  // The video service (media/): workers (0 = one per core), when an unwatched camera's ingest stops, the address
  // WebRTC transports listen on (and announce, behind NAT), the UDP/TCP port range of the workers.
  MEDIA_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(0)
    .transform((n) => (n === 0 ? Math.max(1, availableParallelism()) : n)),
  MEDIA_IDLE_STOP_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  MEDIA_LISTEN_IP: z
    .union([z.ipv4(), z.ipv6()], { error: 'MEDIA_LISTEN_IP is an IP address, e.g. 127.0.0.1 or 0.0.0.0' })
    .default('127.0.0.1'),
  MEDIA_ANNOUNCED_ADDRESS: z.string().optional(),
  MEDIA_RTC_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  MEDIA_RTC_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  // Notifications (gateway/notify): SMS over SMPP to an SMSC (Kannel), e-mail over SMTP; unset → that channel is off.
  SMPP_URL: z
    .string()
    .regex(/^smpps?:\/\/[^:@/]+:[^@/]*@[^/:]+(:\d+)?\/?$/, { error: 'SMPP_URL is like smpp://system_id:password@host:2775' })
    .optional(),
  SMPP_SOURCE_ADDR: z
    .string()
    .regex(/^[0-9A-Za-z]{1,20}$/, { error: 'SMPP_SOURCE_ADDR is the sender number, e.g. 12329' })
    .default('12329'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, { error: 'SMTP_URL is like smtp://user:password@host:25' })
    .optional(),
  SMTP_FROM: z.string().min(3).default('哈尔滨市城市运行指挥中心 <notify@harbin.invalid>'),
  NOTIFY_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  // Reports upward (gateway/reports): the upper level's webhook and the shared secret it checks signatures with.
  REPORT_RECEIVER_URL: z
    .url({ error: "REPORT_RECEIVER_URL is the upper level's webhook URL, e.g. https://host/reports" })
    .optional(),
  REPORT_RECEIVER_SECRET: z
    .string()
    .min(32, 'REPORT_RECEIVER_SECRET must be at least 32 characters')
    .optional()
    .transform((v) => (v === undefined ? undefined : new Secret(v))),
});

/** A configured secret: prints as *** in logs, JSON and inspection; `reveal()` is the only way to the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '***';
  }
  toJSON(): string {
    return '***';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '***';
  }
}

export type Config = Readonly<z.infer<typeof schema>> & { readonly root: string };

const KNOWN_PREFIXES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'CITY_DATA_DIR',
  'LOG_LEVEL',
  'WEB_DIST',
  'AUDIT_HMAC_KEY',
  'ALLOWED_ORIGINS',
  'CORS_ORIGINS',
  'COOKIE_SECURE',
  'IDENTITY_SEED',
  'FEED_KEYS_FILE',
  'MQTT_URL',
  'MQTT_PORT',
  'REDIS_URL',
  'DEMO_UNITS',
  'MEDIA_WORKERS',
  'MEDIA_IDLE_STOP_MS',
  'MEDIA_LISTEN_IP',
  'MEDIA_ANNOUNCED_ADDRESS',
  'MEDIA_RTC_MIN_PORT',
  'MEDIA_RTC_MAX_PORT',
  'SMPP_URL',
  'SMPP_SOURCE_ADDR',
  'SMTP_URL',
  'SMTP_FROM',
  'NOTIFY_ESCALATE_MINUTES',
  'REPORT_RECEIVER_URL',
  'REPORT_RECEIVER_SECRET',
];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(KNOWN_PREFIXES.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) throw new Error(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  const cfg = parsed.data;
  if (!existsSync(cfg.CITY_DATA_DIR)) throw new Error(`CITY_DATA_DIR ${cfg.CITY_DATA_DIR} does not exist`);
  const unsafe = productionProblems(cfg);
  if (unsafe.length) throw new Error(`refusing to start: ${unsafe.join('; ')}`);
  return Object.freeze({ ...cfg, root: ROOT });
}

/** Every secret string of a feed-keys file (webhook secrets, MQTT passwords); empty when it cannot be read. */
function feedSecrets(file: string): Set<string> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
      sources?: Record<string, { secret?: unknown }>;
      mqtt?: Record<string, { password?: unknown }>;
    };
    const values = [
      ...Object.values(parsed.sources ?? {}).map((s) => s?.secret),
      ...Object.values(parsed.mqtt ?? {}).map((c) => c?.password),
    ];
    return new Set(values.filter((v): v is string => typeof v === 'string'));
  } catch {
    return new Set();
  }
}

/**
 * What makes a production start (IDENTITY_SEED=none) unsafe: the published demo feed keys, whether the demo file
 * itself or any of its secrets copied into another file. Anyone who read the code could sign webhooks or publish to
 * the MQTT streams with them.
 */
export function productionProblems(cfg: { IDENTITY_SEED: 'demo' | 'none'; FEED_KEYS_FILE: string }): string[] {
  if (cfg.IDENTITY_SEED !== 'none') return [];
  const demo = feedSecrets(DEMO_FEED_KEYS_FILE);
  const reused = [...feedSecrets(cfg.FEED_KEYS_FILE)].filter((s) => demo.has(s)).length;
  if (path.resolve(cfg.FEED_KEYS_FILE) !== DEMO_FEED_KEYS_FILE && reused === 0) return [];
  return [
    `IDENTITY_SEED=none (production) but FEED_KEYS_FILE (${cfg.FEED_KEYS_FILE}) holds the published demo feed keys of ` +
      `data/demo/feed-keys.json${reused ? ` (${reused} of its secrets)` : ''}: anyone could sign webhooks or publish ` +
      'gauge readings and unit positions with them. Generate secrets of your own (data/feeds/README.md) and point ' +
      'FEED_KEYS_FILE at that file',
  ];
}

/** A connection string with its password replaced, safe to log. */
export function redactUrl(url: string | undefined): string {
  if (!url) return 'embedded';
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
