import mqtt, { type MqttClient } from 'mqtt';
import type { Siren } from '../../contracts/airdefense';
import { demoSirenKey } from '../../gateway/airdefense/demo-layout';
import { demoSirenPassword, sirenUsername } from '../../gateway/airdefense/registry';
import { commandTopic, stateTopic, type SirenCommandMessage, type SirenStateMessage } from '../../gateway/airdefense/wire';

/**
 * A siren simulator: many sirens, each its own MQTT client with its own login, listening on its command topic and
 * answering on its state topic as a siren controller does (data/airdefense/mqtt.md): acknowledge, report sounding,
 * report done when the pattern has run (or a drill's simulated run). Some can be made to fail (report a fault instead
 * of sounding) or to stay silent (connected but never answering).
 */

export type SirenBehaviour = 'ok' | 'fault' | 'silent';

export interface SimulatedSiren {
  id: string;
  password: string;
  behaviour: SirenBehaviour;
}

export interface SirenSimulatorOptions {
  brokerUrl: string;
  sirens: readonly SimulatedSiren[];
  /** Pattern time scale: 1 = real time, 60 = a minute per second, 0 = report done at once. */
  speed: number;
  /** Called for every command a siren receives (for logs). */
  onCommand?: (sirenId: string, cmd: SirenCommandMessage) => void;
}

export class SirenSimulator {
  private readonly clients: MqttClient[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Commands received, per siren. */
  readonly received = new Map<string, SirenCommandMessage[]>();

  private constructor(private readonly opts: SirenSimulatorOptions) {}

  static async start(opts: SirenSimulatorOptions): Promise<SirenSimulator> {
    const sim = new SirenSimulator(opts);
    // Connected a few dozen at a time, like controllers coming up after a power cut.
    for (let i = 0; i < opts.sirens.length; i += 50) {
      await Promise.all(opts.sirens.slice(i, i + 50).map((s) => sim.connect(s)));
    }
    return sim;
  }

  private async connect(s: SimulatedSiren): Promise<void> {
    const client = await mqtt.connectAsync(this.opts.brokerUrl, {
      username: sirenUsername(s.id),
      password: s.password,
      clientId: `siren-sim-${s.id}-${process.pid}`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    this.clients.push(client);
    await client.subscribeAsync(commandTopic(s.id), { qos: 1 });
    const report = (msg: SirenStateMessage) => client.publishAsync(stateTopic(s.id), JSON.stringify(msg), { qos: 1 });
    client.on('message', (_topic, payload) => {
      let cmd: SirenCommandMessage;
      try {
        cmd = JSON.parse(payload.toString('utf8')) as SirenCommandMessage;
      } catch {
        return;
      }
      this.received.set(s.id, [...(this.received.get(s.id) ?? []), cmd]);
      this.opts.onCommand?.(s.id, cmd);
      if (s.behaviour === 'silent') return;
      const at = () => new Date().toISOString();
      if (s.behaviour === 'fault') {
        void report({ state: 'fault', commandId: cmd.commandId, at: at(), fault: '功放模块故障（模拟）' }).catch(() => undefined);
        return;
      }
      void (async () => {
        await report({ state: 'ack', commandId: cmd.commandId, at: at() });
        await report({ state: 'sounding', commandId: cmd.commandId, at: at() });
        const { onS, offS, cycles } = cmd.pattern;
        const ms = this.opts.speed > 0 ? ((onS + offS) * cycles * 1000) / this.opts.speed : 0;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void report({ state: 'done', commandId: cmd.commandId, at: at() }).catch(() => undefined);
        }, ms);
        this.timers.add(timer);
      })().catch(() => undefined);
    });
    await report({ state: 'idle', at: new Date().toISOString() });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.clients.map((c) => c.endAsync().catch(() => undefined)));
  }
}

/** Every `failEvery`-th siren fails and every `silentEvery`-th stays silent (0: none), the rest answer. */
export function behaviours(ids: readonly string[], failEvery: number, silentEvery: number): Map<string, SirenBehaviour> {
  return new Map(
    ids.map((id, i) => [
      id,
      failEvery > 0 && (i + 1) % failEvery === 0 ? 'fault' : silentEvery > 0 && (i + 2) % silentEvery === 0 ? 'silent' : 'ok',
    ]),
  );
}

/** `npm run scenario -- sirens`: the demo layout's sirens, read from the gateway as the wall device, simulated. */
export async function runSirenScenario(opts: {
  baseUrl: string;
  mqttUrl: string;
  speed: number;
  failEvery: number;
  silentEvery: number;
  login: { username: string; password: string };
  log: (line: string) => void;
}): Promise<SirenSimulator> {
  const login = await fetch(new URL('/api/auth/login', opts.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(opts.baseUrl).origin },
    body: JSON.stringify(opts.login),
  });
  if (!login.ok) throw new Error(`login as ${opts.login.username} refused: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const res = await fetch(new URL('/api/airdefense/sirens', opts.baseUrl), { headers: { cookie } });
  if (!res.ok) throw new Error(`GET /api/airdefense/sirens answered ${res.status}`);
  const sirens = ((await res.json()) as Siren[]).filter((s) => s.demo);
  const key = demoSirenKey();
  const plan = behaviours(
    sirens.map((s) => s.id),
    opts.failEvery,
    opts.silentEvery,
  );
  const sim = await SirenSimulator.start({
    brokerUrl: opts.mqttUrl,
    speed: opts.speed,
    sirens: sirens.map((s) => ({ id: s.id, password: demoSirenPassword(key, s.id), behaviour: plan.get(s.id)! })),
    onCommand: (id, cmd) => opts.log(`${id} ← ${cmd.signal}${cmd.drill ? '（演练）' : ''} ${plan.get(id)}`),
  });
  const count = (b: SirenBehaviour) => [...plan.values()].filter((v) => v === b).length;
  opts.log(`${sirens.length} simulated sirens connected (${count('fault')} fail, ${count('silent')} silent); Ctrl-C stops`);
  return sim;
}
