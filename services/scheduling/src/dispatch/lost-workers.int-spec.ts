import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { readRoundState } from './round-state';

describe('a round\'s orphaned jobs against Postgres', () => {
  const config = testPlatformConfig('scheduling');
  const context = { actor: { kind: 'service' as const, id: 'test' }, correlationId: 'c', causationId: 'c' };
  const at = new Date().toISOString();
  let db: IsolatedDatabase;
  let handler: JobCommandHandler;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    handler = new JobCommandHandler(db.dataSource, config);
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.workers (worker_id, group_name, slots, running, started_at, last_seen, stopped) VALUES
       ('alive', 'default', 4, '[]', now(), now(), false),
       ('silent', 'default', 4, '[]', now(), now() - interval '1 minute', false),
       ('stopped', 'default', 4, '[]', now(), now(), true)`,
    );
  });

  afterAll(() => db.drop());

  async function runningOn(jobId: string, worker: string) {
    await handler.run('acct-a', jobId, { type: 'SubmitJob', data: submitted(jobId).data as never }, { context });
    await handler.run('acct-a', jobId, { type: 'AssignJob', data: { worker, workerGroup: 'default', at } }, { context });
    await handler.run('acct-a', jobId, { type: 'StartJob', data: { worker, at } }, { context });
  }

  it('finds the jobs of silent, stopped and unknown workers, not of live ones', async () => {
    await runningOn('on-alive', 'alive');
    await runningOn('on-silent', 'silent');
    await runningOn('on-stopped', 'stopped');
    await runningOn('on-unknown', 'never-heard-of');
    const orphaned = (await db.dataSource.transaction((m) => readRoundState(m, handler.schema, { workerTimeoutMs: 10_000, limit: 10, orphans: true }))).orphaned;
    expect(orphaned.map((j) => `${j.job_id}@${j.worker}`).sort()).toEqual(['on-silent@silent', 'on-stopped@stopped', 'on-unknown@never-heard-of']);
  });

  it('stops finding a job once it was released', async () => {
    await handler.run('acct-a', 'on-silent', { type: 'ReleaseJob', data: { worker: 'silent', at } }, { context });
    const orphaned = (await db.dataSource.transaction((m) => readRoundState(m, handler.schema, { workerTimeoutMs: 10_000, limit: 10, orphans: true }))).orphaned;
    expect(orphaned.map((j) => j.job_id)).not.toContain('on-silent');
  });
});
