import { encodeEvent } from '@jobledger/events';
import { ProjectionPositions, quoteIdent, runMigrations, createDataSource } from '@jobledger/platform';
import { eventually, isolatedDatabase, isolatedTopics, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase, IsolatedTopics } from '@jobledger/testing';
import { READ_MODEL_MIGRATIONS } from './migrations';
import { chainSha256 } from './read-model.projector';
import { READ_MODEL_CONSUMER } from './rebuild-read-model';
import { jobLifecycle } from './testing/envelopes';
import { startLiveProjection } from './testing/live-projection';
import { publish, publishRaw } from './testing/publish';

describe('the read model’s consumer, positions stored with the projection', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let kafka: IsolatedTopics;
  let schema: string;

  beforeAll(async () => {
    db = await isolatedDatabase(config, READ_MODEL_MIGRATIONS);
    kafka = await isolatedTopics(config, 2);
    schema = quoteIdent(db.schema);
  });

  afterAll(async () => {
    await db.drop();
    await kafka.drop();
  });

  const completed = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM ${schema}.jobs WHERE status = 'Completed'`))[0].n);
  const positions = () => new ProjectionPositions(db.dataSource, schema, READ_MODEL_CONSUMER).all();

  it('resumes exactly where it stopped after a restart, applies a redelivered or duplicated event once, and keeps each job’s digest', async () => {
    const first = Array.from({ length: 10 }, (_, i) => jobLifecycle(`job-${i}`, 'Completed'));
    await publish(kafka.bus, kafka.topics.jobEvents, first.flat());
    const a = startLiveProjection(config, kafka.bus);
    await eventually(completed, (n) => n === 10, 20_000);
    await a.stop();
    expect(a.paths.optimistic).toBeGreaterThan(0); // live fetches are applied without a transaction
    const stoppedAt = await positions();
    expect(stoppedAt.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(40);

    const second = Array.from({ length: 10 }, (_, i) => jobLifecycle(`job-${10 + i}`, 'Completed'));
    await publish(kafka.bus, kafka.topics.jobEvents, second.flat());
    // The outbox relay may publish an event twice: the same bytes at a new offset.
    const duplicate = first[0][3];
    await publishRaw(kafka.bus, kafka.topics.jobEvents, duplicate.jobId as string, encodeEvent(duplicate));
    await publishRaw(kafka.bus, kafka.topics.jobEvents, 'job-poison', 'not an event');

    const b = startLiveProjection(config, kafka.bus);
    const total = async () => (await positions()).reduce((sum, p) => sum + Number(p.offset), 0);
    await eventually(total, (n) => n === 82, 20_000);
    await b.stop();
    expect(await completed()).toBe(20);
    // Nothing the first run had applied was handed to the projector again.
    for (const batch of b.applied) {
      for (const { message } of batch) {
        const before = stoppedAt.find((p) => p.topic === message.topic && p.partition === message.partition);
        expect(BigInt(message.offset)).toBeGreaterThanOrEqual(BigInt(before?.offset ?? '0'));
      }
    }
    const jobs: { id: string; event_count: number; log_sha256: string }[] = await db.dataSource.query(`SELECT id, event_count, log_sha256 FROM ${schema}.jobs`);
    for (const events of [...first, ...second]) {
      const job = jobs.find((j) => j.id === events[0].jobId);
      expect(job).toEqual({ id: events[0].jobId, event_count: 4, log_sha256: events.reduce<string | null>((h, e) => chainSha256(h, encodeEvent(e)), null) });
    }
  }, 60_000);

  it('rebuilds an emptied schema from the beginning of the log, whatever Kafka has committed', async () => {
    await db.dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
    const again = createDataSource({ url: config.databaseUrl, schema: db.schema, migrations: READ_MODEL_MIGRATIONS, applicationName: 'jobledger-int-test' });
    await again.initialize();
    await runMigrations(again);
    await again.destroy();
    const c = startLiveProjection(config, kafka.bus);
    await eventually(completed, (n) => n === 20, 20_000);
    await c.stop();
  }, 60_000);

  it('applies the rest of a fetch when one event cannot be projected, and dead-letters only that one', async () => {
    const lifecycles = Array.from({ length: 6 }, (_, i) => jobLifecycle(`job-poisoned-${i}`, 'Completed'));
    const poisoned = lifecycles[2][1];
    const before = (await positions()).reduce((sum, p) => sum + Number(p.offset), 0);
    const deadLetters = async () => (await kafka.bus.reader().endOffsets([kafka.topics.deadLetter])).reduce((sum, p) => sum + Number(p.offset), 0);
    const deadBefore = await deadLetters();
    // All there before the consumer starts: the first fetch brings both partitions, handed over as one group.
    await publish(kafka.bus, kafka.topics.jobEvents, lifecycles.flat());
    const d = startLiveProjection(config, kafka.bus, (e) => e.envelope.id === poisoned.id);
    const total = async () => (await positions()).reduce((sum, p) => sum + Number(p.offset), 0);
    await eventually(total, (n) => n === before + 24, 20_000);
    await d.stop();
    const applied = d.applied.flat().map((e) => e.envelope.id);
    expect(applied).not.toContain(poisoned.id);
    expect(new Set(applied)).toEqual(new Set(lifecycles.flat().filter((e) => e.id !== poisoned.id).map((e) => e.id)));
    expect(applied).toHaveLength(23); // each once: the failed group's transaction left nothing behind
    const history: { n: number }[] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.job_history WHERE job_id LIKE 'job-poisoned-%'`);
    expect(history).toEqual([{ n: 23 }]);
    expect(await deadLetters()).toBe(deadBefore + 1);
  }, 60_000);
});
