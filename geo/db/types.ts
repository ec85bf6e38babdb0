/** The one interface every module uses to reach the database, whichever backend is behind it. */
export type SqlParam = string | number | boolean | null | Date | Buffer | Uint8Array | readonly unknown[];

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
}

export interface Db extends Queryable {
  /** `postgis`: a PostgreSQL server with PostGIS; `embedded`: PGlite with PostGIS in WASM. */
  readonly backend: 'postgis' | 'embedded';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` from any connection (other processes included) until the
   * returned function is called. A lost listening connection is re-established; callers also poll as a fallback.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A database failure wrapped with what was being done, so logs say more than "syntax error". */
export class DbError extends Error {
  constructor(
    readonly doing: string,
    override readonly cause: unknown,
  ) {
    super(`database error while ${doing}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DbError';
  }
}
