import { randomUUID } from 'node:crypto';
import { encodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import { createDataSource } from '@jobledger/platform';
import { eventually, isolatedDatabase, isolatedTopics, serviceConsumer, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase, IsolatedTopics, ServiceConsumer } from '@jobledger/testing';
import { EXECUTION_MIGRATIONS } from '../migrations';
import { JobSpecStore, startSpecsProjection } from './job-spec.store';
import { waitForSpec } from './wait-for-spec';

const at = '2026-11-21T10:00:00.000Z';

function envelope(type: string, jobId: string | undefined, data: Record<string, unknown>): AnyEnvelope {
  return { id: randomUUID(), type, schemaVersion: 1, accountId: 'acct-a', jobId, occurredAt: at, actor: { kind: 'service', id: 'test' }, correlationId: 'c', causationId: 'c', data } as AnyEnvelope;
}

describe('the specs projection as workers run it, against Kafka and Postgres', () => {
  const config = testPlatformConfig('execution');
  let db: IsolatedDatabase;
  let kafka: IsolatedTopics;
  let store: JobSpecStore;
  let service: ServiceConsumer;
  let transactions = 0;

  /** Each envelope in a send of its own, a moment apart, so each comes in a fetch of its own. */
  async function publishOneByOne(topic: string, envelopes: AnyEnvelope[]): Promise<void> {
    const sender = await kafka.bus.producer();
    try {
      for (const e of envelopes) {
        await sender.send([{ topic, key: e.jobId ?? `${e.accountId}/rb`, value: encodeEvent(e) }]);
        await new Promise((r) => setTimeout(r, 60));
      }
    } finally {
      await sender.disconnect();
    }
  }

  beforeAll(async () => {
    db = await isolatedDatabase(config, EXECUTION_MIGRATIONS);
    kafka = await isolatedTopics(config, 1);
    // The service's own connection, which the infrastructure opens and closes; its transactions counted.
    const dataSource = createDataSource({ url: config.databaseUrl, schema: db.schema, migrations: EXECUTION_MIGRATIONS, applicationName: 'jobledger-int-test', poolSize: 4 });
    const transaction = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
    dataSource.transaction = ((...args: unknown[]) => (transactions++, transaction(...args))) as typeof dataSource.transaction;
    store = new JobSpecStore(dataSource, config);
    service = serviceConsumer(config, kafka.bus, dataSource, 'specs-test');
    startSpecsProjection(service.consumer, store, kafka.topics);
  }, 30_000);

  afterAll(async () => {
    await service?.stop();
    await db.drop();
    await kafka.drop();
  });

  it('applies a job’s submission, takes no transaction for the job events it ignores, and still stores their positions', async () => {
    const runbook = { name: 'rb', version: 1, sha256: 'a'.repeat(64), runtime: 'node' };
    await publishOneByOne(kafka.topics.runbookEvents, [envelope('RunbookPublished', undefined, { ...runbook, source: 'export default async () => 1;', runOn: null, description: null, at })]);
    await service.whenReady();
    await publishOneByOne(kafka.topics.jobEvents, [envelope('JobSubmitted', 'job-1', { ...submitted('job-1').data, runbook })]);
    await eventually(() => store.find('acct-a', 'job-1'), (spec) => spec !== null, 20_000);

    const before = transactions;
    await publishOneByOne(kafka.topics.jobEvents, [
      envelope('JobAssigned', 'job-1', { worker: 'w1', workerGroup: 'default', attempt: 1, at }),
      envelope('JobStarted', 'job-1', { worker: 'w1', attempt: 1, at }),
      envelope('JobCompleted', 'job-1', { result: 1, outputRecords: 0, at }),
    ]);
    // Offsets 1..3 of the one partition: stored within about a second, by one transaction for the three fetches.
    await eventually(() => store.hasProjectedPast({ topic: kafka.topics.jobEvents, partition: 0, offset: '3' }), (past) => past, 10_000);
    expect(transactions - before).toBe(1);
  }, 40_000);

  it('ends a worker’s pause as soon as its own process has projected the job’s submission', async () => {
    const runbook = { name: 'rb', version: 1, sha256: 'a'.repeat(64), runtime: 'node' };
    // The assignment is seen first (as when both come in one fetch): the first look finds nothing and pauses for 5 s.
    const started = Date.now();
    const waiting = waitForSpec(store, 'acct-a', 'job-2', { topic: kafka.topics.jobEvents, partition: 0, offset: '99' }, new AbortController().signal, { pollMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    await publishOneByOne(kafka.topics.jobEvents, [envelope('JobSubmitted', 'job-2', { ...submitted('job-2').data, runbook })]);
    const result = await waiting;
    expect('spec' in result && result.spec.submitted.jobId).toBe('job-2');
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 20_000);

  it('still tells a job whose submission never came, once the projection passed its assignment', async () => {
    await publishOneByOne(kafka.topics.jobEvents, [envelope('JobAssigned', 'job-lost', { worker: 'w1', workerGroup: 'default', attempt: 1, at })]);
    const started = Date.now();
    const result = await waitForSpec(store, 'acct-a', 'job-lost', { topic: kafka.topics.jobEvents, partition: 0, offset: '5' }, new AbortController().signal, { pollMs: 20, maxPollMs: 100 });
    expect(result).toEqual({ missing: expect.stringContaining('its submission is not on') });
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);

  it('writes the submissions of one fetch together, and gives a first attempt its spec from memory, once', async () => {
    const runbook = { name: 'rb', version: 1, sha256: 'a'.repeat(64), runtime: 'node' };
    const ids = ['batch-1', 'batch-2', 'batch-3'];
    const sender = await kafka.bus.producer();
    await sender.send(ids.map((id) => ({ topic: kafka.topics.jobEvents, key: id, value: encodeEvent(envelope('JobSubmitted', id, { ...submitted(id).data, runbook })) })));
    await sender.disconnect();
    const stored = () => db.dataSource.query(`SELECT job_id FROM ${store.schema}.job_specs WHERE job_id LIKE 'batch-%' ORDER BY job_id`);
    expect(await eventually(stored, (rows) => rows.length === 3, 20_000)).toEqual(ids.map((job_id) => ({ job_id })));

    // Gone from Postgres, still known to this process: only a first attempt may use that.
    await db.dataSource.query(`DELETE FROM ${store.schema}.job_specs WHERE job_id = 'batch-1'`);
    expect(await store.find('acct-a', 'batch-1')).toBeNull();
    const fromMemory = await store.find('acct-a', 'batch-1', true);
    expect(fromMemory).toEqual({ submitted: expect.objectContaining({ jobId: 'batch-1', runbook }), source: 'export default async () => 1;', runtime: 'node', lastCheckpoint: null, lastSeq: 0 });
    // Taken: the next look reads Postgres again.
    expect(await store.find('acct-a', 'batch-1', true)).toBeNull();
    // The same spec from either place.
    const viaPostgres = await store.find('acct-a', 'batch-2');
    expect(await store.find('acct-a', 'batch-2', true)).toEqual({ ...viaPostgres, lastSeq: 0 });
  }, 40_000);
});
