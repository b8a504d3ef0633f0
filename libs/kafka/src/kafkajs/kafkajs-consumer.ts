import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchHandler, ConsumeOptions, EventConsumer, InboundMessage } from '../port/event-bus.port';
import type { LogSink } from './kafkajs-logger';

const MAX_BACKOFF_MS = 5_000;

export class KafkajsConsumer implements EventConsumer {
  private stopping = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly groupId: string,
    private readonly log: LogSink,
  ) {}

  async start(options: ConsumeOptions, handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      eachBatch: (payload) => this.deliver(payload, handler),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  /** Redelivers the same batch until the handler succeeds or this consumer loses the partition. */
  private async deliver(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const messages = batch.messages.map((m) => toInbound(batch.topic, batch.partition, m));
    for (let attempt = 1; ; attempt++) {
      if (this.stopping || !payload.isRunning() || payload.isStale()) return;
      try {
        await handler({ topic: batch.topic, partition: batch.partition, messages, heartbeat: payload.heartbeat });
        break;
      } catch (error) {
        const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 10));
        this.log('error', 'batch handler failed; redelivering the same batch', {
          groupId: this.groupId,
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.firstOffset(),
          attempt,
          retryInMs: delay,
          error: (error as Error).message,
        });
        await sleep(delay);
        await payload.heartbeat().catch(() => undefined);
      }
    }
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
    });
  }
}

function toInbound(topic: string, partition: number, m: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return { topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, headers, timestamp: m.timestamp };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
