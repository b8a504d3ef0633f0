import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchGroupHandler, BatchHandler, ConsumeOptions, EventConsumer, InboundBatch, InboundMessage, PositionStore } from '../port/event-bus.port';
import type { LogSink } from './kafkajs-logger';

const MAX_BACKOFF_MS = 5_000;
/**
 * Offsets are committed to Kafka at most this often (and when the consumer stops), not after every
 * batch: a commit is a round trip and a write to __consumer_offsets, and with several consumer groups
 * reading each event it was a third of the broker's requests. A crash redelivers what was handled
 * since the last commit, which every handler already tolerates (a crash between a batch and its
 * commit always could); consumers with a position store start from the store anyway.
 */
export const COMMIT_INTERVAL_MS = 1_000;
const STOP_COMMIT_WAIT_MS = 2_000;
/** How many partitions' batches of one fetch a grouped consumer hands over together, at most. */
export const GROUP_PARTITIONS = 64;

/** A batch waiting for the rest of its fetch, to be handed over with them. */
interface Gathered {
  payload: EachBatchPayload;
  messages: KafkaMessage[];
  done: () => void;
  failed: (error: Error) => void;
}

interface Position {
  next: bigint | null;
  /** A seek to `next` was just asked for: the next batch starts where the log really resumes. */
  afterSeek: boolean;
}

