import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { BatchHandler, LogReader, PartitionOffset } from '../port/event-bus.port';
import { toInbound } from './kafkajs-consumer';

interface Target {
  until: bigint;
  done: boolean;
}

/** Reads through a consumer group of its own that is deleted afterwards (kafkajs cannot assign partitions by hand). */
export class KafkajsLogReader implements LogReader {
  constructor(private readonly kafka: Kafka) {}

  endOffsets(topics: string[]): Promise<PartitionOffset[]> {
    return this.offsets(topics, 'high');
  }

  startOffsets(topics: string[]): Promise<PartitionOffset[]> {
    return this.offsets(topics, 'low');
  }

  private async offsets(topics: string[], which: 'low' | 'high'): Promise<PartitionOffset[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const result: PartitionOffset[] = [];
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) result.push({ topic, partition: p.partition, offset: p[which] });
      }
      return result;
    } finally {
      await admin.disconnect();
    }
  }

  async read(until: PartitionOffset[], handler: BatchHandler, options: { concurrency?: number; maxBatchBytes?: number } = {}): Promise<void> {
    const targets = await this.openTargets(until);
    if ([...targets.values()].every((t) => t.done)) return;
    const groupId = `jobledger.reader.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 50, maxBytesPerPartition: options.maxBatchBytes ?? 8 * 1024 * 1024 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set(until.map((u) => u.topic))], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            partitionsConsumedConcurrently: options.concurrency ?? 1,
            eachBatch: async ({ batch }) => {
              const target = targets.get(`${batch.topic}:${batch.partition}`);
              if (!target || target.done) return;
              const messages = batch.messages.filter((m) => BigInt(m.offset) < target.until);
              try {
                if (messages.length > 0) {
                  await handler({
                    topic: batch.topic,
                    partition: batch.partition,
                    messages: messages.map((m) => toInbound(batch.topic, batch.partition, m)),
                    heartbeat: async () => undefined,
                  });
                }
              } catch (error) {
                reject(error as Error);
                return;
              }
              // Offsets the log lacks (compaction, transaction markers) are passed once a later one is fetched.
              if (BigInt(batch.lastOffset()) + 1n >= target.until) target.done = true;
              if ([...targets.values()].every((t) => t.done)) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await this.deleteGroup(groupId);
    }
  }

  /** Partitions with nothing to read (empty, or everything before `until` is gone) are done from the start. */
  private async openTargets(until: PartitionOffset[]): Promise<Map<string, Target>> {
    const starts = await this.startOffsets([...new Set(until.map((u) => u.topic))]);
    const low = (u: PartitionOffset) => BigInt(starts.find((s) => s.topic === u.topic && s.partition === u.partition)?.offset ?? '0');
    return new Map(until.map((u) => [`${u.topic}:${u.partition}`, { until: BigInt(u.offset), done: BigInt(u.offset) <= low(u) }]));
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([groupId]).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }
}
