import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { readRoundState } from './round-state';

describe('a round\'s overdue jobs against Postgres', () => {
  const config = testPlatformConfig('scheduling');
  const context = { actor: { kind: 'service' as const, id: 'test' }, correlationId: 'c', causationId: 'c' };
  let db: IsolatedDatabase;
  let handler: JobCommandHandler;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    handler = new JobCommandHandler(db.dataSource, config);
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, configured_at)
       VALUES ('short', 5, 0, true, now()), ('hybrid', 0, 0, true, now())`,
    );
  });

  afterAll(() => db.drop());

  async function runningSince(jobId: string, group: string, secondsAgo: number) {
    const at = new Date(Date.now() - secondsAgo * 1000).toISOString();
    await handler.run('acct-a', jobId, { type: 'SubmitJob', data: submitted(jobId, group).data as never }, { context });
    await handler.run('acct-a', jobId, { type: 'AssignJob', data: { worker: 'w', workerGroup: group, at } }, { context });
    await handler.run('acct-a', jobId, { type: 'StartJob', data: { worker: 'w', at } }, { context });
  }

  it('finds jobs past their group’s limit, never in an exempt group, and not those still within it', async () => {
    await runningSince('over', 'short', 10);
    await runningSince('within', 'short', 1);
    await runningSince('exempt', 'hybrid', 100_000);
    await runningSince('default-group', 'default', 60);
    const overdue = (await db.dataSource.transaction((m) => readRoundState(m, handler.schema, { workerTimeoutMs: 10_000, limit: 10, orphans: false }))).overdue.map((j) => j.job_id);
    expect(overdue).toEqual(['over']);
  });

  it('measures from the current attempt’s start, so a resumed job gets a full slice again', async () => {
    await handler.run('acct-a', 'over', { type: 'UnloadJob', data: { at: new Date().toISOString() } }, { context });
    await handler.run('acct-a', 'over', { type: 'AssignJob', data: { worker: 'w', workerGroup: 'short', at: new Date().toISOString() } }, { context });
    await handler.run('acct-a', 'over', { type: 'StartJob', data: { worker: 'w', at: new Date().toISOString() } }, { context });
    expect((await db.dataSource.transaction((m) => readRoundState(m, handler.schema, { workerTimeoutMs: 10_000, limit: 10, orphans: false }))).overdue).toEqual([]);
  });
});
