import { decodeEvent } from '@jobledger/events';
import { JsonLogger, OutboxRelay } from '@jobledger/platform';
import type { Infrastructure } from '@jobledger/platform';
import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import type { SchedulingConfig } from '../config';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { Dispatcher } from './dispatcher';

describe('Dispatcher fairness between accounts against Postgres', () => {
  const config: SchedulingConfig = { ...testPlatformConfig('scheduling'), workerTimeoutMs: 10_000, dispatchIntervalMs: 20, accountConcurrency: 0 };
  const context = { actor: { kind: 'service' as const, id: 'test' }, correlationId: 'c', causationId: 'c' };
  const logger = new JsonLogger('test', 'error');
  let db: IsolatedDatabase;
  let handler: JobCommandHandler;
  let dispatcher: Dispatcher | undefined;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    handler = new JobCommandHandler(db.dataSource, config);
  });

  afterAll(async () => {
    dispatcher?.onApplicationShutdown();
    await new Promise((r) => setTimeout(r, 100));
    await db.drop();
  });

  const submit = (account: string, jobId: string, priority = 0) =>
    handler.run(account, jobId, { type: 'SubmitJob', data: { ...submitted(jobId).data, accountId: account, priority } as never }, { context });

  const assignedJobs = async (): Promise<{ accountId: string; jobId: string }[]> =>
    (await db.dataSource.query(`SELECT value FROM ${handler.schema}.outbox ORDER BY id`))
      .map((r: { value: Buffer }) => decodeEvent(r.value))
      .filter((e: { type: string }) => e.type === 'JobAssigned');

  it('does not let one account’s 10,000 queued jobs starve another account’s one job', async () => {
    await submit('busy', 'template');
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.jobs (account_id, job_id, status, run_on, priority, submitted_at, worker, state, view)
       SELECT 'busy', 'bulk-' || g, 'Queued', NULL, 0, now() - interval '1 hour' + g * interval '1 ms', NULL, t.state, t.view
       FROM generate_series(1, 10000) g, (SELECT state, view FROM ${handler.schema}.jobs WHERE job_id = 'template') t`,
    );
    await submit('quiet', 'lonely');
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.workers (worker_id, group_name, slots, running, started_at, last_seen) VALUES ('w1', 'default', 2, '[]', now(), now())`,
    );
    const relay = new OutboxRelay(db.dataSource, handler.schema, () => Promise.reject(new Error('not used')), logger);
    const started = Date.now();
    dispatcher = new Dispatcher(db.dataSource, handler, relay, logger, { whenReady: () => Promise.resolve() } as Infrastructure, config);

    let assigned: { accountId: string; jobId: string }[] = [];
    for (let i = 0; i < 100 && assigned.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      assigned = await assignedJobs();
    }
    process.stdout.write(`first two assignments among 10,002 queued jobs after ${Date.now() - started} ms\n`);
    expect(assigned.map((e) => e.accountId).sort()).toEqual(['busy', 'quiet']);
    expect(assigned.find((e) => e.accountId === 'quiet')?.jobId).toBe('lonely');
  }, 30_000);

  it('orders an account’s jobs by priority, then by age', async () => {
    await submit('ranked', 'old-low', 0);
    await submit('ranked', 'new-high', 10);
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.workers (worker_id, group_name, slots, running, started_at, last_seen) VALUES ('w2', 'ranked-only', 1, '[]', now(), now())`,
    );
    await db.dataSource.query(`UPDATE ${handler.schema}.jobs SET run_on = 'ranked-only' WHERE account_id = 'ranked'`);
    let ranked: { jobId: string }[] = [];
    for (let i = 0; i < 50 && ranked.length < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ranked = (await assignedJobs()).filter((e) => e.accountId === 'ranked');
    }
    expect(ranked.map((e) => e.jobId)).toEqual(['new-high']);
  }, 15_000);
});
