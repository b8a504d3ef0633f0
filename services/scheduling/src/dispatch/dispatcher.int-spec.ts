import { decodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import { JsonLogger, OutboxRelay } from '@jobledger/platform';
import type { Infrastructure } from '@jobledger/platform';
import { eventually, isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import type { SchedulingConfig } from '../config';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { Dispatcher } from './dispatcher';

const context = { actor: { kind: 'service' as const, id: 'test' }, correlationId: 'c', causationId: 'c' };

function submit(handler: JobCommandHandler, jobId: string, runOn: string | null = null) {
  const { data } = submitted(jobId, runOn);
  return handler.run('acct-a', jobId, { type: 'SubmitJob', data: data as never }, { context });
}

describe('Dispatcher against Postgres', () => {
  const config: SchedulingConfig = { ...testPlatformConfig('scheduling'), workerTimeoutMs: 10_000, dispatchIntervalMs: 20, accountConcurrency: 0 };
  const logger = new JsonLogger('test', 'error');
  const ready = { whenReady: () => Promise.resolve() } as Infrastructure;
  let db: IsolatedDatabase;
  let projector: JobCommandHandler;
  const dispatchers: Dispatcher[] = [];

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    projector = new JobCommandHandler(db.dataSource, config);
  });

  afterAll(async () => {
    dispatchers.forEach((d) => d.onApplicationShutdown());
    await new Promise((r) => setTimeout(r, 100));
    await db.drop();
  });

  const startDispatcher = () => {
    // The relay is never started: the test reads what the dispatcher wrote to the outbox.
    const relay = new OutboxRelay(db.dataSource, projector.schema, () => Promise.reject(new Error('not used')), logger);
    dispatchers.push(new Dispatcher(db.dataSource, projector, relay, logger, ready, config));
  };

  const outboxTypes = async (): Promise<AnyEnvelope[]> =>
    (await db.dataSource.query(`SELECT value FROM ${projector.schema}.outbox ORDER BY id`)).map((r: { value: Buffer }) => decodeEvent(r.value));

  const heartbeat = (workerId: string, group: string, slots: number) =>
    db.dataSource.query(
      `INSERT INTO ${projector.schema}.workers (worker_id, group_name, slots, running, started_at, last_seen) VALUES ($1, $2, $3, '[]', now(), now())
       ON CONFLICT (worker_id) DO UPDATE SET last_seen = now()`,
      [workerId, group, slots],
    );

  it('decides a round’s commands together as if one after another, skipping one the job’s state refuses', async () => {
    await submit(projector, 'm-a');
    await submit(projector, 'm-b');
    const at = new Date().toISOString();
    const assign = (worker: string) => ({ type: 'AssignJob' as const, data: { worker, workerGroup: 'default', at } });
    const emitted = await db.dataSource.transaction((manager) =>
      projector.executeMany(
        manager,
        [
          { accountId: 'acct-a', jobId: 'm-a', command: assign('w-x') },
          { accountId: 'acct-a', jobId: 'm-a', command: assign('w-y') }, // assigned by the command before it: refused, skipped
          { accountId: 'acct-a', jobId: 'm-b', command: assign('w-y') },
        ],
        (jobId) => ({ context: { ...context, correlationId: jobId } }),
      ),
    );
    expect(emitted).toBe(2);
    const assigned = (await outboxTypes()).filter((e) => e.type === 'JobAssigned' && (e.jobId ?? '').startsWith('m-'));
    expect(assigned.map((e) => [e.jobId, (e.data as { worker: string }).worker, e.correlationId])).toEqual([
      ['m-a', 'w-x', 'm-a'],
      ['m-b', 'w-y', 'm-b'],
    ]);
    const rows = await db.dataSource.query(`SELECT job_id, status, worker FROM ${projector.schema}.jobs WHERE job_id LIKE 'm-%' ORDER BY job_id`);
    expect(rows).toEqual([
      { job_id: 'm-a', status: 'Starting', worker: 'w-x' },
      { job_id: 'm-b', status: 'Starting', worker: 'w-y' },
    ]);
    await db.dataSource.query(`DELETE FROM ${projector.schema}.jobs WHERE job_id LIKE 'm-%'`);
    await db.dataSource.query(`DELETE FROM ${projector.schema}.outbox`);
  });

  it('says why a job waits while no worker lives, then assigns it exactly once with two dispatchers racing', async () => {
    await submit(projector, 'j-wait');
    startDispatcher();
    startDispatcher();
    const types = async () => (await outboxTypes()).map((e) => e.type);
    expect(await eventually(types, (t) => t.length >= 2)).toEqual(['JobSubmitted', 'JobQueued']);

    await heartbeat('w1', 'default', 1);
    await eventually(types, (t) => t.includes('JobAssigned'));
    // Both dispatchers had time to assign it again, had the lock let them.
    await new Promise((r) => setTimeout(r, 300));
    const events = await outboxTypes();
    expect(events.map((e) => e.type)).toEqual(['JobSubmitted', 'JobQueued', 'JobAssigned']);
    expect(events[1].data).toEqual({ reason: { message: 'waiting: no live worker; start an execution worker', type: 'NoLiveWorker', source: 'scheduler' }, at: expect.any(String) });
    expect(events[2]).toMatchObject({ jobId: 'j-wait', data: { worker: 'w1', workerGroup: 'default', attempt: 1 } });
  });

  it('keeps a pinned job off workers of other groups and never overfills a worker; a job waiting for a busy worker costs no event', async () => {
    await heartbeat('w1', 'default', 1);
    await submit(projector, 'j-pinned', 'hybrid');
    await submit(projector, 'j-second');
    await eventually(outboxTypes, (events) => events.some((e) => e.type === 'JobQueued' && e.jobId === 'j-pinned'));
    // Rounds enough to have assigned or queued j-second, had they meant to.
    await new Promise((r) => setTimeout(r, 300));
    const events = await outboxTypes();
    expect(events.filter((e) => e.type === 'JobAssigned').map((e) => e.jobId)).toEqual(['j-wait']);
    const reasons = events.filter((e) => e.type === 'JobQueued' && e.jobId !== 'j-wait').map((e) => [e.jobId, (e.data as { reason: { message: string } }).reason.message]);
    // j-second waits for w1's slot, the reason it was submitted with: no JobQueued.
    expect(reasons).toEqual([['j-pinned', 'waiting: worker group "hybrid" has no live worker yet; start a worker with WORKER_GROUP=hybrid']]);
    const rows = await db.dataSource.query(`SELECT job_id, status, wait_reason FROM ${projector.schema}.jobs WHERE job_id IN ('j-pinned', 'j-second') ORDER BY job_id`);
    expect(rows).toEqual([
      { job_id: 'j-pinned', status: 'Queued', wait_reason: reasons[0][1] },
      { job_id: 'j-second', status: 'Queued', wait_reason: null },
    ]);
  });
});

