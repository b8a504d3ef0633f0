import type { FactoryProvider } from '@nestjs/common';
import type { EventBus } from '@jobledger/kafka';
import type { PlatformConfig } from '../config/platform-config';
import { Infrastructure } from '../lifecycle/infrastructure';
import { JsonLogger } from '../logging/json-logger';
import { EVENT_BUS, PLATFORM_CONFIG } from '../platform.module';
import { ManagedConsumer } from './managed-consumer';
import { SharedProducer } from './shared-producer';
import { Metrics } from '../metrics/metrics';

/** A fresh ManagedConsumer under `token`: one per consumer group a service runs. */
export function managedConsumerProvider(token: string | symbol): FactoryProvider<ManagedConsumer> {
  return {
    provide: token,
    inject: [EVENT_BUS, SharedProducer, Infrastructure, PLATFORM_CONFIG, JsonLogger, Metrics],
    useFactory: (bus: EventBus, producer: SharedProducer, infra: Infrastructure, config: PlatformConfig, logger: JsonLogger, metrics: Metrics) =>
      new ManagedConsumer(bus, producer, infra, config, logger, metrics),
  };
}
