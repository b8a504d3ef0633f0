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
