import { isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { delivered, submitted } from '@jobledger/testing';
import { JobStateProjector } from './job-state.projector';

const at = '2026-11-21T10:00:00.000Z';

describe('JobStateProjector against Postgres', () => {
  const config = testPlatformConfig('scheduling');
  let db: IsolatedDatabase;
  let projector: JobStateProjector;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    projector = new JobStateProjector(db.dataSource, config);
  });

  afterAll(() => db.drop());

  const row = async (jobId: string) => (await db.dataSource.query(`SELECT status, worker, state FROM ${projector.schema}.jobs WHERE job_id = $1`, [jobId]))[0];

  it('folds a job’s events into its status and worker', async () => {
    await projector.project(delivered('j-fold', [submitted('j-fold'), { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } }]));
    expect(await row('j-fold')).toMatchObject({ status: 'Starting', worker: 'w1', state: { attempt: 1, revision: 2 } });
  });

  it('is idempotent when the same events are delivered twice', async () => {
    const events = delivered('j-twice', [
      submitted('j-twice'),
      { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } },
      { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
    ]);
    await projector.project(events);
    const once = await row('j-twice');
    await projector.project(events);
    await projector.project(events.slice(1));
    expect(await row('j-twice')).toEqual(once);
    expect(once.state.revision).toBe(3);
  });
});
