import { randomUUID } from 'node:crypto';
import { encodeEvent, envelopeFor, eventTypeInfo } from '@jobledger/events';
import type { Actor, DomainEvent, EventEnvelope, TopicNames } from '@jobledger/events';
import type { OutboundMessage } from '@jobledger/kafka';

/** Why and for whom events are written: carried from the request into every envelope. */
export interface EventContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
}

/** Wraps domain events in envelopes with fresh ids; time comes from the events' own `at`, else now. */
export function stampEvents(
  events: DomainEvent[],
  context: EventContext,
  accountId: string,
  jobId?: string,
  now: Date = new Date(),
): EventEnvelope[] {
  return events.map((event) => {
    const at = (event.data as { at?: unknown }).at;
    return envelopeFor(event, {
      id: randomUUID(),
      accountId,
      ...(jobId ? { jobId } : {}),
      occurredAt: typeof at === 'string' ? at : now.toISOString(),
      ...context,
    });
  });
}

/**
 * The Kafka message of an envelope: the topic comes from the catalog; the key keeps one
 * job's (or one worker's, or one runbook's) events in order on one partition.
 */
export function toOutbound(envelope: EventEnvelope, topics: TopicNames): OutboundMessage {
  const info = eventTypeInfo(envelope.type);
  if (!info) throw new Error(`no catalog entry for ${envelope.type}`);
  const data = envelope.data as { workerId?: string; name?: string };
  const key = envelope.jobId ?? data.workerId ?? `${envelope.accountId}/${data.name ?? envelope.id}`;
  return { topic: topics[info.topic], key, value: encodeEvent(envelope), headers: { 'event-type': envelope.type } };
}
