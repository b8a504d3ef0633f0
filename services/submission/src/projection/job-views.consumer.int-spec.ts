import { createDataSource } from '@jobledger/platform';
import { delivered, eventually, isolatedDatabase, isolatedTopics, serviceConsumer, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase, IsolatedTopics, ServiceConsumer } from '@jobledger/testing';
import { SUBMISSION_MIGRATIONS } from '../migrations';
import { JobViewsConsumer } from './job-views.consumer';
import { JobViewsProjector } from './job-views.projector';

const at = '2026-11-21T10:00:00.000Z';
const JOBS = ['g1', 'g2', 'g3'];

describe('the job views consumer as the service runs it, against Kafka and Postgres', () => {
  const config = testPlatformConfig('submission');
  let db: IsolatedDatabase;
  let kafka: IsolatedTopics;
  let service: ServiceConsumer;
  const applied: number[] = [];

  beforeAll(async () => {
    db = await isolatedDatabase(config, SUBMISSION_MIGRATIONS);
    kafka = await isolatedTopics(config, 1);
    for (const id of JOBS) {
      await db.dataSource.query(`INSERT INTO "${db.schema}".jobs (account_id, id, request_hash, submitted, created_at) VALUES ('acct-a', $1, repeat('a', 64), $2, now())`, [
        id,
        JSON.stringify(submitted(id).data),
      ]);
    }
    const dataSource = createDataSource({ url: config.databaseUrl, schema: db.schema, migrations: SUBMISSION_MIGRATIONS, applicationName: 'jobledger-int-test', poolSize: 2 });
    const projector = new JobViewsProjector(dataSource, config);
    const project = projector.project.bind(projector);
    projector.project = (events) => (applied.push(events.length), project(events));
    service = serviceConsumer(config, kafka.bus, dataSource, 'job-views-test');
    new JobViewsConsumer(service.consumer, projector, config);
    await service.whenReady();
  }, 30_000);

  afterAll(async () => {
    await service?.stop();
    await db.drop();
    await kafka.drop();
  });

  it('applies what came in a quarter second together: twelve events sent 40 ms apart take a few batches, not twelve', async () => {
    const events = JOBS.flatMap((id) =>
      delivered(id, [
        submitted(id),
        { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } },
        { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
        { type: 'JobCompleted', data: { result: id, outputRecords: 0, at } },
      ]),
    );
    const sender = await kafka.bus.producer();
    const started = Date.now();
    let spanMs = 0;
    try {
      for (const { message } of events) {
        await sender.send([{ topic: kafka.topics.jobEvents, key: message.key as string, value: message.value as Buffer }]);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      spanMs = Date.now() - started;
    } finally {
      await sender.disconnect();
    }
    const statuses = async (): Promise<string[]> => (await db.dataSource.query(`SELECT view->>'status' AS status FROM "${db.schema}".jobs ORDER BY id`)).map((r: { status: string }) => r.status);
    expect(await eventually(statuses, (s) => s.every((status) => status === 'Completed'))).toEqual(['Completed', 'Completed', 'Completed']);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(12);
    // The first event alone, then fetches at least 250 ms apart while the sends went on, one more after them (one event per batch without gathering: 12).
    expect(spanMs).toBeLessThan(2_000);
    expect(applied.length).toBeLessThanOrEqual(Math.ceil(spanMs / 250) + 2);
  }, 30_000);
});
