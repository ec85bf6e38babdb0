import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_COMMAND, BUILD_DIR, cachedWorkerBin } from './cache';

/** Where the worker binary was found. */
export type WorkerSource = 'env' | 'default' | 'cache';

export type WorkerLocation =
  { available: true; bin: string; version: string; source: WorkerSource } | { available: false; reason: string };

export interface LocateOptions {
  /** The environment to read and, when the cached binary is used, to set MEDIASOUP_WORKER_BIN in. */
  env?: NodeJS.ProcessEnv;
  /** The installed mediasoup package; resolved from node_modules by default. */
  mediasoupDir?: string;
  /** scripts/mediasoup, whose files make up the cache key. */
  buildDir?: string;
}

/** The installed mediasoup package's directory, or undefined when it is not installed. */
function resolveMediasoupDir(): string | undefined {
  try {
    // The package's main entry is node/lib/index.js.
    return path.resolve(path.dirname(require.resolve('mediasoup')), '..', '..');
  } catch {
    return undefined;
  }
}

/** mediasoup's default lookup path (what it uses when MEDIASOUP_WORKER_BIN is not set). */
export function defaultWorkerBin(mediasoupDir: string): string {
  return path.join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');
}

/**
 * Why the binary cannot run here, or undefined when it can. mediasoup-worker started without MEDIASOUP_VERSION exits
 * with code 41 ("not called by the Node library"): that shows the file and its shared libraries load on this machine.
 */
export function workerProblem(bin: string): string | undefined {
  if (!existsSync(bin)) return 'does not exist';
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return 'is not executable';
  }
  const run = spawnSync(bin, [], { env: {}, timeout: 5000, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status === 41) return undefined;
  if (run.error) return `cannot be started (${run.error.message})`;
  const detail = run.stderr.trim().split('\n')[0] ?? '';
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${String(run.status)}`;
  return `does not run on this machine: it ${how}${detail ? ` (${detail})` : ''}`;
}

/**
 * Finds the mediasoup worker binary at start-up. Never throws: when the worker is missing the platform reports the
 * reason and keeps everything else running.
 *
 * Order: MEDIASOUP_WORKER_BIN when set (an explicit choice: a bad value is reported, not silently replaced); then
 * mediasoup's default path (mediasoup's own prebuilt download, or where scripts/mediasoup/build-worker.sh copies its
 * build); then the build cache, in which case MEDIASOUP_WORKER_BIN is set to it.
 *
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when the module is first loaded: call this before importing mediasoup,
 * or pass the returned `bin` as `workerBin` to `createWorker()` (which works in either order).
 */
export function locateMediasoupWorker(options: LocateOptions = {}): WorkerLocation {
  const env = options.env ?? process.env;
  const rebuild = `run ${BUILD_COMMAND}`;
  try {
    const mediasoupDir = options.mediasoupDir ?? resolveMediasoupDir();
    if (!mediasoupDir || !existsSync(path.join(mediasoupDir, 'package.json'))) {
      return { available: false, reason: 'the mediasoup package is not installed: run npm ci' };
    }
    const pkg = JSON.parse(readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version !== 'string') {
      return { available: false, reason: `cannot read the mediasoup version from ${mediasoupDir}/package.json` };
    }
    const version = pkg.version;

    const fromEnv = env.MEDIASOUP_WORKER_BIN;
    if (fromEnv) {
      const problem = workerProblem(fromEnv);
      if (problem) return { available: false, reason: `MEDIASOUP_WORKER_BIN=${fromEnv} ${problem}` };
      return { available: true, bin: fromEnv, version, source: 'env' };
    }

    const defaultBin = defaultWorkerBin(mediasoupDir);
    const defaultProblem = workerProblem(defaultBin);
    if (!defaultProblem) return { available: true, bin: defaultBin, version, source: 'default' };

    const cached = cachedWorkerBin(version, env, options.buildDir ?? BUILD_DIR);
    const cachedProblem = workerProblem(cached);
    if (!cachedProblem) {
      env.MEDIASOUP_WORKER_BIN = cached;
      return { available: true, bin: cached, version, source: 'cache' };
    }

    const broken = [
      existsSync(defaultBin) ? `${defaultBin} ${defaultProblem}` : undefined,
      existsSync(cached) ? `${cached} ${cachedProblem}` : undefined,
    ].filter((s): s is string => s !== undefined);
    if (broken.length > 0) {
      return { available: false, reason: `mediasoup worker unusable: ${broken.join('; ')}: ${rebuild}` };
    }
    return {
      available: false,
      reason: `mediasoup worker not built: ${rebuild} (looked for ${defaultBin} and ${cached})`,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { available: false, reason: `cannot locate the mediasoup worker (${message}): ${rebuild}` };
  }
}
