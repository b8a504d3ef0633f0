import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface DelayProxy {
  /** The URL to give clients instead of the target's: the same, at the proxy's address. */
  url: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a Postgres URL that holds every chunk `delayMs` in each direction, in
 * order: a database that far away (a round trip costs 2 × delayMs more), as a cluster's is from its
 * services. The proxy runs in the bench's process, so its CPU counts as the bench's.
 */
export async function startDelayProxy(targetUrl: string, delayMs: number): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream, delayMs);
    relay(upstream, client, delayMs);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Each chunk leaves `delayMs` after it arrived; the end (or an error) follows the last chunk. */
function relay(from: Socket, to: Socket, delayMs: number): void {
  const later = (action: () => void) => setTimeout(action, delayMs);
  from.on('data', (chunk) => later(() => to.writable && to.write(chunk)));
  from.on('end', () => later(() => to.end()));
  from.on('error', () => later(() => to.destroy()));
}
