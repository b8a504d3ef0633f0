import { InvalidEventError, decodeEvent, topicNames } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { EventBus } from '@jobledger/kafka';

export interface LoggedEvent {
  envelope: AnyEnvelope;
  /** The event's bytes exactly as they are on the log. */
  bytes: Buffer;
  topic: string;
  partition: number;
  offset: string;
}

export interface EventFilter {
  accountId?: string;
  jobId?: string;
}

/** The topics an account's audit covers: lifecycle, output, runbooks and devices. */
export function auditTopics(topicPrefix: string): string[] {
  const t = topicNames(topicPrefix);
  return [t.jobEvents, t.jobOutput, t.runbookEvents, t.deviceEvents];
}

/**
 * Every event of the topics that passes the filter, from the beginning of the log to its end
 * when the read started; grouped by topic and partition, in log order within each. Messages that
 * are not events are reported through `onPoison` and left out.
 */
export async function readLoggedEvents(
  bus: EventBus,
  topics: string[],
  filter: EventFilter,
  onPoison: (where: string, reason: string) => void,
): Promise<LoggedEvent[]> {
  const reader = bus.reader();
  const found: LoggedEvent[] = [];
  await reader.read(await reader.endOffsets(topics), async (batch) => {
    for (const message of batch.messages) {
      if (filter.jobId && message.key !== filter.jobId) continue;
      let envelope: AnyEnvelope;
      try {
        envelope = decodeEvent(message.value);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        onPoison(`${batch.topic}/${batch.partition}@${message.offset}`, error.reason);
        continue;
      }
      if (filter.accountId && envelope.accountId !== filter.accountId) continue;
      if (filter.jobId && envelope.jobId !== filter.jobId) continue;
      found.push({ envelope, bytes: message.value as Buffer, topic: batch.topic, partition: batch.partition, offset: message.offset });
    }
  });
  const order = new Map(topics.map((t, i) => [t, i]));
  return found.sort((a, b) => (order.get(a.topic) as number) - (order.get(b.topic) as number) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
