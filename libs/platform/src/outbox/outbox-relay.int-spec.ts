import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { DataSource } from 'typeorm';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { EventBus, EventProducer, OutboundMessage, TopicAdmin } from '@jobledger/kafka';
import { createDataSource, migrationSchema, runMigrations } from '../db/data-source';
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
  // Its own schema and topic on the real infrastructure (libs/testing depends on this lib, so it is not used here).
  const id = randomUUID().slice(0, 8);
  const schemaName = `it_${id}_outbox`;
  const topic = `it.${id}.job-events`;
  let dataSource: DataSource;
  let bus: EventBus;
  let admin: TopicAdmin;

  beforeAll(async () => {
    dataSource = createDataSource({
      url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
      schema: schemaName,
      migrations: [CreateOutbox1732000000000],
      applicationName: 'outbox-int-spec',
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    bus = createKafkajsEventBus({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'outbox-int-spec', log: () => undefined });
    admin = await bus.admin();
    await admin.ensureTopics([{ name: topic, configs: {} }], 1, 1);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
    await dataSource.destroy();
    await admin.deleteTopics([topic]);
    await admin.disconnect();
  });

  it('publishes committed rows in order, never rolled-back ones, and empties the outbox', async () => {
    const schema = `"${schemaName}"`;
    // Bytes that an array literal or bytea escaping could garble: quotes, backslashes, braces, commas, NUL, non-ASCII.
    const tricky = 'committed-2 {"a\\b", \\x00} \u0000 é ☃';
    await dataSource.transaction((m) => appendToOutbox(m, schema, ['committed-1', tricky, 'committed-3'].map((value) => ({ topic, key: 'job-1', value }))));
    await dataSource
      .transaction(async (m) => {
        await appendToOutbox(m, schema, [{ topic, key: 'job-1', value: 'rolled-back' }]);
        throw new Error('the request failed');
      })
      .catch(() => undefined);

    const producer = await bus.producer();
    const relay = new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 20 });
    const consumer = bus.consumer(`it-${randomUUID()}`);
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

    expect(seen).toEqual(['committed-1', tricky, 'committed-3']);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).toEqual([{ n: 0 }]);
  }, 30_000);

  it('keeps the rows of a send Kafka refused and publishes them, in order and once, with a later round', async () => {
    const schema = `"${schemaName}"`;
    const real = await bus.producer();
    let refusals = 2;
    const { producer, sent } = recording(real, async () => {
      if (refusals-- > 0) throw new Error('KafkaJSNumberOfRetriesExceeded: broker away');
    });
    // Three rounds' worth of rows (batches of 2), written by two transactions.
    await dataSource.transaction((m) => appendToOutbox(m, schema, ['a', 'b', 'c'].map((value) => ({ topic, key: 'job-3', value }))));
    await dataSource.transaction((m) => appendToOutbox(m, schema, ['d', 'e'].map((value) => ({ topic, key: 'job-3', value }))));
    const relay = new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 20, batchSize: 2 });
    relay.start();
    try {
      await eventuallyTrue(() => sent.length === 5, 10_000);
    } finally {
      await relay.stop();
      await real.disconnect();
    }
    expect(refusals).toBeLessThan(0);
    expect(sent.map((s) => s.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).toEqual([{ n: 0 }]);
  }, 30_000);

  it('publishes every row once and in order while two relays share the outbox', async () => {
    const schema = `"${schemaName}"`;
    const real = await bus.producer();
    const { producer, sent } = recording(real);
    const relays = [1, 2].map(() => new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 5, batchSize: 3 }));
    relays.forEach((r) => r.start());
    const written: string[] = [];
    try {
      for (let t = 0; t < 20; t++) {
        const values = [0, 1].map((i) => `row-${t * 2 + i}`);
        await dataSource.transaction((m) => appendToOutbox(m, schema, values.map((value) => ({ topic, key: 'job-4', value }))));
        written.push(...values);
        relays[t % 2].kick();
      }
      await eventuallyTrue(() => sent.length >= written.length, 10_000);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await real.disconnect();
    }
    expect(sent.map((s) => s.value)).toEqual(written);
  }, 30_000);

  it('publishes rows whose kick came while a batch was being sent at once, not at the next poll', async () => {
    const schema = `"${schemaName}"`;
    const real = await bus.producer();
    let slowFirst = true;
    // The first send takes 500 ms: the second row is committed and kicked while it is out.
    const { producer, sent } = recording(real, async () => {
      if (slowFirst) {
        slowFirst = false;
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    const relay = new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 10_000 });
    await dataSource.transaction((m) => appendToOutbox(m, schema, [{ topic, key: 'job-2', value: 'first' }]));
    relay.start();
    let kickedAt = 0;
    try {
      await new Promise((r) => setTimeout(r, 200));
      await dataSource.transaction((m) => appendToOutbox(m, schema, [{ topic, key: 'job-2', value: 'second' }]));
      kickedAt = Date.now();
      relay.kick();
      await eventuallyTrue(() => sent.length === 2, 5_000);
    } finally {
      await relay.stop();
      await real.disconnect();
    }
    expect(sent.map((s) => s.value)).toEqual(['first', 'second']);
    // Published right after the first batch (~300 ms after the kick), long before the 10 s poll.
    expect(sent[1].at - kickedAt).toBeLessThan(2_000);
  }, 30_000);

  it('hears about the commits of a relay that does not publish at once, and leaves no lock behind when stopped', async () => {
    const schema = `"${schemaName}"`;
    const real = await bus.producer();
    const { producer, sent } = recording(real);
    // Polls 10 s apart: only the second relay's NOTIFY can make the first publish sooner.
    const [publishing, other] = [1, 2].map(() => new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 10_000 }));
    publishing.start();
    let kickedAt = 0;
    try {
      await eventuallyTrue(async () => (await relayLocks(schema)) === 1, 5_000);
      other.start();
      await new Promise((r) => setTimeout(r, 200)); // its first round found the lock taken: it follows
      publishing.kick(); // a round of the leader's (its own service committed): it sees a follower, and listens
      await new Promise((r) => setTimeout(r, 200));
      await dataSource.transaction((m) => appendToOutbox(m, schema, [{ topic, key: 'job-5', value: 'from-the-other-replica' }]));
      kickedAt = Date.now();
      other.kick();
      await eventuallyTrue(() => sent.length === 1, 5_000);
    } finally {
      await Promise.all([publishing.stop(), other.stop()]);
      await real.disconnect();
    }
    expect(sent[0].value).toBe('from-the-other-replica');
    expect(sent[0].at - kickedAt).toBeLessThan(2_000);
    expect(await relayLocks(schema)).toBe(0);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).toEqual([{ n: 0 }]);
  }, 30_000);

  it('goes on publishing, in order and without a gap, when the publishing relay loses its connection', async () => {
    const schema = `"${schemaName}"`;
    const real = await bus.producer();
    const { producer, sent } = recording(real);
    const relays = [1, 2].map(() => new OutboxRelay(dataSource, schema, async () => producer, new JsonLogger('test', 'error'), { pollMs: 50, batchSize: 2 }));
    relays.forEach((r) => r.start());
    const written: string[] = [];
    const write = async (values: string[]) => {
      await dataSource.transaction((m) => appendToOutbox(m, schema, values.map((value) => ({ topic, key: 'job-6', value }))));
      written.push(...values);
      relays.forEach((r) => r.kick());
    };
    try {
      await write(['before-1', 'before-2', 'before-3']);
      await eventuallyTrue(() => sent.length >= 3, 5_000);
      // Postgres ends the publishing relay's session, as a restart or a network failure would.
      const [{ ended }] = await dataSource.query(`SELECT count(pg_terminate_backend(pid))::int AS ended ${RELAY_LOCK_HOLDERS}`, [`${schema}.outbox`]);
      expect(ended).toBe(1);
      await write(['after-1', 'after-2', 'after-3']);
      await eventuallyTrue(() => written.every((w) => sent.some((s) => s.value === w)), 10_000);
      await eventuallyTrue(async () => (await relayLocks(schema)) === 1, 5_000);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await real.disconnect();
    }
    // A row published just before the session ended may come again (consumers drop it by event id); none is lost or out of order.
    const firstSeen = sent.map((s) => s.value).filter((value, i, all) => all.indexOf(value) === i);
    expect(firstSeen).toEqual(written);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).toEqual([{ n: 0 }]);
  }, 30_000);

  /** Sessions holding the relays' lock of the outbox. */
  async function relayLocks(schema: string): Promise<number> {
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n ${RELAY_LOCK_HOLDERS}`, [`${schema}.outbox`]);
    return n;
  }
});

/** The sessions that hold the relays' advisory lock on the outbox named by $1 (`"schema".outbox`). */
const RELAY_LOCK_HOLDERS = `FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::int = hashtext($1)`;

/**
 * A producer that sends through the real one and records each message Kafka acknowledged, with
 * when; `beforeSend` runs ahead of every send (to refuse or delay it).
 */
function recording(real: EventProducer, beforeSend: () => Promise<void> = async () => undefined): { producer: EventProducer; sent: { value: string; at: number }[] } {
  const sent: { value: string; at: number }[] = [];
  const producer: EventProducer = {
    async send(messages: OutboundMessage[]) {
      await beforeSend();
      await real.send(messages);
      sent.push(...messages.map((m) => ({ value: String(m.value), at: Date.now() })));
    },
    disconnect: () => real.disconnect(),
  };
  return { producer, sent };
}

async function eventuallyTrue(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
