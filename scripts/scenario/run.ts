import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FeedAck, Unit, UnitListResponse } from '../../contracts/incidents';
import { loadFeedKeys } from '../../gateway/feeds/keys';
import { loadFusionRules } from '../../gateway/incidents/fusion';
import { measureFusionQuality, recordKey, scoreAssignment, type FusionQuality } from './fusion-quality';
import {
  buildScenario,
  isScenarioName,
  nativeReport,
  SCENARIO_NAMES,
  type ReportStep,
  type ScenarioStep,
  type ScenarioUnit,
} from './scenarios';
import { MqttPublisher, WebhookSender, type MqttStream } from './transport';

export { SCENARIO_DESCRIPTIONS, SCENARIO_NAMES } from './scenarios';

/** The demo operator of data/demo/users.json (published in the README), used to read unit positions for AVL. */
export const DEMO_LOGIN = { username: 'zhihui.wang', password: 'Zhw#Command-7316' } as const;

export const DEFAULT_KEYS_FILE = path.resolve(__dirname, '../../data/demo/feed-keys.json');

export interface RunScenarioOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (https works the same). */
  baseUrl: string;
  /** The MQTT broker for gauges and AVL, e.g. mqtt://127.0.0.1:1884; null sends webhooks only (gauge/AVL skipped). */
  mqttUrl: string | null;
  /** 1 = real time, 10 = ten times faster, 0 = as fast as possible. */
  speed: number;
  /** Default 1. */
  seed?: number;
  /** Webhook secrets and MQTT logins; default data/demo/feed-keys.json. */
  keysFile?: string;
  log?: (line: string) => void;
  /** `load`: number of events. */
  events?: number;
  /** `load`: events per second of scenario time. */
  rate?: number;
  /** Time zero of the scenario; default now (whole seconds). */
  start?: Date;
  /** Units for AVL (`mixed`); by default read from GET /api/units with `login`. */
  units?: readonly ScenarioUnit[];
  /** Account used to read the units; default the demo operator. */
  login?: { username: string; password: string };
  /** Deliveries in flight at once; default 16. */
  concurrency?: number;
}

export interface RunScenarioResult {
  /** Webhook records accepted as new (201). */
  delivered: number;
  /** Webhook records the gateway already had (200). */
  redelivered: number;
  /** Webhook records refused (4xx), with the gateway's reason. */
  rejected: { source: string; message: string }[];
  /** The gateway's acknowledgement of every accepted record, in completion order. */
  acks: FeedAck[];
  /** Steps in the scenario. */
  steps: number;
  /** MQTT messages acknowledged by the broker (PUBACK). */
  published: number;
  /** Gauge and AVL steps not sent because no MQTT broker was given. */
  skipped: number;
  /** Deliveries that could not be made after retries (5xx, connection errors, MQTT time-outs). */
  failed: { source: string; message: string }[];
  durationMs: number;
  /**
   * `load` only: fusion quality against the ground truth, replayed in memory (`replay`) and as the gateway actually
   * fused the delivered records, from the acknowledgements (`gateway`; null when nothing was acknowledged).
   */
  fusion: { replay: FusionQuality; gateway: FusionQuality | null } | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Logs in, reads the units with a position, logs out. */
export async function fetchUnits(baseUrl: string, login: { username: string; password: string }): Promise<ScenarioUnit[]> {
  const base = baseUrl.replace(/\/+$/, '');
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`login as ${login.username} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  try {
    const list = await fetch(`${base}/api/units`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
    if (!list.ok) throw new Error(`GET /api/units failed: HTTP ${list.status}`);
    const body = (await list.json()) as UnitListResponse;
    return body.units
      .filter((u): u is Unit & { lon: number; lat: number } => u.lon !== null && u.lat !== null && u.status !== 'out_of_service')
      .map((u) => ({ id: u.id, type: u.type, lon: u.lon, lat: u.lat }));
  } finally {
    const origin = new URL(base).origin;
    await fetch(`${base}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin },
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
  }
}

/**
 * Runs a named scenario against a gateway: builds its steps (seeded), then delivers each at `start + atMs / speed`
 * through the real transports — signed webhooks for agency reports, MQTT (QoS 1) for gauges and unit positions —
 * and returns what the gateway answered.
 */
