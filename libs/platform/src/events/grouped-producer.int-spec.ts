import { randomUUID } from 'node:crypto';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { EventBus, EventProducer, OutboundMessage, TopicAdmin } from '@jobledger/kafka';
import { GroupedProducer } from './grouped-producer';

describe('GroupedProducer against Kafka', () => {
  // Topics of its own on the real broker; the small one refuses messages over 2,000 bytes.
  const id = randomUUID().slice(0, 8);
  const topic = `it.${id}.grouped`;
  const small = `it.${id}.grouped-small`;
  let bus: EventBus;
  let admin: TopicAdmin;
  let real: EventProducer;

  beforeAll(async () => {
    bus = createKafkajsEventBus({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'grouped-producer-int-spec', log: () => undefined });
    admin = await bus.admin();
    await admin.ensureTopics([{ name: topic, configs: {} }, { name: small, configs: { 'max.message.bytes': '2000' } }], 3, 1);
    real = await bus.producer();
  });

  afterAll(async () => {
    await real.disconnect();
    await admin.deleteTopics([topic, small]);
    await admin.disconnect();
  });

  /** The real producer, counting the requests it was asked to send. */
  function counted(): { producer: EventProducer; requests: OutboundMessage[][] } {
    const requests: OutboundMessage[][] = [];
    return { producer: { send: (messages) => (requests.push(messages), real.send(messages)), disconnect: async () => undefined }, requests };
  }

  async function consume(name: string, count: number): Promise<string[]> {
    const consumer = bus.consumer(`it-${randomUUID()}`);
    const seen: { offset: number; value: string }[] = [];
    await new Promise<void>((resolve) => {
      void consumer.start({ topics: [name] }, async (batch) => {
        seen.push(...batch.messages.map((m) => ({ offset: Number(m.offset), value: String(m.value) })));
        if (seen.length >= count) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // nothing more comes
    await consumer.stop();
    return seen.sort((a, b) => a.offset - b.offset).map((s) => s.value);
  }

  it('sends concurrent sends as one request, each resolved, one key in the order of the calls', async () => {
    const { producer, requests } = counted();
    const grouped = new GroupedProducer(producer);
    const values = Array.from({ length: 10 }, (_, i) => `m-${i}`);
    await Promise.all(values.map((value) => grouped.send([{ topic, key: 'job-1', value }])));
    await grouped.send([{ topic, key: 'job-1', value: 'alone' }]);
    expect(requests.map((r) => r.length)).toEqual([10, 1]);
    expect(await consume(topic, 11)).toEqual([...values, 'alone']);
  }, 30_000);

  it('sends a group the broker refused again one send at a time, so only the send at fault fails', async () => {
    const { producer, requests } = counted();
    const grouped = new GroupedProducer(producer);
    const settled = await Promise.allSettled(['before', 'x'.repeat(5_000), 'after'].map((value) => grouped.send([{ topic: small, key: 'job-2', value }])));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ refused: true });
    expect(requests.map((r) => r.length)).toEqual([3, 1, 1, 1]);
    expect(await consume(small, 2)).toEqual(['before', 'after']);
  }, 30_000);

  it('keeps a group under its byte limit, in order', async () => {
    const { producer, requests } = counted();
    const grouped = new GroupedProducer(producer, 3_000);
    await Promise.all(['a', 'b', 'c', 'd'].map((c) => grouped.send([{ topic, key: 'job-3', value: c.repeat(1_000) }])));
    expect(requests.map((r) => r.map((m) => String(m.value)[0]).join(''))).toEqual(['ab', 'cd']);
  }, 30_000);
});
