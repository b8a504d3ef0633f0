import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { COMMIT_INTERVAL_MS, KafkajsConsumer } from './kafkajs-consumer';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = () => undefined;

/** A topic of the describe block's own, created before its tests and deleted after them. */
function topicOfItsOwn(name: string, numPartitions: number): { topic: string; kafka: Kafka; admin: Admin } {
  const topic = `test.${randomUUID()}.${name}`;
  const kafka = new Kafka({ brokers, clientId: `kafka-${name}-spec`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
  return { topic, kafka, admin };
}

describe('kafkajs consumer offset commits', () => {
  const { topic, kafka, admin } = topicOfItsOwn('commits', 1);

  const committed = async (groupId: string): Promise<string> =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset;

  async function produceOneByOne(count: number, from: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    for (let n = from; n < from + count; n++) await producer.send({ topic, messages: [{ key: 'k', value: `m${n}` }] });
    await producer.disconnect();
  }

  it('commits at most once per interval while batches come, the last handled offset once they stop, and on stop', async () => {
    const groupId = `test-${randomUUID()}`;
    const raw = kafka.consumer({ groupId, maxWaitTimeInMs: 20 });
    const commits = jest.spyOn(raw, 'commitOffsets');
    const consumer = new KafkajsConsumer(raw, groupId, quiet);
    let handled = 0;
    const batches: number[] = [];
    await consumer.start({ topics: [topic], fromBeginning: true }, async (batch) => {
      batches.push(batch.messages.length);
      handled += batch.messages.length;
    });
    const started = Date.now();
    await produceOneByOne(30, 0);
    await waitFor(() => handled === 30);
    const elapsedMs = Date.now() - started;
    // Many batches, few commits: one per interval (plus the first), not one per batch.
    expect(batches.length).toBeGreaterThan(5);
    expect(commits.mock.calls.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / COMMIT_INTERVAL_MS) + 1);
    // No further batch comes: the last handled offset is committed within the interval all the same.
    await waitFor(async () => (await committed(groupId)) === '30', COMMIT_INTERVAL_MS * 3);

    await produceOneByOne(3, 30);
    await waitFor(() => handled === 33);
    await consumer.stop(); // sooner than the interval: the stop commits
    expect(await committed(groupId)).toBe('33');
  }, 60_000);
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('kafkajs consumer, grouped delivery', () => {
  const { topic, kafka, admin } = topicOfItsOwn('grouped', 4);

  beforeAll(async () => {
    const producer = kafka.producer();
    await producer.connect();
    // Five messages on each of four partitions, there before any consumer starts.
    await producer.send({ topic, messages: [0, 1, 2, 3].flatMap((partition) => [0, 1, 2, 3, 4].map((n) => ({ partition, value: `p${partition}-m${n}` }))) });
    await producer.disconnect();
  });

  type Group = { partition: number; values: string[] }[];

  async function consume(groupId: string, handle: (group: Group) => Promise<void>, until: (seen: number) => boolean): Promise<void> {
    const consumer = new KafkajsConsumer(kafka.consumer({ groupId, maxWaitTimeInMs: 50 }), groupId, quiet);
    let seen = 0;
    await consumer.startGrouped({ topics: [topic], fromBeginning: true }, async (batches) => {
      const group = batches.map((b) => ({ partition: b.partition, values: b.messages.map((m) => String(m.value)) }));
      await handle(group);
      seen += group.reduce((n, b) => n + b.values.length, 0);
    });
    try {
      await waitFor(() => until(seen), 20_000);
    } finally {
      await consumer.stop();
    }
  }

  it('hands the partitions of one fetch over together, each in offset order, and commits them', async () => {
    const groupId = `test-${randomUUID()}`;
    const groups: Group[] = [];
    await consume(groupId, async (group) => void groups.push(group), (seen) => seen >= 20);
    // The log was there before the start: the first fetch brought every partition, handed over at once.
    expect(groups[0].map((b) => b.partition).sort()).toEqual([0, 1, 2, 3]);
    for (const group of groups) expect(new Set(group.map((b) => b.partition)).size).toBe(group.length); // a partition at most once a group
    const byPartition = new Map<number, string[]>();
    for (const { partition, values } of groups.flat()) byPartition.set(partition, [...(byPartition.get(partition) ?? []), ...values]);
    for (const partition of [0, 1, 2, 3]) expect(byPartition.get(partition)).toEqual([0, 1, 2, 3, 4].map((n) => `p${partition}-m${n}`));
    const offsets = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions;
    expect(offsets.map((p) => p.offset)).toEqual(['5', '5', '5', '5']);
  }, 60_000);

  it('delivers the whole group again while the handler rejects, and nothing of it is lost', async () => {
    const groupId = `test-${randomUUID()}`;
    const calls: Group[] = [];
    let failures = 2;
    await consume(
      groupId,
      async (group) => {
        calls.push(group);
        if (failures-- > 0) throw new Error('the database is away');
      },
      (seen) => seen >= 20,
    );
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[2]).toEqual(calls[0]);
    expect(calls.slice(2).flat().reduce((n, b) => n + b.values.length, 0)).toBe(20);
  }, 60_000);
});
