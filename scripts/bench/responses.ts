/**
 * The emergency-response section, on the real gateway process over PostGIS: an agency record that meets a plan's
 * trigger (城市内涝, Ⅳ级: waterlogging of priority 6 or more), from the signed POST sent until the wall's Socket.IO
 * client receives the suggestion (启动建议) naming its incident — ingest, fusion, change log, the trigger match on the
 * committed change, the suggestion's own transaction and change, and the delivery. Reference, alternating in the
 * same run: a record that meets no trigger (120 急病 of priority 3), from the POST until the same socket receives
 * the incident's own change — the bare change delivery the suggestion rides on.
 */
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { ChangesCatchUp, FeedSource, IncidentCategory } from '../../contracts/incidents';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { loadFeedKeys } from '../../gateway/feeds/keys';
import { signFeed } from '../../gateway/feeds/signature';
import { encodeReport } from '../scenario/encoders';
import type { StandaloneContext } from './context';
import { login, post, postTarget, rng, ROOT, startGateway } from './ingest-load';
import type { Report } from './report';
import { fmt, nowMs, ratio, summarise } from './stats';

const SECTION = 'Emergency response (应急响应)';
const ROUNDS = Number(process.env.BENCH_RESPONSE_ROUNDS ?? 80);
const WARMUP = 5;
const WALL = { username: 'wall.main', password: 'Wall#Display-6612' };

type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function benchResponses(ctx: StandaloneContext, report: Report): Promise<void> {
  const gateway = await startGateway({ databaseUrl: ctx.databaseUrl });
  const keys = loadFeedKeys(path.join(ROOT, 'data', 'demo', 'feed-keys.json'));
  const random = rng(12);
  const target = postTarget(gateway.port, 2);
  let socket: WallSocket | null = null;
  try {
    const cookie = await login(gateway.baseUrl, WALL.username, WALL.password, '10.77.0.1');
    // When the wall first saw each incident's change, and each incident named by a suggestion.
    const incidentSeen = new Map<number, number>();
    const suggestionSeen = new Map<number, number>();
    const waiters = new Set<() => void>();
    socket = connect(gateway.baseUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    socket.on('changes', (batch) => {
      const at = nowMs();
      for (const c of batch) {
        if (c.incident && !incidentSeen.has(c.incident.id)) incidentSeen.set(c.incident.id, at);
        for (const id of c.suggestion?.incidentIds ?? []) if (!suggestionSeen.has(id)) suggestionSeen.set(id, at);
      }
      for (const w of waiters) w();
    });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    await new Promise<void>((resolve, reject) =>
      socket!.emit(
        'changes:subscribe',
        { layers: ['incidents', 'responses'], areas: [], since: null },
        (ack: Ack<ChangesCatchUp>) => (ack.ok ? resolve() : reject(new Error(ack.error.message))),
      ),
    );
    const until = (seen: Map<number, number>, id: number) =>
      new Promise<number>((resolve, reject) => {
        const check = () => {
          const at = seen.get(id);
          if (at === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(at);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`incident #${id}: nothing reached the wall within 10 s`));
        }, 10_000);
        waiters.add(check);
        check();
      });

    let n = 0;
    const once = async (source: FeedSource, category: IncidentCategory, priority: number, seen: Map<number, number>) => {
      n++;
      const at = new Date(Date.now() - (1 + random() * 3000) * 86_400_000);
      at.setUTCMilliseconds(0);
      const body = Buffer.from(
        JSON.stringify(
          encodeReport({
            source,
            sourceId: `R${Date.now().toString(36)}${n}`.toUpperCase(),
            category,
            priority,
            title: category === 'waterlogging' ? '压测：下穿桥积水' : '压测：急病',
            description: '应急响应基准测试生成的报告',
            at,
            lon: 126.6 + random() * 0.1,
            lat: 45.73 + random() * 0.05,
            address: '哈尔滨市南岗区红军街',
            addressOnly: false,
            casualties: null,
          }),
        ),
      );
      const ts = Math.floor(Date.now() / 1000);
      let sent = 0;
      const res = await post(
        target,
        {
          path: `/api/feeds/${source}`,
          body,
          headers: {
            'content-type': 'application/json',
            'x-feed-timestamp': String(ts),
            'x-feed-signature': signFeed(keys.secretOf(source)!, ts, body),
          },
        },
        (t) => (sent = t),
      );
      if (res.status !== 200 && res.status !== 201) throw new Error(`feed ${source} answered ${res.status}: ${res.body}`);
      const { incidentId } = JSON.parse(res.body) as { incidentId: number };
      return (await until(seen, incidentId)) - sent;
    };

    const subject: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const s = await once('flood', 'waterlogging', 7, suggestionSeen);
      const r = await once('120', 'medical', 3, incidentSeen);
      if (i >= WARMUP) {
        subject.push(s);
        reference.push(r);
      }
    }
    const a = summarise(subject);
    const b = summarise(reference);
    const row = (figure: string, v: number, ref: number, target: string, ok: boolean) =>
      report.add({
        section: SECTION,
        figure,
        backend: 'postgis',
        value: fmt(v),
        reference: `${fmt(ref)} (a record meeting no trigger: its incident's own change on the same socket)`,
        ratio: ratio(v, ref),
        target,
        verdict: ok ? 'meets' : 'misses',
      });
    row(
      'matching record → suggestion on a wall socket, p95',
      a.p95,
      b.p95,
      '≤ 1 s (a new incident on every wall within 1 s)',
      a.p95 <= 1000,
    );
    row('matching record → suggestion on a wall socket, p50', a.p50, b.p50, '—', true);
    report.note(
      `Emergency response — ${ROUNDS} matching records (flood-control waterlogging, priority 7 → 《哈尔滨市城市内涝应急预案》Ⅳ级) ` +
        `alternating with ${ROUNDS} records matching no plan, one at a time, each at its own place and time so none fuse; ` +
        `timed from the signed POST to the first Socket.IO frame naming the incident (suggestion, or the incident's change). ` +
        `The suggestion follows the incident's commit: trigger matching on the committed change, a second transaction ` +
        `(checks against active responses and earlier suggestions, insert, change log) and the tail's next read.`,
    );
  } finally {
    socket?.disconnect();
    target.agent.destroy();
    await gateway.stop();
  }
}
