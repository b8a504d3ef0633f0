/** Who caused an event: an API key (by id, never the secret) or one of our services. */
export type Actor =
  | { kind: 'apiKey'; id: string; role: string }
  | { kind: 'service'; id: string };

/**
 * The audit contract of SPEC §5. A published (type, schemaVersion) never changes shape;
 * a new shape gets a new schemaVersion and an upcaster.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  /** Unique event id (UUID); consumers use it to drop duplicates. */
  id: string;
  type: TType;
  schemaVersion: number;
  accountId: string;
  jobId?: string;
  /** ISO-8601 time the fact happened. */
  occurredAt: string;
  actor: Actor;
  /** Id of the request or flow this event belongs to. */
  correlationId: string;
  /** Id of the event or request that directly caused this one. */
  causationId: string;
  data: TData;
}

export type EventMetadata = Omit<EventEnvelope, 'type' | 'schemaVersion' | 'data'>;
