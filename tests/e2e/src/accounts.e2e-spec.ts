import request from 'supertest';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const RUNBOOK = `export default async (p, ctx) => { ctx.output('secret of ' + p.who); };`;

describe('accounts, keys and roles, end to end', () => {
  let stack: Stack;
  let other: { accountId: string; adminKey: string; jobId: string };
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const admin = () => as(stack.adminKey);

  beforeAll(async () => {
    stack = await startStack();
    const account = (await request(stack.baseUrl).post('/v1/accounts').set(admin()).send({ name: 'acme' }).expect(201)).body;
    const key = (await request(stack.baseUrl).post('/v1/keys').set(admin()).send({ role: 'admin', accountId: account.id }).expect(201)).body;
    expect(key).toMatchObject({ role: 'admin', accountId: account.id, key: expect.stringMatching(/^jl_/) });
    await request(stack.baseUrl).post('/v1/runbooks').set(as(key.key)).send({ name: 'private', runtime: 'node', source: RUNBOOK }).expect(201);
    const job = (await request(stack.baseUrl).post('/v1/jobs').set(as(key.key)).send({ runbook: 'private', parameters: { who: 'acme' } }).expect(201)).body;
    other = { accountId: account.id, adminKey: key.key, jobId: job.id };
    await waitForStatus({ ...stack, adminKey: key.key }, job.id, ['Completed']);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('answers another account’s job id with 404 on every endpoint, and never lists it', async () => {
    const id = other.jobId;
    const base = request(stack.baseUrl);
    for (const call of [
      base.get(`/v1/jobs/${id}`),
      base.get(`/v1/jobs/${id}/output`),
      base.get(`/v1/jobs/${id}/source`),
      base.get(`/v1/jobs/${id}/wait?timeoutSeconds=0`),
      base.post(`/v1/jobs/${id}/receive`),
      base.post(`/v1/jobs/${id}/stop`),
      base.post(`/v1/jobs/${id}/suspend`),
      base.post(`/v1/jobs/${id}/resume`),
    ]) {
      const res = await call.set(admin());
      expect([res.status, res.body.error?.code]).toEqual([404, 'JOB_NOT_FOUND']);
    }
    const waitMany = await base.post('/v1/jobs/wait').set(admin()).send({ ids: [id], timeoutSeconds: 0 });
    expect(waitMany.status).toBe(404);
    const listed = (await base.get('/v1/jobs?limit=1000').set(admin()).expect(200)).body.items.map((j: { id: string }) => j.id);
    expect(listed).not.toContain(id);
    // …while its own account sees it.
    await base.get(`/v1/jobs/${id}`).set(as(other.adminKey)).expect(200);
    // A job id of the same name in another account is another job.
    await base.post('/v1/runbooks').set(admin()).send({ name: 'private', runtime: 'node', source: RUNBOOK }).expect(201);
  });

  it('gives each role what the spec says: readers read, operators run jobs, admins manage', async () => {
    const make = async (role: string) => (await request(stack.baseUrl).post('/v1/keys').set(as(other.adminKey)).send({ role }).expect(201)).body.key;
    const reader = await make('reader');
    const operator = await make('operator');
    await request(stack.baseUrl).get(`/v1/jobs/${other.jobId}`).set(as(reader)).expect(200);
    const refused = await request(stack.baseUrl).post('/v1/jobs').set(as(reader)).send({ runbook: 'private' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    await request(stack.baseUrl).post('/v1/jobs').set(as(operator)).send({ runbook: 'private' }).expect(201);
    await request(stack.baseUrl).post('/v1/runbooks').set(as(operator)).send({ name: 'x', runtime: 'node', source: RUNBOOK }).expect(403);
    await request(stack.baseUrl).post('/v1/accounts').set(as(other.adminKey)).send({ name: 'not-allowed' }).expect(403);
  });

  it('keeps an account admin to its own account’s keys, and revokes keys', async () => {
    await request(stack.baseUrl).post('/v1/keys').set(as(other.adminKey)).send({ role: 'reader', accountId: 'default' }).expect(403);
    const created = (await request(stack.baseUrl).post('/v1/keys').set(as(other.adminKey)).send({ role: 'reader' }).expect(201)).body;
    await request(stack.baseUrl).get(`/v1/jobs/${other.jobId}`).set(as(created.key)).expect(200);
    const ownKey = (await request(stack.baseUrl).post('/v1/keys').set(admin()).send({ role: 'reader' }).expect(201)).body;
    await request(stack.baseUrl).delete(`/v1/keys/${ownKey.id}`).set(as(other.adminKey)).expect(404);
    await request(stack.baseUrl).delete(`/v1/keys/${created.id}`).set(as(other.adminKey)).expect(204);
    const revoked = await request(stack.baseUrl).get(`/v1/jobs/${other.jobId}`).set(as(created.key));
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    await request(stack.baseUrl).post('/v1/keys').set(admin()).send({ role: 'root' }).expect(400);
    await request(stack.baseUrl).post('/v1/keys').set(admin()).send({ role: 'reader', accountId: 'no-such-account' }).expect(404);
    await request(stack.baseUrl).post('/v1/accounts').set(admin()).send({ name: 'acme' }).expect(409);
  });
});
