export type {
  BatchGroupHandler,
  BatchHandler,
  ConsumeOptions,
  EventBus,
  EventConsumer,
  EventProducer,
  InboundBatch,
  InboundMessage,
  LogReader,
  PartitionOffset,
  PositionStore,
  OutboundMessage,
  TopicAdmin,
} from './port/event-bus.port';
export { createKafkajsEventBus } from './kafkajs/kafkajs-event-bus';
export type { KafkaSettings } from './kafkajs/kafkajs-event-bus';
export type { LogSink } from './kafkajs/kafkajs-logger';
