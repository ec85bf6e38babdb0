import { isIP } from 'node:net';

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
const plain = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/**
 * The client address the way Express computes `req.ip` with `trust proxy = loopback`: a reverse proxy on
 * this machine may name the client in X-Forwarded-For; anyone else is taken at their socket address.
 * Used for socket handshakes so HTTP and sockets share one per-IP view.
 */
export function clientIp(remote: string | undefined, forwardedFor: string | string[] | undefined): string | null {
  if (!remote) return null;
  let ip = remote;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  if (header && isLoopback(remote)) {
    const hops = header
      .split(',')
      .map((h) => h.trim())
      .filter((h) => isIP(h) !== 0);
    while (hops.length && isLoopback(ip)) ip = hops.pop()!;
  }
  return plain(ip);
}
