import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { COMMIT_INTERVAL_MS, KafkajsConsumer } from './kafkajs-consumer';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = () => undefined;

describe('kafkajs consumer offset commits', () => {
  const topic = `test.${randomUUID()}.commits`;
  const kafka = new Kafka({ brokers, clientId: 'kafka-commit-spec', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

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
