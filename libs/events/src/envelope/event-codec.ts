import { eventTypeInfo } from '../catalog/event-catalog';
import type { DomainEvent } from '../catalog/event-catalog';
import type { EventEnvelope, EventMetadata } from './envelope';
import { InvalidEventError } from './invalid-event.error';
import { UPCASTERS, upcastData } from './upcasters';
import type { UpcasterTable } from './upcasters';

export type AnyEnvelope = EventEnvelope<DomainEvent['type'], DomainEvent['data']>;

/** Wraps a domain event in an envelope at the type's current schema version. */
export function envelopeFor<E extends DomainEvent>(event: E, meta: EventMetadata): EventEnvelope<E['type'], E['data']> {
  const info = eventTypeInfo(event.type);
  if (!info) throw new Error(`no catalog entry for event type ${event.type}`);
  return { ...meta, type: event.type, schemaVersion: info.currentVersion, data: event.data };
}

export function encodeEvent(envelope: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope));
}

const STRING_FIELDS = ['id', 'type', 'accountId', 'occurredAt', 'correlationId', 'causationId'] as const;

/**
 * Parses bytes from Kafka and checks the envelope fields every message shares.
 * Throws InvalidEventError (unrecoverable) when the bytes can never become a valid envelope.
 */
export function parseEnvelope(bytes: Buffer | string | null): Record<string, unknown> & { type: string; schemaVersion: number; data: Record<string, unknown> } {
  if (bytes === null) throw new InvalidEventError('UNPARSEABLE', 'message has no value');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString());
  } catch (error) {
    throw new InvalidEventError('UNPARSEABLE', `not JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw new InvalidEventError('INVALID_ENVELOPE', 'event is not a JSON object');
  for (const field of STRING_FIELDS) {
    if (typeof raw[field] !== 'string' || raw[field] === '') {
      throw new InvalidEventError('INVALID_ENVELOPE', `envelope field "${field}" must be a non-empty string`);
    }
  }
  if (!Number.isInteger(raw.schemaVersion) || (raw.schemaVersion as number) < 1) {
    throw new InvalidEventError('INVALID_ENVELOPE', 'envelope field "schemaVersion" must be a positive integer');
  }
  if (!isObject(raw.actor) || typeof raw.actor.kind !== 'string' || typeof raw.actor.id !== 'string') {
    throw new InvalidEventError('INVALID_ENVELOPE', 'envelope field "actor" must be { kind, id }');
  }
  if (!isObject(raw.data)) throw new InvalidEventError('INVALID_ENVELOPE', 'envelope field "data" must be an object');
  return raw as Record<string, unknown> & { type: string; schemaVersion: number; data: Record<string, unknown> };
}

/**
 * Parses and validates an event from Kafka and upcasts it to the current schema version.
 * Throws InvalidEventError (unrecoverable) when the bytes can never become a valid event.
 */
export function decodeEvent(bytes: Buffer | string | null, upcasters: UpcasterTable = UPCASTERS): AnyEnvelope {
  const raw = parseEnvelope(bytes);
  const type = raw.type;
  const info = eventTypeInfo(type);
  if (!info) throw new InvalidEventError('UNKNOWN_TYPE', `unknown event type "${type}"`);
  const version = raw.schemaVersion;
  if (version > info.currentVersion) {
    throw new InvalidEventError('UNSUPPORTED_VERSION', `${type} v${version} is newer than this build knows (v${info.currentVersion})`);
  }
  const data = upcastData(type, version, info.currentVersion, raw.data, upcasters);
  if (!data) throw new InvalidEventError('UNSUPPORTED_VERSION', `no upcaster from ${type} v${version}`);
  const missing = info.required.filter((field) => !(field in data));
  if (missing.length > 0) {
    throw new InvalidEventError('INVALID_DATA', `${type} v${version} lacks data field(s): ${missing.join(', ')}`);
  }
  return { ...(raw as unknown as AnyEnvelope), schemaVersion: info.currentVersion, data: data as AnyEnvelope['data'] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
