import type { EventBus } from '@jobledger/kafka';
import { Infrastructure, JsonLogger, ManagedConsumer, Metrics, SharedProducer } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import type { DataSource } from 'typeorm';

export interface ServiceConsumer {
  consumer: ManagedConsumer;
  /** Resolves once `dataSource` is open (and migrated) and Kafka answers, as in a service. */
  whenReady(): Promise<void>;
  /** Stops consuming and closes what it opened — `dataSource` too — in a service's shutdown order. */
  stop(): Promise<void>;
}

/**
 * A ManagedConsumer wired as a service wires it, without Nest: its infrastructure opens the given
 * (not yet initialized) data source, and its dead letters go through a producer of its own.
 */
export function serviceConsumer(config: PlatformConfig, bus: EventBus, dataSource: DataSource, name: string): ServiceConsumer {
  const logger = new JsonLogger(name, 'error');
  const infra = new Infrastructure(config, dataSource, bus, logger);
  const producer = new SharedProducer(bus);
  const consumer = new ManagedConsumer(bus, producer, infra, config, logger, new Metrics());
  infra.onApplicationBootstrap();
  return {
    consumer,
    whenReady: () => infra.whenReady(),
    async stop() {
      await infra.whenReady();
      await consumer.onApplicationShutdown();
      await producer.disconnect();
      await infra.onApplicationShutdown();
    },
  };
}
