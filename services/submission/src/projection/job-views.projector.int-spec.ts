import { delivered, isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SUBMISSION_MIGRATIONS } from '../migrations';
import { JobViewsProjector } from './job-views.projector';

const at = '2026-11-21T10:00:00.000Z';

describe('JobViewsProjector against Postgres', () => {
  const config = testPlatformConfig('submission');
  let db: IsolatedDatabase;
  let projector: JobViewsProjector;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SUBMISSION_MIGRATIONS);
    projector = new JobViewsProjector(db.dataSource, config);
    await db.dataSource.query(
      `INSERT INTO "${db.schema}".jobs (account_id, id, request_hash, submitted, created_at) VALUES ('acct-a', 'j1', repeat('a', 64), $1, now())`,
      [JSON.stringify(submitted('j1').data)],
    );
  });

  afterAll(() => db.drop());

  const viewOf = async () => (await db.dataSource.query(`SELECT view FROM "${db.schema}".jobs WHERE id = 'j1'`))[0].view;

  it('keeps the submitted job’s view current, and is idempotent when the same events come twice', async () => {
    const events = delivered('j1', [
      submitted('j1'),
      { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } },
      { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
      { type: 'JobCompleted', data: { result: 1, outputRecords: 0, at } },
    ]);
    await projector.project(events);
    const once = await viewOf();
    expect(once).toMatchObject({ id: 'j1', status: 'Completed', worker: 'w1' });
    await projector.project(events);
    expect(await viewOf()).toEqual(once);
  });

  it('ignores events of jobs this service did not take in', async () => {
    await expect(projector.project(delivered('someone-elses', [submitted('someone-elses')]))).resolves.toBeUndefined();
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM "${db.schema}".jobs`)).toEqual([{ n: 1 }]);
  });
});
