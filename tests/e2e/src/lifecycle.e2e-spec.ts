import request from 'supertest';
import { COUNTER } from './runbooks';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const WAITS_FOR_STOP = `export default async (params, ctx) => {
  ctx.output('started');
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  ctx.output('stopping cleanly');
};`;

// Fails after its first checkpoint, and succeeds when it runs again from it.
const FAILS_ONCE = `export default async (params, ctx) => {
  if (ctx.resumeState) { ctx.output('recovered from ' + ctx.resumeState.step); return 'ok'; }
  await ctx.checkpoint({ step: 'one' });
  throw new Error('transient trouble');
};`;

// The shell twin of COUNTER: checkpoints through $JOBLEDGER_CHECKPOINT_FILE, resumes from $JOBLEDGER_RESUME_STATE.
const SHELL_COUNTER = `i=0
if [ -n "$JOBLEDGER_RESUME_STATE" ]; then
  i=$(printf '%s' "$JOBLEDGER_RESUME_STATE" | tr -dc '0-9')
  echo "resumed at $i"
  exit 0
fi
while true; do
  i=$((i + 1))
  echo '{"i":'$i'}' > "$JOBLEDGER_CHECKPOINT_FILE"
  sleep 0.05
done`;

describe('stop, suspend and resume, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });
  const post = (path: string, body?: object) => request(stack.baseUrl).post(path).set(auth()).send(body);
  const outputOf = async (id: string) => (await request(stack.baseUrl).get(`/v1/jobs/${id}/output`).set(auth())).body.records.map((r: { value: unknown }) => r.value);

  beforeAll(async () => {
    // A long worker timeout keeps jobs pinned to a group without workers Queued (instead of
    // failing them after one timeout), so the tests can act on queued jobs.
    stack = await startStack({ JOBLEDGER_WORKER_TIMEOUT_MS: '600000' });
    for (const [name, source] of [['waits', WAITS_FOR_STOP], ['counter', COUNTER], ['fails-once', FAILS_ONCE]]) {
      await post('/v1/runbooks', { name, runtime: 'node', source }).expect(201);
    }
    await post('/v1/runbooks', { name: 'shell-counter', runtime: 'shell', source: SHELL_COUNTER }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('stops a running job: the runbook sees ctx.signal and the job ends Stopped', async () => {
    const job = (await post('/v1/jobs', { runbook: 'waits' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Running']);
    // Records are readable while the job runs.
    for (let i = 0; i < 30 && (await outputOf(job.id)).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await outputOf(job.id)).toEqual(['started']);
    expect((await request(stack.baseUrl).get(`/v1/jobs/${job.id}`).set(auth())).body.status).toBe('Running');
    const stopping = await post(`/v1/jobs/${job.id}/stop`);
    expect(stopping.status).toBe(202);
    expect(stopping.body.status).toBe('Stopping');
    expect((await waitForStatus(stack, job.id, ['Stopped'])).endedAt).toEqual(expect.any(String));
    for (let i = 0; i < 30 && (await outputOf(job.id)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await outputOf(job.id)).toEqual(['started', 'stopping cleanly']);
  });

  it('stops a queued job at once', async () => {
    const job = (await post('/v1/jobs', { runbook: 'waits', runOn: 'nobody-home' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Queued']);
    const stopped = await post(`/v1/jobs/${job.id}/stop`);
    expect(stopped.status).toBe(202);
    expect(stopped.body.status).toBe('Stopped');
  });

  it('suspends at the next checkpoint and resumes from it', async () => {
    const job = (await post('/v1/jobs', { runbook: 'counter', parameters: { until: 10_000, reportDone: true } }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Running']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await post(`/v1/jobs/${job.id}/suspend`)).status).toBe(202);
    const suspended = await waitForStatus(stack, job.id, ['Suspended']);
    expect(suspended.lastCheckpointAt).toEqual(expect.any(String));

    const resuming = await post(`/v1/jobs/${job.id}/resume`);
    expect(resuming.status).toBe(202);
    expect(resuming.body.status).toBe('Resuming');
    const done = await waitForStatus(stack, job.id, ['Completed', 'Failed']);
    expect(done).toMatchObject({ status: 'Completed', attempt: 2 });
    const output: string[] = await outputOf(job.id);
    const resumedAt = Number(/resumed at (\d+)/.exec(output.find((o) => o.startsWith('resumed')) ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(output.at(-1)).toBe(`done at ${resumedAt + 3}`);
  });

  it('suspends a shell runbook at its next checkpoint and resumes it with $JOBLEDGER_RESUME_STATE', async () => {
    const job = (await post('/v1/jobs', { runbook: 'shell-counter' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Running']);
    await new Promise((r) => setTimeout(r, 300));
    await post(`/v1/jobs/${job.id}/suspend`).expect(202);
    await waitForStatus(stack, job.id, ['Suspended']);
    await post(`/v1/jobs/${job.id}/resume`).expect(202);
    expect((await waitForStatus(stack, job.id, ['Completed', 'Failed'])).status).toBe('Completed');
    const output: string[] = await outputOf(job.id);
    expect(output).toEqual([expect.stringMatching(/^resumed at [1-9]\d*$/)]);
  });

  it('removes a final job from the read models, refuses to remove a running one unless forced, and force stops it first', async () => {
    const gone = async (id: string) => {
      for (let i = 0; i < 50; i++) {
        if ((await request(stack.baseUrl).get(`/v1/jobs/${id}`).set(auth())).status === 404) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    const done = (await post('/v1/jobs', { runbook: 'counter', parameters: { until: 1 } }).expect(201)).body;
    await waitForStatus(stack, done.id, ['Completed']);
    await request(stack.baseUrl).delete(`/v1/jobs/${done.id}`).set(auth()).expect(204);
    expect(await gone(done.id)).toBe(true);

    const running = (await post('/v1/jobs', { runbook: 'waits' }).expect(201)).body;
    await waitForStatus(stack, running.id, ['Running']);
    const refused = await request(stack.baseUrl).delete(`/v1/jobs/${running.id}`).set(auth());
    expect([refused.status, refused.body.error.code]).toEqual([409, 'JOB_NOT_IN_STATUS']);
    expect(refused.body.error.message).toContain('it is Running');
    await request(stack.baseUrl).delete(`/v1/jobs/${running.id}?force=true`).set(auth()).expect(204);
    expect(await gone(running.id)).toBe(true);

    const queued = (await post('/v1/jobs', { runbook: 'waits', runOn: 'nobody-home' }).expect(201)).body;
    await waitForStatus(stack, queued.id, ['Queued']);
    await request(stack.baseUrl).delete(`/v1/jobs/${queued.id}?force=true`).set(auth()).expect(204);
    expect(await gone(queued.id)).toBe(true);
    await request(stack.baseUrl).delete(`/v1/jobs/${queued.id}`).set(auth()).expect(404);
  });

  it('refuses what the status forbids with 409 naming the status', async () => {
    const job = (await post('/v1/jobs', { runbook: 'counter', parameters: { until: 1 } }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Completed']);
    const refused = await post(`/v1/jobs/${job.id}/suspend`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'JOB_NOT_IN_STATUS', message: expect.stringContaining('it is Completed') });
    expect((await post(`/v1/jobs/${job.id}/resume`)).status).toBe(409);
    expect((await post(`/v1/jobs/${job.id}/stop`)).status).toBe(409);
    expect((await post('/v1/jobs/no-such-job/stop')).status).toBe(404);
  });

  it('suspends a job with errorAction "stop" on an error after a checkpoint, and resumes it', async () => {
    const job = (await post('/v1/jobs', { runbook: 'fails-once', errorAction: 'stop' }).expect(201)).body;
    const suspended = await waitForStatus(stack, job.id, ['Suspended', 'Failed']);
    expect(suspended).toMatchObject({ status: 'Suspended', reason: { message: expect.stringContaining('transient trouble'), type: 'RunbookError' } });
    await post(`/v1/jobs/${job.id}/resume`).expect(202);
    expect((await waitForStatus(stack, job.id, ['Completed', 'Failed'])).status).toBe('Completed');
  });

  it('fails a job with errorAction "stop" that has no checkpoint', async () => {
    await post('/v1/runbooks', { name: 'throws', runtime: 'node', source: 'export default async () => { throw new Error("no"); };' }).expect(201);
    const job = (await post('/v1/jobs', { runbook: 'throws', errorAction: 'stop' }).expect(201)).body;
    expect((await waitForStatus(stack, job.id, ['Suspended', 'Failed'])).status).toBe('Failed');
  });
});
