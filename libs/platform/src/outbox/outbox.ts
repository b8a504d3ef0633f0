import type { OutboundMessage } from '@jobledger/kafka';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../db/pg-array';

/** SQL for a service's outbox table; used by that service's migration. */
export function createOutboxTableSql(quotedSchema: string): string {
  return `CREATE TABLE ${quotedSchema}.outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key text NOT NULL,
    value bytea NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;
}

/**
 * Appends messages to the outbox inside the caller's transaction: the state change and the
 * events it produces commit together or not at all (nothing half-written). The relay
 * publishes them to Kafka afterwards, in insertion order.
 */
export async function appendToOutbox(manager: EntityManager, quotedSchema: string, messages: OutboundMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const params: unknown[] = [];
  const rows = messages.map((m, i) => {
    params.push(m.topic, m.key, Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value), JSON.stringify(m.headers ?? {}));
    const b = i * 4;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::jsonb)`;
  });
  await manager.query(`INSERT INTO ${quotedSchema}.outbox (topic, key, value, headers) VALUES ${rows.join(', ')}`, params);
}

/** SQL for a consumer's inbox: the ids of the events it has applied. */
export function createInboxTableSql(quotedSchema: string): string {
  return `CREATE TABLE ${quotedSchema}.inbox (event_id uuid PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`;
}

/**
 * Records that this event is being applied, in the caller's transaction. False when it was
 * applied before (a redelivery or a duplicate): the caller then skips it.
 */
export async function claimEvent(manager: EntityManager, quotedSchema: string, eventId: string): Promise<boolean> {
  const rows = await manager.query(`INSERT INTO ${quotedSchema}.inbox (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`, [eventId]);
  return rows.length > 0;
}

/**
 * claimEvent for many events in one statement: the ids (lower-case) that were not applied
 * before. An id given twice is claimed once; the caller applies only its first occurrence.
 */
export async function claimEvents(manager: EntityManager, quotedSchema: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO ${quotedSchema}.inbox (event_id) SELECT DISTINCT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id::text AS id`,
    [pgArray(eventIds)],
  );
  return new Set(rows.map((r) => r.id));
}
