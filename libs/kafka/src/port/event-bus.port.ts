/**
 * Our small port over a Kafka client. Services depend on these interfaces only, so the client
 * (kafkajs today) can be swapped without touching them.
 */

export interface OutboundMessage {
  topic: string;
  /** Partitioning key: one job's (or worker's) messages keep their order. */
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker append time, epoch milliseconds as a string. */
  timestamp: string;
}

/**
 * Contract: `send` resolves only when every message is acknowledged by all in-sync replicas;
 * messages with the same key on the same topic are appended in the order given. Sending an
 * empty list is a no-op. Batches are sent as few requests as the client allows.
 */
export interface EventProducer {
  send(messages: OutboundMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
  /** Keeps group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export type BatchHandler = (batch: InboundBatch) => Promise<void>;

export interface ConsumeOptions {
  topics: string[];
  /** Where a group with no committed offset starts. @default true */
  fromBeginning?: boolean;
}

/**
 * Contract: batches of one partition arrive in offset order. A batch's offsets are committed
 * only after the handler resolves. When the handler rejects, the same batch is delivered again
 * after a backoff, for as long as this consumer owns the partition: a message is never skipped.
 * Handlers therefore must be idempotent, and must route poison messages (that no retry can fix)
 * elsewhere themselves — typically to the dead-letter topic — instead of rejecting.
 */
export interface EventConsumer {
  start(options: ConsumeOptions, handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
}

export interface TopicAdmin {
  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(topics: { name: string; configs: Record<string, string> }[], partitions: number, replicationFactor: number): Promise<string[]>;
  deleteTopics(names: string[]): Promise<void>;
  /** Resolves when a broker answers within the timeout; rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  disconnect(): Promise<void>;
}

export interface EventBus {
  producer(): Promise<EventProducer>;
  consumer(groupId: string): EventConsumer;
  admin(): Promise<TopicAdmin>;
}
