import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { quoteIdent } from '../db/data-source';
import { SharedProducer } from '../events/shared-producer';
import { Infrastructure } from '../lifecycle/infrastructure';
import { JsonLogger } from '../logging/json-logger';
import { PLATFORM_CONFIG, serviceSchema } from '../platform.module';
import { OutboxRelay } from './outbox-relay';

/** The service's outbox relay: starts once Postgres and Kafka answer, stops (draining) on shutdown. */
export function outboxRelayProvider(): Provider {
  return {
    provide: OutboxRelay,
    inject: [DataSource, SharedProducer, JsonLogger, Infrastructure, PLATFORM_CONFIG],
    useFactory: (dataSource: DataSource, producer: SharedProducer, logger: JsonLogger, infra: Infrastructure, config: PlatformConfig) => {
      const relay = new OutboxRelay(dataSource, quoteIdent(serviceSchema(config)), () => producer.get(), logger);
      void infra.whenReady().then(() => relay.start());
      return relay;
    },
  };
}
