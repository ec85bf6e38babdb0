/**
 * `npm run scenario -- <name> [options]`: plays a named, seeded scenario against a running gateway through its real
 * transports (signed webhooks, MQTT) and prints what the gateway answered.
 *
 *   npm run scenario -- crash --url http://127.0.0.1:8080 --mqtt mqtt://127.0.0.1:1884 --speed 10 --seed 7
 *   npm run scenario -- load --events 2000 --rate 0.05 --speed 0 --no-mqtt
 *
 * Exit status: 0 when every step was delivered, 1 when the gateway rejected or never accepted some, 2 on a usage
 * or connection error.
 */
import { parseArgs } from 'node:util';
import { formatQuality } from './scenario/fusion-quality';
import { DEFAULT_KEYS_FILE, runScenario, SCENARIO_DESCRIPTIONS, SCENARIO_NAMES } from './scenario/run';
import { DEFAULT_LOAD_EVENTS, DEFAULT_LOAD_RATE } from './scenario/scenarios';
import { runSirenScenario } from './scenario/sirens';

const USAGE = `usage: npm run scenario -- <name> [options]

scenarios:
${SCENARIO_NAMES.map((n) => `  ${n.padEnd(11)} ${SCENARIO_DESCRIPTIONS[n]}`).join('\n')}
  sirens      防空警报器模拟：演示布局的每台警报器以自己的 MQTT 账号接入，应答命令；部分故障、部分无应答（运行至 Ctrl-C）

options:
  --url URL         gateway base URL (default http://127.0.0.1:8080)
  --mqtt URL        MQTT broker for gauges and AVL (default mqtt://127.0.0.1:1884, the gateway's embedded broker)
  --no-mqtt         send webhooks only; gauge and AVL steps are skipped
  --speed X         1 = real time, 10 = ten times faster, 0 = as fast as possible (default 1)
  --seed N          PRNG seed: the same seed gives the same steps (default 1)
  --start TIME      time zero, ISO 8601 (default now); the same seed and start resend the same records
  --events N        load: number of events (default ${DEFAULT_LOAD_EVENTS})
  --rate R          load: events per second of scenario time (default ${DEFAULT_LOAD_RATE})
  --keys FILE       webhook secrets and MQTT logins (default FEED_KEYS_FILE or data/demo/feed-keys.json)
  --concurrency N   deliveries in flight at once (default 16)
  --fail-every N    sirens: every N-th siren reports a fault (default 12; 0 = none)
  --silent-every N  sirens: every N-th siren never answers (default 15; 0 = none)
  --quiet           print the summary only
  --help`;

function number(value: string | undefined, name: string, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name} ${JSON.stringify(value)} is not valid`);
  return n;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1884' },
        'no-mqtt': { type: 'boolean', default: false },
        speed: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1' },
        start: { type: 'string' },
        events: { type: 'string' },
        rate: { type: 'string' },
        keys: { type: 'string' },
        concurrency: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'fail-every': { type: 'string', default: '12' },
        'silent-every': { type: 'string', default: '15' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const name = positionals[0];
  if (name === 'sirens' && positionals.length === 1) {
    const sim = await runSirenScenario({
      baseUrl: values.url,
      mqttUrl: values.mqtt,
      speed: Number(values.speed) || 1,
      failEvery: Number(values['fail-every']) || 0,
      silentEvery: Number(values['silent-every']) || 0,
      login: { username: 'wall.main', password: 'Wall#Display-6612' },
      log: (line) => console.log(line),
    });
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    await sim.stop();
    return 0;
  }
  if (!name || positionals.length > 1 || !(SCENARIO_NAMES as readonly string[]).includes(name)) {
    console.error(`${name ? `unknown scenario "${positionals.join(' ')}"` : 'name a scenario'}\n\n${USAGE}`);
    return 2;
  }
  let speed, seed, events, rate, concurrency;
  let start: Date | undefined;
  try {
    if (values.start !== undefined) {
      start = new Date(values.start);
      if (Number.isNaN(start.getTime())) throw new Error(`--start ${JSON.stringify(values.start)} is not an ISO 8601 time`);
    }
    speed = number(values.speed, 'speed', (n) => n >= 0)!;
    seed = number(values.seed, 'seed', Number.isInteger)!;
    events = number(values.events, 'events', (n) => Number.isInteger(n) && n > 0);
    rate = number(values.rate, 'rate', (n) => n > 0);
    concurrency = number(values.concurrency, 'concurrency', (n) => Number.isInteger(n) && n > 0);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const log = values.quiet ? undefined : (line: string) => console.log(line);
  const result = await runScenario(name, {
    baseUrl: values.url,
    mqttUrl: values['no-mqtt'] ? null : values.mqtt,
    speed,
    seed,
    keysFile: values.keys ?? process.env.FEED_KEYS_FILE ?? DEFAULT_KEYS_FILE,
    ...(log ? { log } : {}),
    ...(events !== undefined ? { events } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(start ? { start } : {}),
  });

  const incidents = new Map<number, string[]>();
  for (const ack of result.acks)
    incidents.set(ack.incidentId, [...(incidents.get(ack.incidentId) ?? []), `${ack.source} ${ack.sourceId}`]);
  console.log(`\nscenario ${name} (seed ${seed}) finished in ${(result.durationMs / 1000).toFixed(1)} s: ${result.steps} steps`);
  console.log(
    `  webhooks: ${result.delivered} new, ${result.redelivered} redelivered, ${result.rejected.length} rejected, ` +
      `${result.failed.filter((f) => f.source !== 'flood-gauge' && f.source !== 'avl').length} not accepted`,
  );
  const reports = result.delivered + result.redelivered;
  if (result.durationMs > 0 && reports > 0) {
    console.log(`  throughput: ${(reports / (result.durationMs / 1000)).toFixed(1)} records/s acknowledged`);
  }
  console.log(`  mqtt: ${result.published} published (PUBACK), ${result.skipped} skipped`);
  console.log(`  incidents: the records landed in ${incidents.size} incident(s)`);
  if (incidents.size && incidents.size <= 20) {
    for (const [id, records] of [...incidents].sort((a, b) => a[0] - b[0])) console.log(`    #${id}: ${records.join(', ')}`);
  }
  for (const r of result.rejected) console.log(`  REJECTED ${r.source} ${r.message}`);
  for (const f of result.failed) console.log(`  FAILED ${f.source} ${f.message}`);
  if (result.fusion) {
    console.log(`  fusion, in-memory replay of the ground truth: ${formatQuality(result.fusion.replay)}`);
    if (result.fusion.gateway)
      console.log(`  fusion, as the gateway linked the records:    ${formatQuality(result.fusion.gateway)}`);
  }
  return result.rejected.length || result.failed.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`scenario failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
