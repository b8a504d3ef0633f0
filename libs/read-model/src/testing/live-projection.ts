import type { EventBus } from '@jobledger/kafka';
import { Infrastructure, JsonLogger, ManagedConsumer, Metrics, SharedProducer, createDataSource, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';
import { READ_MODEL_MIGRATIONS } from '../migrations';
import { ReadModelProjector } from '../read-model.projector';
import { READ_MODEL_CONSUMER, readModelTopics } from '../rebuild-read-model';

export interface LiveProjection {
  /** Every batch the projector was handed, in order. */
  applied: DecodedEvent[][];
  stop(): Promise<void>;
}

/**
 * The query service's projection consumer, as the service runs it, without the HTTP side.
 * `failOn`: the projection throws (a bug, not a passing outage) when handed such an event.
 */
export function startLiveProjection(config: PlatformConfig, bus: EventBus, failOn?: (event: DecodedEvent) => boolean): LiveProjection {
  const logger = new JsonLogger('read-model-test', 'error');
  const dataSource = createDataSource({ url: config.databaseUrl, schema: serviceSchema(config), migrations: READ_MODEL_MIGRATIONS, applicationName: 'jobledger-int-test', poolSize: 4 });
  const infra = new Infrastructure(config, dataSource, bus, logger);
  const producer = new SharedProducer(bus);
  const consumer = new ManagedConsumer(bus, producer, infra, config, logger, new Metrics());
  const projector = new ReadModelProjector(quoteIdent(serviceSchema(config)));
  const applied: DecodedEvent[][] = [];
  infra.onApplicationBootstrap();
  consumer.startProjectionWhenReady(READ_MODEL_CONSUMER, readModelTopics(config.topicPrefix), { dataSource, schema: projector.schema }, async (manager, events) => {
    const poison = failOn && events.find(failOn);
    if (poison) throw new Error(`cannot project event ${poison.envelope.id}`);
    await projector.apply(manager, events);
    applied.push(events);
  });
  return {
    applied,
    async stop() {
      await infra.whenReady();
      await consumer.onApplicationShutdown();
      await producer.disconnect();
      await infra.onApplicationShutdown();
    },
  };
}
