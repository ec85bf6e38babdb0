import type { Logger } from 'pino';
import type { Db } from '../geo/db/types';
import type { Locator } from '../geo/grid/locate';
import type { Config } from './config';

/** Services built once the database is ready; routes receive them, tests build them against real backends. */
export interface GeoServices {
  locator: Locator;
}

/** What the HTTP app is built from (`createApp(deps)`), so tests can assemble it around real or in-memory parts. */
export interface AppDeps {
  config: Config;
  log: Logger;
  /** Resolves once start-up (migrations, import, grid) has finished; routes needing data wait on `ready`. */
  readiness: Readiness;
}

export interface ReadyState {
  db: Db;
  geo: GeoServices;
}

export class Readiness {
  private state: ReadyState | null = null;
  step = 'starting';
  failure: string | null = null;

  get current(): ReadyState | null {
    return this.state;
  }

  markReady(state: ReadyState): void {
    this.state = state;
    this.step = 'ready';
  }
}
