import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownEventTypes } from '../catalog/event-catalog';
import { decodeEvent, encodeEvent, envelopeFor } from './event-codec';
import { InvalidEventError } from './invalid-event.error';
import { upcastData } from './upcasters';
import type { Upcaster } from './upcasters';

const fixtureLines = readFileSync(join(__dirname, '../fixtures/events.v1.jsonl'), 'utf8').trim().split('\n');

const meta = {
  id: 'e-1',
  accountId: 'default',
  jobId: 'job-1',
  occurredAt: '2026-11-21T10:00:00.000Z',
  actor: { kind: 'service' as const, id: 'test' },
  correlationId: 'c-1',
  causationId: 'c-1',
};

function reasonOf(bytes: string): string {
  try {
    decodeEvent(bytes);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.reason;
    throw error;
  }
  throw new Error('decoded without error');
}

describe('event codec', () => {
  it('round-trips an envelope at the current schema version', () => {
    const envelope = envelopeFor({ type: 'JobStopped', data: { at: meta.occurredAt } }, meta);
    expect(decodeEvent(encodeEvent(envelope))).toEqual({ ...envelope, schemaVersion: 1 });
  });

  it('replays a recorded v1 fixture of every known event type', () => {
    const types = fixtureLines.map((line) => decodeEvent(line).type);
    expect(new Set(types)).toEqual(new Set(knownEventTypes()));
  });

  it('refuses bytes that are not JSON as UNPARSEABLE', () => {
    expect(reasonOf('{not json')).toBe('UNPARSEABLE');
  });

  it('refuses an envelope without an actor as INVALID_ENVELOPE', () => {
    const { actor: _actor, ...rest } = JSON.parse(fixtureLines[0]);
    expect(reasonOf(JSON.stringify(rest))).toBe('INVALID_ENVELOPE');
  });

  it('refuses an unknown event type as UNKNOWN_TYPE', () => {
    expect(reasonOf(JSON.stringify({ ...JSON.parse(fixtureLines[0]), type: 'JobTeleported' }))).toBe('UNKNOWN_TYPE');
  });

  it('refuses a schema version newer than this build as UNSUPPORTED_VERSION', () => {
    expect(reasonOf(JSON.stringify({ ...JSON.parse(fixtureLines[0]), schemaVersion: 99 }))).toBe('UNSUPPORTED_VERSION');
  });

  it('refuses data that lacks a required field as INVALID_DATA', () => {
    const event = JSON.parse(fixtureLines[0]);
    delete event.data.runbook;
    expect(reasonOf(JSON.stringify(event))).toBe('INVALID_DATA');
  });

  it('upcasts an old version step by step through the upcaster table', () => {
    const v1to2: Upcaster = (data) => ({ at: data.when });
    const v2to3: Upcaster = (data) => ({ ...data, by: 'system' });
    const table = new Map([
      ['JobStopped@1', v1to2],
      ['JobStopped@2', v2to3],
    ]);
    expect(upcastData('JobStopped', 1, 3, { when: meta.occurredAt }, table)).toEqual({ at: meta.occurredAt, by: 'system' });
  });

  it('has no path for a version without an upcaster', () => {
    expect(upcastData('JobStopped', 1, 2, {}, new Map())).toBeUndefined();
  });
});
