import request from 'supertest';
import { COUNTER } from './runbooks';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

describe('a worker killed mid-job, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });

  beforeAll(async () => {
    stack = await startStack({}, { workers: 2 });
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'counter', runtime: 'node', source: COUNTER }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('resumes its job on another worker from the last checkpoint, within a bounded time', async () => {
    const job = (await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'counter', parameters: { until: 100_000 } }).expect(201)).body;
    const running = await waitForStatus(stack, job.id, ['Running']);
    await new Promise((r) => setTimeout(r, 500));
    const killedAt = Date.now();
    await stack.killWorker(running.worker, 'SIGKILL');

    const done = await waitForStatus(stack, job.id, ['Completed', 'Failed'], 30_000);
    const recoveredInMs = Date.now() - killedAt;
    expect(done).toMatchObject({ status: 'Completed', attempt: 2, fairShareUnloads: 0 });
    expect(done.worker).not.toBe(running.worker);
    expect(stack.workerIds).toContain(done.worker);
    // The worker timeout is 3 s in these tests; the job must be back within a few timeouts.
    expect(recoveredInMs).toBeLessThan(15_000);
    const output = (await request(stack.baseUrl).get(`/v1/jobs/${job.id}/output`).set(auth())).body.records.map((r: { value: unknown }) => r.value);
    expect(output).toEqual([expect.stringMatching(/^resumed at [1-9]\d* on attempt 2$/)]);
  }, 40_000);
});
