import { randomUUID } from 'node:crypto';
import { createKafkajsEventBus } from './kafkajs-event-bus';
import type { EventBus, InboundMessage, TopicAdmin } from '../port/event-bus.port';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = () => undefined;

describe('kafkajs event bus against a real broker', () => {
  const topic = `test.${randomUUID()}.events`;
  let bus: EventBus;
  let admin: TopicAdmin;

  beforeAll(async () => {
    bus = createKafkajsEventBus({ brokers, clientId: 'kafka-int-spec', log: quiet });
    admin = await bus.admin();
    await admin.ensureTopics([{ name: topic, configs: { 'retention.ms': '-1' } }], 2, 1);
  });

  afterAll(async () => {
    await admin.deleteTopics([topic]);
    await admin.disconnect();
  });

  it('creates topics idempotently', async () => {
    await expect(admin.ensureTopics([{ name: topic, configs: {} }], 2, 1)).resolves.toEqual([]);
  });

  it('answers a ping', async () => {
    await expect(admin.ping(5_000)).resolves.toBeUndefined();
  });

  it('delivers a batch in key order and redelivers it after the handler fails', async () => {
    const producer = await bus.producer();
    await producer.send(
      [1, 2, 3].map((n) => ({ topic, key: 'job-1', value: `m${n}` })),
    );
    const consumer = bus.consumer(`test-${randomUUID()}`);
    const seen: InboundMessage[] = [];
    let failures = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.start({ topics: [topic] }, async (batch) => {
        if (failures === 0) {
          failures++;
          throw new Error('transient');
        }
        seen.push(...batch.messages);
        if (seen.length >= 3) resolve();
      });
    });
    await done;
    await consumer.stop();
    await producer.disconnect();
    expect(failures).toBe(1);
    expect(seen.map((m) => m.value?.toString())).toEqual(['m1', 'm2', 'm3']);
  }, 30_000);
});

describe('kafkajs consumer with a position store', () => {
  const topic = `test.${randomUUID()}.positions`;
  let bus: EventBus;
  let admin: TopicAdmin;

  beforeAll(async () => {
    bus = createKafkajsEventBus({ brokers, clientId: 'kafka-int-spec', log: quiet });
    admin = await bus.admin();
    await admin.ensureTopics([{ name: topic, configs: {} }], 1, 1);
    const producer = await bus.producer();
    await producer.send(Array.from({ length: 10 }, (_, n) => ({ topic, key: 'k', value: `m${n}` })));
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics([topic]);
    await admin.disconnect();
  });

  async function consumeUntil(groupId: string, stored: string | null, count: number): Promise<string[]> {
    const consumer = bus.consumer(groupId);
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.start({ topics: [topic], positions: { nextOffset: async () => stored } }, async (batch) => {
        seen.push(...batch.messages.map((m) => `${m.offset}:${m.value?.toString()}`));
        if (seen.length >= count) resolve();
      });
    });
    await consumer.stop();
    return seen;
  }

  it('starts at the stored offset even when Kafka has committed further', async () => {
    const group = `test-${randomUUID()}`;
    expect(await consumeUntil(group, null, 10)).toHaveLength(10);
    // The group has now committed offset 10; the store says 4 (say, a projection restored from a backup).
    expect(await consumeUntil(group, '4', 6)).toEqual(['4:m4', '5:m5', '6:m6', '7:m7', '8:m8', '9:m9']);
  }, 30_000);

  it('skips what the store already has when Kafka has committed less', async () => {
    expect(await consumeUntil(`test-${randomUUID()}`, '7', 3)).toEqual(['7:m7', '8:m8', '9:m9']);
  }, 30_000);
});

describe('kafkajs log reader', () => {
  const topic = `test.${randomUUID()}.reader`;
  let bus: EventBus;
  let admin: TopicAdmin;

  beforeAll(async () => {
    bus = createKafkajsEventBus({ brokers, clientId: 'kafka-int-spec', log: quiet });
    admin = await bus.admin();
    await admin.ensureTopics([{ name: topic, configs: {} }], 3, 1);
  });

  afterAll(async () => {
    await admin.deleteTopics([topic]);
    await admin.disconnect();
  });

  it('reads every partition from the beginning up to the given end, and no further', async () => {
    const producer = await bus.producer();
    await producer.send(Array.from({ length: 30 }, (_, n) => ({ topic, key: `k${n % 7}`, value: `m${n}` })));
    const reader = bus.reader();
    const end = await reader.endOffsets([topic]);
    expect(end.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(30);
    await producer.send([{ topic, key: 'k1', value: 'after-the-end' }]);
    await producer.disconnect();
    const read: string[] = [];
    await reader.read(end, async (batch) => {
      read.push(...batch.messages.map((m) => m.value?.toString() ?? ''));
    });
    expect(read.sort()).toEqual(Array.from({ length: 30 }, (_, n) => `m${n}`).sort());
  }, 30_000);

  it('hands batches of several partitions over at once when asked, each partition still in offset order', async () => {
    const producer = await bus.producer();
    await producer.send(Array.from({ length: 30 }, (_, n) => ({ topic, key: `c${n}`, value: `c${n}` })));
    await producer.disconnect();
    const reader = bus.reader();
    const end = await reader.endOffsets([topic]);
    const seen = new Map<number, string[]>();
    let inHandler = 0;
    let mostAtOnce = 0;
    await reader.read(
      end,
      async (batch) => {
        inHandler++;
        mostAtOnce = Math.max(mostAtOnce, inHandler);
        await new Promise((resolve) => setTimeout(resolve, 200)); // long enough for the other partitions' batches to arrive
        seen.set(batch.partition, [...(seen.get(batch.partition) ?? []), ...batch.messages.map((m) => m.offset)]);
        inHandler--;
      },
      { concurrency: 3 },
    );
    expect(mostAtOnce).toBeGreaterThan(1);
    for (const { partition, offset } of end) {
      expect(seen.get(partition) ?? []).toEqual(Array.from({ length: Number(offset) }, (_, n) => String(n)));
    }
  }, 30_000);

  it('resolves at once when there is nothing to read', async () => {
    const empty = `test.${randomUUID()}.empty`;
    await admin.ensureTopics([{ name: empty, configs: {} }], 1, 1);
    const reader = bus.reader();
    await expect(reader.read(await reader.endOffsets([empty]), async () => undefined)).resolves.toBeUndefined();
    await admin.deleteTopics([empty]);
  });
});
