import request from 'supertest';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

describe('runbook versions and shell runbooks, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });

  beforeAll(async () => {
    stack = await startStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('runs the version current at submission, or the one asked for, and keeps its source readable', async () => {
    const v1 = 'export default async (p, ctx) => { ctx.output("v1"); };';
    const v2 = 'export default async (p, ctx) => { ctx.output("v2"); };';
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'versioned', runtime: 'node', source: v1 }).expect(201);
    const first = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'versioned' }).expect(201);
    const published = await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'versioned', runtime: 'node', source: v2 }).expect(201);
    expect(published.body.version).toBe(2);
    const pinned = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'versioned', version: 1 }).expect(201);
    const latest = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'versioned' }).expect(201);
    expect([first.body.runbookVersion, pinned.body.runbookVersion, latest.body.runbookVersion]).toEqual([1, 1, 2]);

    for (const [job, expected] of [[first, 'v1'], [pinned, 'v1'], [latest, 'v2']] as const) {
      await waitForStatus(stack, job.body.id, ['Completed']);
      const source = await request(stack.baseUrl).get(`/v1/jobs/${job.body.id}/source`).set(auth()).expect(200);
      expect(source.body).toMatchObject({ runbook: 'versioned', source: expected === 'v1' ? v1 : v2, runtime: 'node' });
    }
    const missing = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'versioned', version: 9 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('version 9');
  });

  it('maps a shell runbook’s stdout to Output, stderr to Error, and its exit code to the status', async () => {
    const ok = 'echo "hello $JOBLEDGER_PARAM_WHO"\necho "careful" >&2\necho done';
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'sh-ok', runtime: 'shell', source: ok }).expect(201);
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'sh-fail', runtime: 'shell', source: 'echo "about to fail"\nexit 3' }).expect(201);
    const good = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'sh-ok', parameters: { who: 'shell' } }).expect(201);
    const bad = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'sh-fail' }).expect(201);

    expect((await waitForStatus(stack, good.body.id, ['Completed', 'Failed'])).status).toBe('Completed');
    const failed = await waitForStatus(stack, bad.body.id, ['Completed', 'Failed']);
    expect(failed).toMatchObject({ status: 'Failed', reason: { type: 'RunbookError', message: expect.stringContaining('3') } });

    const output = await request(stack.baseUrl).get(`/v1/jobs/${good.body.id}/output`).set(auth()).expect(200);
    const byStream = (stream: string) => output.body.records.filter((r: { stream: string }) => r.stream === stream).map((r: { value: unknown }) => r.value);
    expect(byStream('Output')).toEqual(['hello shell', 'done']);
    expect(byStream('Error')).toEqual(['careful']);
  });

  it('answers 404 for the source of an unknown job', async () => {
    await request(stack.baseUrl).get('/v1/jobs/nope/source').set(auth()).expect(404);
  });
});
