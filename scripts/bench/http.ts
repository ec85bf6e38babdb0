import { Agent, request } from 'node:http';

/** Keep-alive HTTP for benchmark clients: one agent, so connection setup stays out of the timed requests. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export interface HttpAnswer {
  status: number;
  text: string;
}

/** A GET (or, with a body, a JSON POST) carrying the session cookie; the body is read whole, the status returned. */
export function send(url: string, cookie: string, body?: unknown): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: payload ? 'POST' : 'GET',
        headers: {
          cookie,
          // A cookie-borne POST names its origin, as the web page's does (the gateway refuses it otherwise).
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length), origin: new URL(url).origin }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The body of a 2xx answer; anything else stops the benchmark with the status and the start of the body. */
export async function expectOk(p: Promise<HttpAnswer>, what: string): Promise<string> {
  const r = await p;
  if (r.status < 200 || r.status >= 300) throw new Error(`${what} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.text;
}

/** Closes the kept-alive connections (at the end of a section, so the process can exit). */
export function closeConnections(): void {
  agent.destroy();
}
