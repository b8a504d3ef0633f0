import type { OutboundMessage } from '@jobledger/kafka';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../db/pg-array';
import { rowsByKey } from '../db/rows-by-key';
import type { SqlStatement } from '../db/combined-statement';

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
  const insert = outboxInsert(quotedSchema, messages);
  if (insert) await manager.query(insert.sql, insert.params);
}

/**
 * The statement appendToOutbox runs, to be combined with the state change's own (combineStatements);
 * null for no messages. One text for any number of messages (arrays, in order), so it is prepared once.
 */
export function outboxInsert(quotedSchema: string, messages: readonly OutboundMessage[]): SqlStatement | null {
  if (messages.length === 0) return null;
  return {
    sql: `INSERT INTO ${quotedSchema}.outbox (topic, key, value, headers)
      SELECT t, k, v, h::jsonb FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[]) WITH ORDINALITY AS m(t, k, v, h, n) ORDER BY n`,
    params: outboxColumns(messages),
  };
}

/**
 * The messages as the outbox's four columns, for `unnest($n::text[], $n+1::text[], $n+2::bytea[], $n+3::text[])`
 * (topic, key, value, headers as JSON text) — for a statement that writes outbox rows with others of its own.
 */
export function outboxColumns(messages: readonly OutboundMessage[]): [string, string, Buffer[], string] {
  return [
    pgArray(messages.map((m) => m.topic)),
    pgArray(messages.map((m) => m.key)),
    messages.map((m) => (Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value))),
    pgArray(messages.map((m) => JSON.stringify(m.headers ?? {}))),
  ];
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
  const { sql, params } = claimEventsStatement(quotedSchema, eventIds);
  const rows: { id: string }[] = await manager.query(sql, params);
  return new Set(rows.map((r) => r.id));
}

/** The statement claimEvents runs (rows of `id`), to be run together with the batch's reads (queryTogether). */
export function claimEventsStatement(quotedSchema: string, eventIds: readonly string[]): SqlStatement {
  return {
    sql: `INSERT INTO ${quotedSchema}.inbox (event_id) SELECT DISTINCT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id::text AS id`,
    params: [pgArray(eventIds)],
  };
}

/** Which of the events were applied before, without claiming any: rows of `id` (lower-case), one index probe each. */
export function seenEventsStatement(quotedSchema: string, eventIds: readonly string[]): SqlStatement {
  return rowsByKey({ table: `${quotedSchema}.inbox`, key: [['event_id', 'uuid']], keys: eventIds.map((id) => [id]), columns: 'event_id::text AS id' });
}
