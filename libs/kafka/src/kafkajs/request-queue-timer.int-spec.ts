import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createKafkajsEventBus } from './kafkajs-event-bus';

describe("kafkajs's request queue against the broker", () => {
  it('sets no timers while its connections are idle', async () => {
    const bus = createKafkajsEventBus({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'request-queue-int-spec', log: () => undefined });
    const admin = await bus.admin();
    const topic = `it.${randomUUID().slice(0, 8)}.idle`;
    await admin.ensureTopics([{ name: topic, configs: {} }], 1, 1);
    const producer = await bus.producer();
    await producer.send([{ topic, key: 'k', value: 'v' }]); // the connection has served a request
    let timers = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'Timeout') timers++;
      },
    });
    hook.enable();
    await new Promise((resolve) => setTimeout(resolve, 500));
    hook.disable();
    await producer.disconnect();
    await admin.deleteTopics([topic]);
    await admin.disconnect();
    // kafkajs 2.2.4 unpatched: a ~1 ms timer per connection, hundreds in half a second.
    expect(timers).toBeLessThan(20);
  }, 30_000);
});
