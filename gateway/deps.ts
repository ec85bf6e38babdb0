import type { Logger } from 'pino';
import type { Db } from '../geo/db/types';
import type { Identity } from './auth/identity';
import { ChangeHub } from './changes/hub';
import type { Config } from './config';
import { StreamMonitor } from './feeds/stream-health';
import type { GeoServices } from './geo/services';
import type { MediaGateway } from './media/gateway';
import type { NotifyService } from './notify/service';
import { AppError } from './http/errors';
import type { CaseContext } from './cases/context';
import type { CommandServices } from './incidents/services';
import type { ResponseContext } from './responses/context';

/** What the HTTP app is built from (`createApp(deps)`), so tests can assemble it around real or in-memory parts. */
export interface AppDeps {
  config: Config;
  log: Logger;
  /** Resolves once start-up (migrations, import, grid) has finished; routes needing data wait on `ready`. */
  readiness: Readiness;
  /** Identity, access and audit services; built from the other deps when absent (see gateway/auth/identity.ts). */
  identity?: Identity;
  /** The video service, when this process runs one (gateway/media). */
  media?: MediaGateway;
  /** Notifications (gateway/notify): channels, the durable sender, in-app pushes; absent → channels reported off. */
  notify?: NotifyService;
}

export interface ReadyState {
  db: Db;
  geo: GeoServices;
  command: CommandServices;
  /** City management (数字城管): code tables, cases, photos. */
  cases: CaseContext;
  /** Emergency plans, responses, task boards and trigger suggestions. */
  responses: ResponseContext;
}

/** Each start-up step (as `/api/health` names it) in the words of the 503 a request gets meanwhile. */
const STEP_LABELS: Record<string, string> = {
  starting: '准备启动',
  'opening database': '连接数据库',
  'applying migrations': '升级数据库结构',
  'provisioning accounts': '准备账号',
  'importing city data': '导入城市数据',
  'generating unit grid': '生成单元网格',
  'warming up projections': '预热坐标转换',
  'building services': '构建服务',
};

export class Readiness {
  private state: ReadyState | null = null;
  step = 'starting';
  /**
   * The MQTT streams (gauges, unit positions): `off` until a bridge is started (and without a broker), `starting`
   * until subscribed, `unavailable` while the broker cannot be reached.
   */
  streams: 'starting' | 'connected' | 'unavailable' | 'off' = 'off';
  /** What each MQTT stream's consumer is doing (stored, dead-lettered, stalled on a message). */
  streamMonitor = new StreamMonitor();
  /** Committed changes on their way to realtime clients; exists before start-up so the socket server can attach. */
  readonly changes = new ChangeHub();
  failure: string | null = null;

  get current(): ReadyState | null {
    return this.state;
  }

  /** The 503 a request gets while the platform starts, naming the step it is at. */
  startingError(): AppError {
    return new AppError('unavailable', `平台正在启动（${STEP_LABELS[this.step] ?? this.step}），请几秒后重试`);
  }

  /** The database, for services built before start-up (identity, audit); a 503 until it is ready. */
  db(): Db {
    if (!this.state) throw this.startingError();
    return this.state.db;
  }

  private readonly waiters: ((state: ReadyState) => void)[] = [];

  markReady(state: ReadyState): void {
    this.state = state;
    this.step = 'ready';
    for (const w of this.waiters.splice(0)) w(state);
  }

  /** Resolves with the services once start-up has finished (at once when it has). */
  whenReady(): Promise<ReadyState> {
    const state = this.state;
    return state ? Promise.resolve(state) : new Promise((resolve) => this.waiters.push(resolve));
  }
}
