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
 * empty list is a no-op. Batches are sent as few requests as the client allows. When the broker
 * refused the messages themselves (too large, invalid), the error has `refused: true`: sending
 * them again fails again. A failed send may have appended some of its messages.
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

/** The batches one fetch brought, at most one per partition, each in offset order. */
export type BatchGroupHandler = (batches: InboundBatch[]) => Promise<void>;

/**
 * Where a consumer's position is kept when it is not Kafka's committed offsets — typically a
 * projection's own table, written in the same transaction as the projection.
 */
export interface PositionStore {
  /** The next offset to hand over for the partition, or null to start at its beginning. */
  nextOffset(topic: string, partition: number): Promise<string | null>;
}

export interface ConsumeOptions {
  topics: string[];
  /** Where a group with no committed offset starts. Ignored with `positions`. @default true */
  fromBeginning?: boolean;
  /**
   * When given, the store decides where every partition resumes, whatever Kafka has committed:
   * after each (re)assignment the consumer moves to the stored offset (the partition's beginning
   * when none), and no batch reaches the handler with a message before it, or with a gap after
   * it that the log itself does not have. The handler stores the position of the messages it was
   * given together with their effects.
   */
  positions?: PositionStore;
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
  /**
   * As `start`, but the batches of several partitions that arrive together are handed over in one
   * call — one transaction for what would be several — and delivered again together while the
   * handler rejects. The contract of `start` holds for each batch in the group. A partition is in
   * one group at a time; groups of other partitions may be in the handler at the same time (a
   * batch that waited on I/O before it was handed over starts a group of its own).
   */
  startGrouped(options: ConsumeOptions, handler: BatchGroupHandler): Promise<void>;
  stop(): Promise<void>;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** An offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
}

/**
 * Reads a finished stretch of the log, outside any service's consumer group: for audits and
 * rebuilds. Contract: `read` hands every message of each given partition from its beginning up to
 * (not including) the given offset to the handler, in offset order per partition, and resolves
 * once all of them were handed over; it commits nothing and leaves no consumer group behind.
 * With `concurrency` above 1, batches of different partitions may be in the handler at the same
 * time (at most that many); a partition's batches still come one after another. `maxBatchBytes`
 * bounds the bytes of one partition in one batch (default 8 MiB).
 */
export interface LogReader {
  /** The next offset to be written to each partition of the topics: the end of the log right now. */
  endOffsets(topics: string[]): Promise<PartitionOffset[]>;
  /** The first offset each partition still holds: above 0 once retention has deleted its beginning. */
  startOffsets(topics: string[]): Promise<PartitionOffset[]>;
  read(until: PartitionOffset[], handler: BatchHandler, options?: { concurrency?: number; maxBatchBytes?: number }): Promise<void>;
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
  reader(): LogReader;
}
