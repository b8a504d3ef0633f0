import request from 'supertest';
import { startStack } from './stack';
import type { Stack } from './stack';

describe('worker groups, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });

  beforeAll(async () => {
    stack = await startStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  async function groupsUntil(predicate: (items: { name: string; cancelWhileRunning: boolean }[]) => boolean) {
    for (let i = 0; i < 100; i++) {
      const res = await request(stack.baseUrl).get('/v1/worker-groups').set(auth()).expect(200);
      if (predicate(res.body.items)) return res.body.items;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the worker groups never matched');
  }

  it('creates a group with defaults for what is not given, then updates only what is given', async () => {
    const created = await request(stack.baseUrl).put('/v1/worker-groups/hybrid').set(auth()).send({ fairShareSeconds: 0 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'hybrid', fairShareSeconds: 0, ratePerCpuSecond: 0, cancelWhileRunning: true });

    const updated = await request(stack.baseUrl).put('/v1/worker-groups/hybrid').set(auth()).send({ cancelWhileRunning: false, ratePerCpuSecond: 0.002 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ fairShareSeconds: 0, ratePerCpuSecond: 0.002, cancelWhileRunning: false });

    const items = await groupsUntil((list) => list.some((g) => g.name === 'hybrid' && g.cancelWhileRunning === false));
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'hybrid', fairShareSeconds: 0, ratePerCpuSecond: 0.002, cancelWhileRunning: false }),
        expect.objectContaining({ name: 'default', fairShareSeconds: 10_800, configuredAt: null }),
      ]),
    );
  });

  it('refuses bad settings with the field and the rule', async () => {
    const res = await request(stack.baseUrl).put('/v1/worker-groups/hybrid').set(auth()).send({ fairShareSeconds: -1, cancelWhileRunning: 'no', slots: 3 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`).sort()).toEqual([
      'cancelWhileRunning:type',
      'fairShareSeconds:range',
      'slots:unknown',
    ]);
    const badName = await request(stack.baseUrl).put('/v1/worker-groups/has%20space').set(auth()).send({});
    expect(badName.status).toBe(400);
  });

  it('fails a job pinned to a group with no live worker, naming the group', async () => {
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'noop', runtime: 'node', source: 'export default async () => 1;' }).expect(201);
    const job = await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'noop', runOn: 'gpu' }).expect(201);
    let view = { status: '', reason: null as null | { message: string; type: string } };
    for (let i = 0; i < 150 && view.status !== 'Failed'; i++) {
      view = (await request(stack.baseUrl).get(`/v1/jobs/${job.body.id}`).set(auth())).body;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(view.status).toBe('Failed');
    expect(view.reason).toMatchObject({ type: 'NoLiveWorker', message: expect.stringContaining('"gpu"') });
  }, 30_000);
});
