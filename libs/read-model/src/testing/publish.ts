import { encodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { EventBus } from '@jobledger/kafka';

/** Publishes envelopes to a topic keyed like the services do (job id, else the given key), in one send. */
export async function publish(bus: EventBus, topic: string, envelopes: AnyEnvelope[], key?: (e: AnyEnvelope) => string): Promise<void> {
  await publishEach(bus, topic, [envelopes], key);
}

/** Publishes each group of envelopes with a send of its own: on the log, each group is a record batch of its own. */
export async function publishEach(bus: EventBus, topic: string, groups: AnyEnvelope[][], key?: (e: AnyEnvelope) => string): Promise<void> {
  const producer = await bus.producer();
  try {
    for (const envelopes of groups) await producer.send(envelopes.map((e) => ({ topic, key: key?.(e) ?? e.jobId ?? e.accountId, value: encodeEvent(e) })));
  } finally {
    await producer.disconnect();
  }
}

/** Raw bytes on a topic: a poison message, or an exact copy of one published before. */
export async function publishRaw(bus: EventBus, topic: string, key: string, value: Buffer | string): Promise<void> {
  const producer = await bus.producer();
  try {
    await producer.send([{ topic, key, value }]);
  } finally {
    await producer.disconnect();
  }
}
