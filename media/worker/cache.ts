import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The checkout's root (this file is media/worker/cache.ts). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The build script and its inputs (patches, compat headers). */
export const BUILD_DIR = path.join(PROJECT_ROOT, 'scripts', 'mediasoup');
export const BUILD_COMMAND = 'scripts/mediasoup/build-worker.sh';

/**
 * The worker cache, outside the checkout so that `npm ci` (which deletes node_modules) does not throw a 7-minute
 * build away: `$MEDIASOUP_WORKER_CACHE_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/harbin-platform/mediasoup-worker`.
 * Must match scripts/mediasoup/build-worker.sh.
 */
export function workerCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MEDIASOUP_WORKER_CACHE_DIR) return env.MEDIASOUP_WORKER_CACHE_DIR;
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'harbin-platform', 'mediasoup-worker');
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else if (entry.isFile() && !entry.name.endsWith('.md')) out.push(rel);
  }
  return out;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Hash of every build input in scripts/mediasoup (the script, patches, compat headers; not *.md), 12 hex digits.
 * The same value as the script's `find | sort | xargs sha256sum | sha256sum`: lines "<sha256>  <path>\n" in byte
 * order of the path.
 */
export function patchHash(buildDir: string = BUILD_DIR): string {
  const files = listFiles(buildDir).sort(); // UTF-16 code unit order: byte order for these ASCII names
  const listing = files.map((rel) => `${sha256(readFileSync(path.join(buildDir, rel)))}  ${rel}\n`).join('');
  return sha256(listing).slice(0, 12);
}

/** `<mediasoup version>-<patch hash>`: the cache entry a given version and set of patches builds into. */
export function cacheKey(mediasoupVersion: string, buildDir: string = BUILD_DIR): string {
  return `${mediasoupVersion}-${patchHash(buildDir)}`;
}

/** The cached worker binary for this version and these patches (it may not exist). */
export function cachedWorkerBin(mediasoupVersion: string, env: NodeJS.ProcessEnv = process.env, buildDir = BUILD_DIR): string {
  return path.join(workerCacheRoot(env), cacheKey(mediasoupVersion, buildDir), 'mediasoup-worker');
}
