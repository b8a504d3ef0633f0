import { delivered, isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SUBMISSION_MIGRATIONS } from '../migrations';
import { JobViewsProjector } from './job-views.projector';

const at = '2026-11-21T10:00:00.000Z';

describe('JobViewsProjector against Postgres', () => {
  const config = testPlatformConfig('submission');
  let db: IsolatedDatabase;
  let projector: JobViewsProjector;

  const takeIn = (id: string) =>
    db.dataSource.query(`INSERT INTO "${db.schema}".jobs (account_id, id, request_hash, submitted, created_at) VALUES ('acct-a', $1, repeat('a', 64), $2, now())`, [
      id,
      JSON.stringify(submitted(id).data),
    ]);

  beforeAll(async () => {
    db = await isolatedDatabase(config, SUBMISSION_MIGRATIONS);
    projector = new JobViewsProjector(db.dataSource, config);
    await takeIn('j1');
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

  it('applies a batch of several jobs, interleaved, with an event twice and a stranger’s, as one event at a time does', async () => {
    await Promise.all(['batch-1', 'batch-2', 'single-1', 'single-2'].map(takeIn));
    const lifecycle = (id: string) =>
      delivered(id, [
        submitted(id),
        { type: 'JobAssigned', data: { worker: `w-${id}`, workerGroup: 'default', attempt: 1, at } },
        { type: 'JobStarted', data: { worker: `w-${id}`, attempt: 1, at } },
        { type: 'JobCompleted', data: { result: id, outputRecords: 0, at } },
      ]);
    const [b1, b2, c1, c2] = ['batch-1', 'batch-2', 'single-1', 'single-2'].map(lifecycle);
    const stranger = delivered('nobodys', [submitted('nobodys')]);
    // batch-*: one batch, the two jobs' events interleaved, batch-1's assignment delivered twice; single-*: an event per batch.
    await projector.project([b1[0], b2[0], b1[1], stranger[0], b2[1], b1[1], b2[2], b1[2], b2[3], b1[3]]);
    for (const event of [...c1, ...c2]) await projector.project([event]);
    // Each job's view and state, with its id made the same for both sets ("job-1", "job-2").
    const views = async (prefix: string) =>
      JSON.parse(
        JSON.stringify(await db.dataSource.query(`SELECT view, state FROM "${db.schema}".jobs WHERE id LIKE $1 ORDER BY id`, [`${prefix}-%`])).replaceAll(`${prefix}-`, 'job-'),
      );
    const batched = await views('batch');
    expect(batched).toEqual(await views('single'));
    expect(batched).toHaveLength(2);
    expect(batched[1].view).toMatchObject({ id: 'job-2', status: 'Completed', worker: 'w-job-2' });
  });
});
