import { topicNames, topicSpecs } from '@jobledger/events';
import type { TopicNames } from '@jobledger/events';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { EventBus } from '@jobledger/kafka';
import type { PlatformConfig } from '@jobledger/platform';

export interface IsolatedTopics {
  bus: EventBus;
  topics: TopicNames;
  /** Deletes the test's topics. */
  drop(): Promise<void>;
}

/** Every Jobledger topic under the test's own prefix, created on the real broker. */
export async function isolatedTopics(config: PlatformConfig, partitions = 2): Promise<IsolatedTopics> {
  const bus = createKafkajsEventBus({ brokers: config.kafkaBrokers, clientId: 'jobledger-int-test', log: () => undefined });
  const admin = await bus.admin();
  await admin.ensureTopics(topicSpecs(config.topicPrefix), partitions, 1);
  await admin.disconnect();
  return {
    bus,
    topics: topicNames(config.topicPrefix),
    async drop() {
      const cleanup = await bus.admin();
      await cleanup.deleteTopics(Object.values(topicNames(config.topicPrefix)));
      await cleanup.disconnect();
    },
  };
}
