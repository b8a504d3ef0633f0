import { Kafka, Partitioners } from 'kafkajs';
import type { EventBus, EventConsumer, EventProducer, LogReader, TopicAdmin } from '../port/event-bus.port';
import { KafkajsAdmin } from './kafkajs-admin';
import { KafkajsConsumer } from './kafkajs-consumer';
import { KafkajsLogReader } from './kafkajs-log-reader';
import { kafkajsLogCreator } from './kafkajs-logger';
import type { LogSink } from './kafkajs-logger';
import { KafkajsProducer } from './kafkajs-producer';
import { installRequestQueueTimerFix } from './request-queue-timer';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  log: LogSink;
}

/** The kafkajs adapter of the EventBus port. Each producer, consumer and admin owns its connection. */
export function createKafkajsEventBus(settings: KafkaSettings): EventBus {
  installRequestQueueTimerFix((message) => settings.log('warn', message, {}));
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logCreator: kafkajsLogCreator(settings.log),
  });
  return {
    async producer(): Promise<EventProducer> {
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      return new KafkajsProducer(producer);
    },
    consumer(groupId: string): EventConsumer {
      const consumer = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        // How long the broker holds a fetch that finds nothing new (one that finds a message returns at once):
        // the idle stack's polling. 100 ms cost an idle stack ~30% more CPU than 500 (docs/performance.md).
        maxWaitTimeInMs: 500,
        retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000, restartOnFailure: async () => true },
      });
      return new KafkajsConsumer(consumer, groupId, settings.log);
    },
    async admin(): Promise<TopicAdmin> {
      const admin = kafka.admin();
      await admin.connect();
      return new KafkajsAdmin(admin);
    },
    reader(): LogReader {
      return new KafkajsLogReader(kafka);
    },
  };
}