export async function runScenario(name: string, opts: RunScenarioOptions): Promise<RunScenarioResult> {
  if (!isScenarioName(name)) throw new Error(`unknown scenario "${name}"; the scenarios are ${SCENARIO_NAMES.join(', ')}`);
  if (!(opts.speed >= 0) || !Number.isFinite(opts.speed))
    throw new Error(`speed must be 0 or a positive number (got ${opts.speed})`);
  const log = opts.log ?? (() => undefined);
  const keys = loadFeedKeys(opts.keysFile ?? DEFAULT_KEYS_FILE);
  const start = opts.start ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const seed = opts.seed ?? 1;

  let units = opts.units;
  if (name === 'mixed' && !units) {
    if (opts.mqttUrl === null) log('no MQTT broker: the units will not move (AVL skipped)');
    else {
      try {
        units = await fetchUnits(opts.baseUrl, opts.login ?? DEMO_LOGIN);
        log(`read ${units.length} units with a position from ${opts.baseUrl}/api/units`);
      } catch (err) {
        log(`could not read the units (${(err as Error).message}); running without AVL tracks`);
      }
    }
  }

  const scenario = buildScenario(name, {
    start,
    seed,
    ...(units ? { units } : {}),
    ...(opts.events !== undefined ? { events: opts.events } : {}),
    ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
  });
  const { steps } = scenario;
  const span = steps.length ? steps[steps.length - 1]!.atMs : 0;
  log(
    `scenario ${name} (seed ${seed}): ${steps.length} steps over ${clock(span)} of scenario time, ` +
      `${scenario.events.length} events, start ${start.toISOString()}, speed ${opts.speed === 0 ? 'as fast as possible' : `${opts.speed}x`}`,
  );

  const streams = [
    ...(steps.some((s) => s.kind === 'gauge') ? (['flood'] as const) : []),
    ...(steps.some((s) => s.kind === 'avl') ? (['avl'] as const) : []),
  ] satisfies MqttStream[];
  let publisher: MqttPublisher | null = null;
  if (streams.length && opts.mqttUrl !== null) {
    publisher = await MqttPublisher.connect(opts.mqttUrl, keys, streams, { log });
    log(`connected to ${opts.mqttUrl.replace(/\/\/[^@]*@/, '//***@')} for ${streams.join(' and ')}`);
  }
  const sender = new WebhookSender({ baseUrl: opts.baseUrl, keys, log });

  const result: RunScenarioResult = {
    delivered: 0,
    redelivered: 0,
    rejected: [],
    acks: [],
    steps: steps.length,
    published: 0,
    skipped: 0,
    failed: [],
    durationMs: 0,
    fusion: null,
  };
  const chatty = steps.filter((s) => s.kind === 'report').length <= 60;
  const t0 = performance.now();
  let done = 0;
  let lastProgress = t0;
  const progress = () => {
    const now = performance.now();
    if (now - lastProgress < 5000 && done < steps.length) return;
    lastProgress = now;
    log(
      `[${((now - t0) / 1000).toFixed(1)} s] ${done}/${steps.length} steps: ${result.delivered} new, ` +
        `${result.redelivered} redelivered, ${result.rejected.length} rejected, ${result.published} published, ` +
        `${result.failed.length} failed`,
    );
  };

  const deliverReport = async (step: ReportStep) => {
    const { truth } = step;
    const outcome = await sender.send(truth.source, nativeReport(step));
    if (outcome.outcome === 'created' || outcome.outcome === 'redelivered') {
      result.acks.push(outcome.ack);
      if (outcome.outcome === 'created') result.delivered++;
      else result.redelivered++;
      if (chatty) {
        log(
          `${clock(step.atMs)} ${truth.source} ${truth.sourceId} ${truth.title} → ${outcome.outcome === 'created' ? 'new' : 'redelivered'} ` +
            `record ${outcome.ack.recordId}, incident ${outcome.ack.incidentId}`,
        );
      }
    } else if (outcome.outcome === 'rejected') {
      const message = `${truth.sourceId}: HTTP ${outcome.status} ${outcome.code}: ${outcome.message}`;
      result.rejected.push({ source: truth.source, message });
      log(`${clock(step.atMs)} ${truth.source} REJECTED ${message}`);
    } else {
      const message = `${truth.sourceId}: ${outcome.message}`;
      result.failed.push({ source: truth.source, message });
      log(`${clock(step.atMs)} ${truth.source} FAILED ${message}`);
    }
  };

  const deliver = async (step: ScenarioStep) => {
    if (step.kind === 'report') return deliverReport(step);
    if (!publisher) {
      result.skipped++;
      return;
    }
    const label = step.kind === 'gauge' ? `gauge ${step.truth.stcd}` : `avl ${step.truth.unitId}`;
    try {
      if (step.kind === 'gauge') await publisher.publishGauge(step.truth);
      else await publisher.publishAvl(step.truth);
      result.published++;
    } catch (err) {
      result.failed.push({
        source: step.kind === 'gauge' ? 'flood-gauge' : 'avl',
        message: `${label}: ${(err as Error).message}`,
      });
      log(`${clock(step.atMs)} ${label} FAILED ${(err as Error).message}`);
    }
  };

  const limit = Math.max(1, opts.concurrency ?? 16);
  const inflight = new Set<Promise<void>>();
  try {
    for (const step of steps) {
      if (opts.speed > 0) {
        const wait = step.atMs / opts.speed - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
      while (inflight.size >= limit) await Promise.race(inflight);
      const p: Promise<void> = deliver(step).finally(() => {
        inflight.delete(p);
        done++;
        progress();
      });
      inflight.add(p);
    }
    await Promise.all(inflight);
  } finally {
    await publisher?.close();
  }
  result.durationMs = performance.now() - t0;
  if (!publisher && result.skipped) log(`${result.skipped} gauge/AVL steps skipped: no MQTT broker`);

  if (name === 'load') {
    const rules = loadFusionRules();
    const incidentByRecord = new Map(result.acks.map((a) => [recordKey(a), a.incidentId]));
    result.fusion = {
      replay: measureFusionQuality(scenario.events, rules),
      gateway: result.acks.length ? scoreAssignment(scenario.events, (r) => incidentByRecord.get(recordKey(r)) ?? null) : null,
    };
  }
  return result;
}
