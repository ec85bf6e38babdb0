import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { AppDeps } from '../../gateway/deps';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';

export interface ListeningApp {
  url: string;
  realtime: Realtime;
  /** Stops the Socket.IO server, drops open connections and closes the port. */
  close: () => Promise<void>;
}

/** The in-process app on a loopback port with the Socket.IO server attached, as the gateway process serves them. */
export async function listenWithRealtime(app: Express, deps: AppDeps): Promise<ListeningApp> {
  const server = createServer(app);
  const realtime = attachRealtime(server, deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    realtime,
    close: async () => {
      await realtime.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