describe('Dispatcher with a pinned group that has no live worker', () => {
  const config: SchedulingConfig = { ...testPlatformConfig('scheduling'), workerTimeoutMs: 1_000, dispatchIntervalMs: 20, accountConcurrency: 0 };
  const logger = new JsonLogger('test', 'error');
  let db: IsolatedDatabase;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
  });

  afterAll(async () => {
    dispatcher?.onApplicationShutdown();
    await new Promise((r) => setTimeout(r, 100));
    await db.drop();
  });

  it('fails the job with a reason that names the group, once workers had time to announce themselves', async () => {
    const projector = new JobCommandHandler(db.dataSource, config);
    const relay = new OutboxRelay(db.dataSource, projector.schema, () => Promise.reject(new Error('not used')), logger);
    await submit(projector, 'j-gpu', 'gpu');
    dispatcher = new Dispatcher(db.dataSource, projector, relay, logger, { whenReady: () => Promise.resolve() } as Infrastructure, config);
    await new Promise((r) => setTimeout(r, 400));
    const statusOf = async () => (await db.dataSource.query(`SELECT status, state FROM ${projector.schema}.jobs WHERE job_id = 'j-gpu'`))[0];
    expect((await statusOf()).status).toBe('Queued');
    const row = await eventually(statusOf, (r) => r.status !== 'Queued');
    expect(row.status).toBe('Failed');
    expect(row.state.reason).toMatchObject({ type: 'NoLiveWorker', source: 'scheduler', message: expect.stringContaining('"gpu"') });
  });
});
