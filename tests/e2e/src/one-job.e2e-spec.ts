import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { topicNames } from '@jobledger/events';
import { createKafkajsEventBus } from '@jobledger/kafka';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const HELLO = `export default async (params, ctx) => {
  ctx.output('hello ' + params.who);
  ctx.warning('careful');
  ctx.error('not fatal');
  ctx.verbose('details');
  ctx.debug('debugging');
  ctx.progress(50, 'halfway');
  return { greeted: params.who };
};`;

const FAILING = `export default async () => { throw new Error('the runbook gave up'); };`;
const SLOW = `export default async () => { await new Promise((r) => setTimeout(r, 5000)); return 'slept'; };`;
// Long enough that a quick runbook always ends before its start is due, even on a loaded machine.
const START_REPORT_DELAY_MS = 2000;

describe('one job end to end, across the four services and the gateway', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });

  beforeAll(async () => {
    stack = await startStack({ JOBLEDGER_START_REPORT_DELAY_MS: String(START_REPORT_DELAY_MS) });
    const res = await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'hello', runtime: 'node', source: HELLO });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'hello', version: 1, runtime: 'node' });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('runs a node runbook to Completed and serves its output records', async () => {
    const submitted = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', parameters: { who: 'world' } });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'Queued', runbook: 'hello', runbookVersion: 1 });

    const job = await waitForStatus(stack, submitted.body.id, ['Completed', 'Failed']);
    expect(job).toMatchObject({ status: 'Completed', runbookVersion: 1, parameters: { who: 'world' } });
    expect(job.worker).toEqual(expect.any(String));
    expect(Date.parse(job.startedAt)).toBeLessThanOrEqual(Date.parse(job.endedAt));

    let output = { records: [] as { seq: number; stream: string; value: unknown }[] };
    for (let i = 0; i < 50 && output.records.length < 6; i++) {
      output = (await request(stack.baseUrl).get(`/v1/jobs/${job.id}/output`).set(auth())).body;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output.records.map((r) => [r.seq, r.stream, r.value])).toEqual([
      [1, 'Output', 'hello world'],
      [2, 'Warning', 'careful'],
      [3, 'Error', 'not fatal'],
      [4, 'Verbose', 'details'],
      [5, 'Debug', 'debugging'],
      [6, 'Progress', { percent: 50, activity: 'halfway' }],
    ]);
    const errorsOnly = await request(stack.baseUrl).get(`/v1/jobs/${job.id}/output?stream=Error`).set(auth());
    expect(errorsOnly.body.records.map((r: { value: unknown }) => r.value)).toEqual(['not fatal']);
  });

  it('ends a throwing runbook Failed with the error as reason', async () => {
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'failing', runtime: 'node', source: FAILING }).expect(201);
    const submitted = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'failing' }).expect(201);
    const job = await waitForStatus(stack, submitted.body.id, ['Completed', 'Failed']);
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatchObject({ message: expect.stringContaining('the runbook gave up'), type: 'RunbookError', source: 'runbook' });
  });

  it('reports a quick job\'s start with its end (one command), and a longer job\'s start while it runs', async () => {
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'slow', runtime: 'node', source: SLOW }).expect(201);
    const quick = (await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', parameters: { who: 'quick' } }).expect(201)).body;
    const slow = (await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'slow' }).expect(201)).body;

    const running = await waitForStatus(stack, slow.id, ['Running', 'Completed', 'Failed']);
    expect(running.status).toBe('Running');
    const done = await waitForStatus(stack, quick.id, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    expect(Date.parse(done.startedAt)).toBeLessThanOrEqual(Date.parse(done.endedAt));
    expect((await waitForStatus(stack, slow.id, ['Completed', 'Failed'])).status).toBe('Completed');

    // What the worker reported, as the scheduler read it from job-commands.
    const bus = createKafkajsEventBus({ brokers: String(stack.env.KAFKA_BROKERS).split(','), clientId: 'e2e-commands', log: () => undefined });
    const consumer = bus.consumer(`e2e-commands-${randomUUID()}`);
    const commands = new Map<string, { type: string; schemaVersion: number; data: { started?: { worker: string; at: string } } }[]>();
    const ended = (id: string) => commands.get(id)?.some((c) => c.type === 'CompleteJob');
    await new Promise<void>((resolve) => {
      void consumer.start({ topics: [topicNames(stack.topicPrefix).jobCommands] }, async (batch) => {
        for (const m of batch.messages) {
          const command = JSON.parse(String(m.value));
          commands.set(command.jobId, [...(commands.get(command.jobId) ?? []), command]);
        }
        if (ended(quick.id) && ended(slow.id)) resolve();
      });
    });
    await consumer.stop();
    const summary = (id: string) => commands.get(id)?.map((c) => `${c.type}@v${c.schemaVersion}`);
    expect(summary(quick.id)).toEqual(['SubmitJob@v1', 'CompleteJob@v2']);
    const started = commands.get(quick.id)?.[1].data.started;
    expect(started).toEqual({ worker: stack.workerIds[0], at: done.startedAt });
    expect(summary(slow.id)).toEqual(['SubmitJob@v1', 'StartJob@v1', 'CompleteJob@v1']);
    expect(commands.get(slow.id)?.[2].data).not.toHaveProperty('started');
  }, 60_000);

  it('treats a client-chosen id idempotently: same body returns the job, another body is 409', async () => {
    const body = { id: 'nightly-2026-11-21', runbook: 'hello', parameters: { who: 'again' } };
    const first = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send(body);
    expect(first.status).toBe(201);
    const again = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ parameters: { who: 'again' }, runbook: 'hello', id: 'nightly-2026-11-21' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe('nightly-2026-11-21');
    const conflict = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ ...body, parameters: { who: 'someone else' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('JOB_ID_CONFLICT');
    await waitForStatus(stack, 'nightly-2026-11-21', ['Completed']);
    // Resubmitting later returns the job as it is now.
    let later = again;
    for (let i = 0; i < 50 && later.body.status !== 'Completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      later = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send(body);
    }
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ id: 'nightly-2026-11-21', status: 'Completed', runbookVersion: 1 });
  });

  it('refuses bad input with the field and the rule, and writes nothing', async () => {
    const unknownField = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details).toEqual([expect.objectContaining({ field: 'colour', rule: 'unknown' })]);

    const badId = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', id: 'no spaces allowed' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details).toEqual([expect.objectContaining({ field: 'id', rule: 'pattern' })]);

    const badRuntime = await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'x', runtime: 'perl', source: '1' });
    expect(badRuntime.status).toBe(400);
    expect(badRuntime.body.error.details).toEqual([expect.objectContaining({ field: 'runtime', rule: 'enum' })]);

    const missing = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'does-not-exist', id: 'never-written' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('RUNBOOK_NOT_FOUND');
    await request(stack.baseUrl).get('/v1/jobs/never-written').set(auth()).expect(404);
    // The id was not taken by the failed request: it can be used now.
    await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', id: 'never-written' }).expect(201);

    const tooBig = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', parameters: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const nul = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'hello', id: 'nul-inside', parameters: { text: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: '$.parameters.text' } });
    await request(stack.baseUrl).get('/v1/jobs/nul-inside').set(auth()).expect(404);
  });

  it('needs a valid bearer key on every request', async () => {
    const none = await request(stack.baseUrl).post('/v1/jobs').send({ runbook: 'hello' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    await request(stack.baseUrl).get('/v1/jobs/anything').set('Authorization', 'Bearer wrong-key').expect(401);
  });
});
