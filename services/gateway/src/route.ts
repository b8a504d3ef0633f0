export type Upstream = 'submission' | 'scheduling' | 'query';

/**
 * Which service answers a request: writes go to submission, reads to query (including the
 * read-only POSTs receive and wait), lifecycle requests to the job's single writer. Null: no such route.
 */
export function routeFor(method: string, path: string): Upstream | null {
  const p = path.split('?')[0].replace(/\/+$/, '');
  if (p === '/healthz' || p === '/readyz') return 'query';
  if (!p.startsWith('/v1/')) return null;
  if (method === 'GET' || method === 'HEAD') return 'query';
  if (method === 'POST' && (/^\/v1\/jobs\/[^/]+\/receive$/.test(p) || p === '/v1/jobs/wait')) return 'query';
  // The job's single writer decides lifecycle requests on the job's true state (docs/decisions.md).
  if (method === 'POST' && /^\/v1\/jobs\/[^/]+\/(stop|suspend|resume)$/.test(p)) return 'scheduling';
  if (method === 'DELETE' && /^\/v1\/jobs\/[^/]+$/.test(p)) return 'scheduling';
  return 'submission';
}
