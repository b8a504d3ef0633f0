import { get as httpGet } from 'node:http';
import request from 'supertest';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const THREE_RECORDS = `export default async (p, ctx) => { ctx.output('one'); ctx.warning('two'); ctx.output('three'); };`;
const WAITS_FOR_STOP = `export default async (p, ctx) => { await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)); };`;

describe('the read API: list, receive, wait', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });
  const get = (path: string) => request(stack.baseUrl).get(path).set(auth());
  const post = (path: string, body?: object) => request(stack.baseUrl).post(path).set(auth()).send(body);

  beforeAll(async () => {
    stack = await startStack();
    await post('/v1/runbooks', { name: 'three', runtime: 'node', source: THREE_RECORDS }).expect(201);
    await post('/v1/runbooks', { name: 'waits', runtime: 'node', source: WAITS_FOR_STOP }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('lists jobs by runbook and status, newest change first, in pages that miss and repeat nothing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post('/v1/jobs', { runbook: 'three', id: `list-${i}` }).expect(201)).body.id);
    for (const id of ids) await waitForStatus(stack, id, ['Completed']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(`/v1/jobs?runbook=three&status=Completed,Failed&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((j: { id: string }) => j.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([...ids].sort());
    const oldestFirst = (await get('/v1/jobs?runbook=three&sort=lastModifiedAt&limit=5').expect(200)).body.items.map((j: { lastModifiedAt: string }) => j.lastModifiedAt);
    expect(oldestFirst).toEqual([...oldestFirst].sort());
    expect((await get('/v1/jobs?runbook=three&status=Running').expect(200)).body).toEqual({ items: [], nextCursor: null });
    const bad = await get('/v1/jobs?status=Done&limit=5000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'status']);
  });

  it('receives records once, keeps them with keep=true, and says whether more are unreceived', async () => {
    const job = (await post('/v1/jobs', { runbook: 'three' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Completed']);
    for (let i = 0; i < 30 && !(await get(`/v1/jobs/${job.id}`)).body.hasMoreData; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await get(`/v1/jobs/${job.id}`)).body.hasMoreData).toBe(true);

    const first = await post(`/v1/jobs/${job.id}/receive?limit=2`).expect(200);
    expect(first.body).toMatchObject({ records: [{ seq: 1, value: 'one' }, { seq: 2, stream: 'Warning', value: 'two' }], hasMoreData: true });
    const second = await post(`/v1/jobs/${job.id}/receive`).expect(200);
    expect(second.body).toMatchObject({ records: [{ seq: 3, value: 'three' }], hasMoreData: false });
    expect((await post(`/v1/jobs/${job.id}/receive`).expect(200)).body).toEqual({ records: [], hasMoreData: false });
    expect((await post(`/v1/jobs/${job.id}/receive?keep=true`).expect(200)).body.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect((await get(`/v1/jobs/${job.id}`)).body.hasMoreData).toBe(false);
    await post('/v1/jobs/nope/receive').expect(404);
  });

  it('waits for a job until it ends, or answers as it is with timedOut on timeout', async () => {
    const job = (await post('/v1/jobs', { runbook: 'waits' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Running']);
    const started = Date.now();
    const timedOut = await get(`/v1/jobs/${job.id}/wait?timeoutSeconds=1`).expect(200);
    expect(timedOut.body).toMatchObject({ id: job.id, status: 'Running', timedOut: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const waiting = get(`/v1/jobs/${job.id}/wait?timeoutSeconds=30`);
    await new Promise((r) => setTimeout(r, 200));
    await post(`/v1/jobs/${job.id}/stop`).expect(202);
    const ended = await waiting;
    expect(ended.body).toMatchObject({ status: 'Stopped', timedOut: false });
    await get(`/v1/jobs/${job.id}/wait?timeoutSeconds=999`).expect(400);
  });

  it('waits for any of several jobs, or for all of them', async () => {
    const quick = (await post('/v1/jobs', { runbook: 'three' }).expect(201)).body;
    const slow = (await post('/v1/jobs', { runbook: 'waits' }).expect(201)).body;
    const any = await post('/v1/jobs/wait', { ids: [quick.id, slow.id], any: true, timeoutSeconds: 30 }).expect(200);
    expect(any.body.timedOut).toBe(false);
    expect(any.body.items.find((j: { id: string }) => j.id === quick.id).status).toBe('Completed');
    const all = await post('/v1/jobs/wait', { ids: [quick.id, slow.id], timeoutSeconds: 1 }).expect(200);
    expect(all.body).toMatchObject({ timedOut: true });
    expect(all.body.items.find((j: { id: string }) => j.id === slow.id)).toMatchObject({ status: 'Running', timedOut: true });
    await post(`/v1/jobs/${slow.id}/stop`).expect(202);
    expect((await post('/v1/jobs/wait', { ids: [quick.id, slow.id], timeoutSeconds: 30 }).expect(200)).body.timedOut).toBe(false);
    await post('/v1/jobs/wait', { ids: [quick.id, 'missing'] }).expect(404);
  });

  it('tells a job’s history: status changes and records in time order, each with its actor', async () => {
    const job = (await post('/v1/jobs', { runbook: 'three' }).expect(201)).body;
    await waitForStatus(stack, job.id, ['Completed']);
    let items: { kind: string; type?: string; status?: string; stream?: string; value?: unknown; actor: { kind: string; id: string } }[] = [];
    for (let i = 0; i < 30 && items.filter((x) => x.kind === 'record').length < 3; i++) {
      items = (await get(`/v1/jobs/${job.id}/history`).expect(200)).body.items;
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = items.filter((x) => x.kind === 'event');
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ['JobSubmitted', 'Queued'],
      ['JobAssigned', 'Starting'],
      ['JobStarted', 'Running'],
      ['JobCompleted', 'Completed'],
    ]);
    expect(events[0].actor).toMatchObject({ kind: 'apiKey', id: 'bootstrap' });
    expect(events[1].actor).toEqual({ kind: 'service', id: 'scheduling' });
    expect(events[2].actor).toMatchObject({ kind: 'service', id: expect.stringMatching(/^execution\//) });
    expect(items.filter((x) => x.kind === 'record').map((r) => [r.stream, r.value])).toEqual([['Output', 'one'], ['Warning', 'two'], ['Output', 'three']]);
    const firstPage = (await get(`/v1/jobs/${job.id}/history?limit=2`).expect(200)).body;
    const secondPage = (await get(`/v1/jobs/${job.id}/history?limit=100&cursor=${firstPage.nextCursor}`).expect(200)).body;
    expect([...firstPage.items, ...secondPage.items]).toEqual(items);
    await get('/v1/jobs/nope/history').expect(404);
  });

  it('counts per hour how many jobs entered each status, rebuilt from the events', async () => {
    const now = Date.now();
    const from = new Date(now - 3600_000).toISOString();
    const to = new Date(now + 3600_000).toISOString();
    const body = (await get(`/v1/dashboard/status-counts?bucket=hour&from=${from}&to=${to}&runbook=three`).expect(200)).body;
    expect(body.bucket).toBe('hour');
    expect(body.series.length).toBeGreaterThanOrEqual(2);
    const total = (status: string) => body.series.reduce((n: number, b: { counts: Record<string, number> }) => n + b.counts[status], 0);
    const completedThree = (await get('/v1/jobs?runbook=three&status=Completed&limit=1000').expect(200)).body.items.length;
    expect(total('Completed')).toBe(completedThree);
    expect(total('Queued')).toBeGreaterThanOrEqual(completedThree);
    expect(Object.keys(body.series[0].counts)).toHaveLength(12);
    const bad = await get('/v1/dashboard/status-counts?bucket=week');
    expect([bad.status, bad.body.error.details[0].field]).toEqual([400, 'bucket']);
  });

  it('streams the account’s job changes as server-sent events', async () => {
    const events: { type: string; data: { id?: string; status?: string } }[] = [];
    const received = new Promise<void>((resolve, reject) => {
      const req = httpGet(`${stack.baseUrl}/v1/events/stream`, { headers: auth() }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}');
            events.push({ type, data });
            if (type === 'ready') post('/v1/jobs', { runbook: 'three', id: 'streamed' }).expect(201).then(undefined, reject);
            if (type === 'job' && data.id === 'streamed' && data.status === 'Completed') {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    });
    await received;
    const statuses = events.filter((e) => e.type === 'job' && e.data.id === 'streamed').map((e) => e.data.status);
    // Each event carries the job as it is when read: a burst of changes may come as one.
    const order = ['Queued', 'Starting', 'Running', 'Completed'];
    expect(statuses.at(-1)).toBe('Completed');
    expect(statuses.map((s) => order.indexOf(s as string))).toEqual([...statuses.map((s) => order.indexOf(s as string))].sort((a, b) => a - b));
    const noKey = await request(stack.baseUrl).get('/v1/events/stream');
    expect(noKey.status).toBe(401);
  }, 30_000);
});
