import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { perSecond } from './stats';

export interface KafkaResult {
  events: number;
  messageBytes: number;
  partitions: number;
  /** Produced (idempotent, acks=all, as our producer) and consumed by a group, from the first send to the last message consumed. */
  eventsPerSec: number;
  produceMs: number;
  wallMs: number;
}

/**
 * The ceiling of the pipeline: as many events as Jobledger wrote, of the same mean size, produced
 * with the same guarantees as our producer (idempotent, acks=all, one request in flight) in
 * batches of 500 and consumed by one consumer group, on a topic of its own on the same broker.
 * Straight kafkajs on purpose: this measures the client and broker, not our port over them.
 */
export async function benchKafka(brokers: string[], events: number, messageBytes: number, partitions: number): Promise<KafkaResult> {
  const kafka = new Kafka({ clientId: 'jobledger-bench', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000 });
  const topic = `bench.raw.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect().catch((error: Error) => {
    throw new Error(`Kafka at ${brokers.join(',')} did not answer (${error.message}); start it with npm run infra start`);
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}.group`, maxWaitTimeInMs: 100 });
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    let consumed = 0;
    let settle: () => void = () => undefined;
    const allConsumed = new Promise<void>((resolve) => (settle = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= events) settle();
      },
    });
    await joined;
    const value = Buffer.alloc(Math.max(1, Math.round(messageBytes)), 'x');
    const t0 = performance.now();
    for (let sent = 0; sent < events; ) {
      const size = Math.min(500, events - sent);
      await producer.send({ topic, acks: -1, messages: Array.from({ length: size }, (_, i) => ({ key: `job-${(sent + i) % 4096}`, value })) });
      sent += size;
    }
    const produceMs = performance.now() - t0;
    await allConsumed;
    const wallMs = performance.now() - t0;
    return { events, messageBytes: value.length, partitions, eventsPerSec: perSecond(events, wallMs), produceMs: Math.round(produceMs), wallMs: Math.round(wallMs) };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([`${topic}.group`]).catch(() => undefined);
    await admin.disconnect();
  }
}
