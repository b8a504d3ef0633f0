import { routeFor } from './route';

describe('routeFor', () => {
  it.each([
    ['POST', '/v1/runbooks', 'submission'],
    ['POST', '/v1/jobs', 'submission'],
    ['POST', '/v1/jobs/stop', 'submission'],
    ['POST', '/v1/jobs/j1/stop', 'scheduling'],
    ['POST', '/v1/jobs/j1/suspend', 'scheduling'],
    ['POST', '/v1/jobs/j1/resume', 'scheduling'],
    ['DELETE', '/v1/jobs/j1?force=true', 'scheduling'],
    ['DELETE', '/v1/keys/k1', 'submission'],
    ['PUT', '/v1/worker-groups/default', 'submission'],
    ['POST', '/v1/keys', 'submission'],
    ['GET', '/v1/jobs/j1', 'query'],
    ['GET', '/v1/jobs/j1/output?after=3', 'query'],
    ['POST', '/v1/jobs/j1/receive', 'query'],
    ['POST', '/v1/jobs/wait', 'query'],
    ['GET', '/v1/workers', 'query'],
    ['GET', '/v1/worker-groups', 'query'],
    ['GET', '/readyz', 'query'],
  ])('sends %s %s to %s', (method, path, upstream) => {
    expect(routeFor(method, path)).toBe(upstream);
  });

  it('has no route outside /v1 and the probes', () => {
    expect(routeFor('GET', '/admin')).toBeNull();
  });
});