export class KafkajsConsumer implements EventConsumer {
  private stopping = false;
  /** Per `topic:partition`, loaded from the PositionStore after each (re)assignment. */
  private readonly positions = new Map<string, Position>();
  /** Per `topic:partition`, the next offset handled but not yet committed. */
  private readonly uncommitted = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommitAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly groupId: string,
    private readonly log: LogSink,
  ) {}

  async start(options: ConsumeOptions, handler: BatchHandler): Promise<void> {
    await this.begin(options, 1, (payload, messages) => this.deliver(payload, messages, handler));
  }

  async startGrouped(options: ConsumeOptions, handler: BatchGroupHandler): Promise<void> {
    // kafkajs hands each partition's batch of a fetch to a worker of its own, all in the same turn
    // of the event loop, and fetches again once all are done: what arrives before the next turn is a group.
    let gathered: Gathered[] = [];
    await this.begin(options, GROUP_PARTITIONS, (payload, messages) => {
      return new Promise<void>((done, failed) => {
        gathered.push({ payload, messages, done, failed });
        if (gathered.length > 1) return;
        setImmediate(() => {
          const group = gathered;
          gathered = [];
          this.deliverGroup(group, handler).then(
            () => group.forEach((g) => g.done()),
            (error: Error) => group.forEach((g) => g.failed(error)),
          );
        });
      });
    });
  }

  private async begin(options: ConsumeOptions, partitionsConsumedConcurrently: number, deliver: (payload: EachBatchPayload, messages: KafkaMessage[]) => Promise<void>): Promise<void> {
    const store = options.positions;
    // Another member may have moved a partition on while it was not ours: move to the store's position after each join.
    if (store) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        this.positions.clear();
        void this.seekToStore(payload.memberAssignment, store).catch((error: Error) =>
          this.log('error', 'could not read the stored positions; they are read again with the next batch', { groupId: this.groupId, error: error.message }),
        );
      });
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: options.topics, fromBeginning: store ? true : (options.fromBeginning ?? true) });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        const messages = store ? await this.alignToStore(payload, store) : payload.batch.messages;
        if (messages && payload.batch.messages.length > 0) await deliver(payload, messages);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.race([this.commit(), sleep(STOP_COMMIT_WAIT_MS)]); // a broker that is away must not hold the stop up
    await this.consumer.disconnect();
  }

  /** Commits now when the last commit is COMMIT_INTERVAL_MS old, else once it is. */
  private async commitSoon(): Promise<void> {
    const dueInMs = this.lastCommitAt + COMMIT_INTERVAL_MS - Date.now();
    if (dueInMs <= 0) return this.commit();
    this.commitTimer ??= setTimeout(() => void this.commit(), dueInMs);
  }

  private async commit(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    if (this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    this.lastCommitAt = Date.now();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      // Lost in a rebalance, or the broker is away: the partition's next owner (or this consumer after
      // a restart) starts from the last commit that got through and redelivers; nothing is lost.
      this.log('info', 'could not commit offsets; batches since the last commit may be delivered again', {
        groupId: this.groupId,
        error: (error as Error).message,
      });
    }
  }

  private async seekToStore(assignment: Record<string, number[]>, store: PositionStore): Promise<void> {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.seek(topic, partition, await this.load(topic, partition, store));
    }
  }

  private async load(topic: string, partition: number, store: PositionStore): Promise<Position> {
    const stored = await store.nextOffset(topic, partition);
    const position = { next: stored === null ? null : BigInt(stored), afterSeek: false };
    this.positions.set(`${topic}:${partition}`, position);
    return position;
  }

  /** Moves the partition to the position (its beginning when none); the next batch starts where the log resumes. */
  private seek(topic: string, partition: number, position: Position): void {
    position.afterSeek = true;
    this.consumer.seek({ topic, partition, offset: position.next === null ? '-2' : String(position.next) });
  }

  /**
   * The batch's messages from the stored position on; null when the batch starts past it (a
   * seek to the stored position is under way and this batch is dropped).
   */
  private async alignToStore(payload: EachBatchPayload, store: PositionStore): Promise<KafkaMessage[] | null> {
    const { batch } = payload;
    if (payload.isStale()) return null;
    const position = this.positions.get(`${batch.topic}:${batch.partition}`) ?? (await this.load(batch.topic, batch.partition, store));
    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    const expected = position.next ?? 0n;
    if (first > expected && !position.afterSeek) {
      this.seek(batch.topic, batch.partition, position);
      return null;
    }
    position.afterSeek = false;
    return batch.messages.filter((m) => BigInt(m.offset) >= expected);
  }

  /** Redelivers the same batch until the handler succeeds or this consumer loses the partition. */
  private async deliver(payload: EachBatchPayload, batchMessages: KafkaMessage[], handler: BatchHandler): Promise<void> {
    await this.deliverGroup([{ payload, messages: batchMessages }], ([batch]) => handler(batch));
  }

  /**
   * Redelivers the group until the handler succeeds, each time without the batches of partitions
   * this consumer lost meanwhile; then moves each delivered partition on. A batch whose messages were
   * all trimmed away (applied before) is not handed over; only its offsets move on.
   */
  private async deliverGroup(group: readonly Pick<Gathered, 'payload' | 'messages'>[], handler: BatchGroupHandler): Promise<void> {
    const batches = new Map(
      group.map(({ payload, messages }) => {
        const { batch } = payload;
        const inbound: InboundBatch = { topic: batch.topic, partition: batch.partition, messages: messages.map((m) => toInbound(batch.topic, batch.partition, m)), heartbeat: payload.heartbeat };
        return [payload, inbound] as const;
      }),
    );
    const owned = () => [...batches.keys()].filter((payload) => !this.stopping && payload.isRunning() && !payload.isStale());
    let delivered = owned();
    for (let attempt = 1; ; attempt++) {
      delivered = owned();
      const handed = delivered.map((payload) => batches.get(payload) as InboundBatch).filter((b) => b.messages.length > 0);
      if (handed.length === 0) break;
      try {
        await handler(handed);
        break;
      } catch (error) {
        const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 10));
        this.log('error', 'batch handler failed; redelivering the same batch', {
          groupId: this.groupId,
          batches: handed.map((b) => ({ topic: b.topic, partition: b.partition, firstOffset: b.messages[0].offset })),
          attempt,
          retryInMs: delay,
          error: (error as Error).message,
        });
        await sleep(delay);
        await Promise.all(handed.map((b) => b.heartbeat().catch(() => undefined)));
      }
    }
    // What the handler took moves on, even when a stop began meanwhile: the stop commits it.
    for (const payload of delivered) {
      const { batch } = payload;
      const last = batch.lastOffset();
      const position = this.positions.get(`${batch.topic}:${batch.partition}`);
      if (position) position.next = BigInt(last) + 1n;
      payload.resolveOffset(last);
      this.uncommitted.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() });
    }
    await this.commitSoon();
  }
}

export function toInbound(topic: string, partition: number, m: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return { topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, headers, timestamp: m.timestamp };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
