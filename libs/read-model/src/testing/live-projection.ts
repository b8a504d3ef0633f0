import type { EventBus } from '@jobledger/kafka';
import { createDataSource, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';
import { serviceConsumer } from '@jobledger/testing';
import { READ_MODEL_MIGRATIONS } from '../migrations';
import { ReadModelProjector } from '../read-model.projector';
import { READ_MODEL_CONSUMER, readModelTopics } from '../rebuild-read-model';

export interface LiveProjection {
  /** Every set of events a committed write applied, in order. */
  applied: DecodedEvent[][];
  /** How its fetches were applied (ManagedConsumer.projectionPaths). */
  paths: { optimistic: number; locked: number };
  stop(): Promise<void>;
}

/**
 * The query service's projection consumer, as the service runs it, without the HTTP side.
 * `failOn`: the projection throws (a bug, not a passing outage) when handed such an event.
 */
export function startLiveProjection(config: PlatformConfig, bus: EventBus, failOn?: (event: DecodedEvent) => boolean): LiveProjection {
  const dataSource = createDataSource({ url: config.databaseUrl, schema: serviceSchema(config), migrations: READ_MODEL_MIGRATIONS, applicationName: 'jobledger-int-test', poolSize: 4 });
  const { consumer, stop } = serviceConsumer(config, bus, dataSource, 'read-model-test');
  const projector = new ReadModelProjector(quoteIdent(serviceSchema(config)));
  const applied: DecodedEvent[][] = [];
  const optimistic = projector.optimistic();
  const poisonIn = (events: readonly DecodedEvent[]) => {
    const poison = failOn && events.find(failOn);
    if (poison) throw new Error(`cannot project event ${poison.envelope.id}`);
  };
  consumer.startProjectionWhenReady(
    READ_MODEL_CONSUMER,
    readModelTopics(config.topicPrefix),
    { dataSource, schema: projector.schema },
    async (manager, events) => {
      poisonIn(events);
      await projector.apply(manager, events);
    },
    {
      optimistic: {
        reads: optimistic.reads,
        writes: (fresh, rows) => {
          poisonIn(fresh);
          return optimistic.writes(fresh, rows);
        },
      },
      onApplied: (events) => applied.push(events),
    },
  );
  return { applied, paths: consumer.projectionPaths, stop };
}
