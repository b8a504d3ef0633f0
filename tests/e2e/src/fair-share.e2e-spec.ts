import request from 'supertest';
import { COUNTER } from './runbooks';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const NEVER_CHECKPOINTS = `export default async (params, ctx) => {
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
};`;

describe('fair share, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });
  const post = (path: string, body?: object) => request(stack.baseUrl).post(path).set(auth()).send(body);

  beforeAll(async () => {
    stack = await startStack();
    await request(stack.baseUrl).put('/v1/worker-groups/default').set(auth()).send({ fairShareSeconds: 2 }).expect(201);
    await request(stack.baseUrl).put('/v1/worker-groups/hybrid').set(auth()).send({ fairShareSeconds: 0 }).expect(201);
    await post('/v1/runbooks', { name: 'counter', runtime: 'node', source: COUNTER }).expect(201);
    await post('/v1/runbooks', { name: 'forever', runtime: 'node', source: NEVER_CHECKPOINTS }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('unloads a job at its group’s limit and resumes it from its last checkpoint', async () => {
    const job = (await post('/v1/jobs', { runbook: 'counter', parameters: { until: 100_000, stepsAfterResume: 1 } }).expect(201)).body;
    const done = await waitForStatus(stack, job.id, ['Completed', 'Failed', 'FailedWaitingForResources'], 30_000);
    expect(done.status).toBe('Completed');
    expect(done.fairShareUnloads).toBe(1);
    expect(done.attempt).toBe(2);
    const output = (await request(stack.baseUrl).get(`/v1/jobs/${job.id}/output`).set(auth())).body.records.map((r: { value: unknown }) => r.value);
    expect(output).toEqual([expect.stringMatching(/^resumed at [1-9]\d* on attempt 2$/)]);
  });

  it('ends a job FailedWaitingForResources after the third unload from the same checkpoint', async () => {
    const job = (await post('/v1/jobs', { runbook: 'forever' }).expect(201)).body;
    const done = await waitForStatus(stack, job.id, ['FailedWaitingForResources', 'Failed', 'Completed'], 30_000);
    expect(done).toMatchObject({ status: 'FailedWaitingForResources', fairShareUnloads: 3, reason: { source: 'scheduler' } });
  });
});
