import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeFor } from './route';
import type { Upstream } from './route';

/**
 * The one public base URL of a local install: a small reverse proxy in front of the services
 * (an Ingress does the same job on Kubernetes). It streams bodies both ways and holds no state.
 */
const env = process.env;
const port = Number(env.PORT ?? 8080);
const upstreams: Record<Upstream, URL> = {
  submission: new URL(env.SUBMISSION_URL ?? 'http://127.0.0.1:8081'),
  scheduling: new URL(env.SCHEDULING_URL ?? 'http://127.0.0.1:8082'),
  query: new URL(env.QUERY_URL ?? 'http://127.0.0.1:8084'),
};

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message, details: null } }));
}

async function readiness(res: ServerResponse): Promise<void> {
  const checks = await Promise.all(
    (Object.entries(upstreams) as [Upstream, URL][]).map(async ([name, url]) => {
      try {
        const answer = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(3_000) });
        return [name, { ok: answer.ok, status: answer.status }] as const;
      } catch (error) {
        return [name, { ok: false, error: (error as Error).message }] as const;
      }
    }),
  );
  const ready = checks.every(([, c]) => c.ok);
  res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(checks) }));
}

function proxy(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  if (path === '/readyz') return void readiness(res);
  if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  const upstream = routeFor(req.method ?? 'GET', path);
  if (!upstream) return fail(res, 404, 'NOT_FOUND', `no such route: ${req.method} ${path}`);
  const target = upstreams[upstream];
  const forward = request(
    { hostname: target.hostname, port: target.port, path, method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => fail(res, 503, 'SERVICE_UNAVAILABLE', `the ${upstream} service is not reachable: ${error.message}`));
  req.pipe(forward);
}

createServer(proxy).listen(port, '0.0.0.0', () => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', service: 'gateway', message: 'listening', port, upstreams })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
