import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isolatedDatabase, isolatedTopics, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase, IsolatedTopics } from '@jobledger/testing';
import { migrationSchema } from '../db/data-source';
import { JsonLogger } from '../logging/json-logger';
import { appendToOutbox, createOutboxTableSql } from './outbox';
import { OutboxRelay } from './outbox-relay';

class CreateOutbox1732000000000 implements MigrationInterface {
  name = 'CreateOutbox1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createOutboxTableSql(migrationSchema(queryRunner)));
  }

  async down(): Promise<void> {}
}

describe('OutboxRelay against Postgres and Kafka', () => {
  const config = testPlatformConfig('outbox');
  let db: IsolatedDatabase;
  let kafka: IsolatedTopics;

  beforeAll(async () => {
    db = await isolatedDatabase(config, [CreateOutbox1732000000000]);
    kafka = await isolatedTopics(config, 1);
  });

  afterAll(async () => {
    await db.drop();
    await kafka.drop();
  });

  it('publishes committed rows in order, never rolled-back ones, and empties the outbox', async () => {
    const schema = `"${db.schema}"`;
    const topic = kafka.topics.jobEvents;
    await db.dataSource.transaction((m) => appendToOutbox(m, schema, [1, 2, 3].map((n) => ({ topic, key: 'job-1', value: `committed-${n}` }))));
    await db.dataSource
      .transaction(async (m) => {
        await appendToOutbox(m, schema, [{ topic, key: 'job-1', value: 'rolled-back' }]);
        throw new Error('the request failed');
      })
      .catch(() => undefined);

    const producer = await kafka.bus.producer();
    const relay = new OutboxRelay(db.dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 20 });
    const consumer = kafka.bus.consumer(`it-${randomUUID()}`);
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.start({ topics: [topic] }, async (batch) => {
        seen.push(...batch.messages.map((m) => String(m.value)));
        if (seen.length >= 3) resolve();
      });
    });
    relay.start();
    await done;
    await new Promise((r) => setTimeout(r, 300));
    await relay.stop();
    await consumer.stop();
    await producer.disconnect();

    expect(seen).toEqual(['committed-1', 'committed-2', 'committed-3']);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).toEqual([{ n: 0 }]);
  }, 30_000);
});
