import { randomUUID } from 'node:crypto';
import type { JobEvent } from '@jobledger/domain';
import { encodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { DecodedEvent } from '@jobledger/platform';

const at = '2026-11-21T10:00:00.000Z';

/** Job events as the consumer hands them over: decoded, with fresh event ids. */
export function delivered(jobId: string, events: JobEvent[], accountId = 'acct-a'): DecodedEvent[] {
  return events.map((event, i) => {
    const envelope = {
      id: randomUUID(), type: event.type, schemaVersion: 1, accountId, jobId, occurredAt: at,
      actor: { kind: 'service', id: 'test' }, correlationId: jobId, causationId: jobId, data: event.data,
    } as AnyEnvelope;
    return { envelope, message: { topic: 't', partition: 0, offset: String(i), key: jobId, value: encodeEvent(envelope), headers: {}, timestamp: '0' } };
  });
}

export const submitted = (jobId: string, runOn: string | null = null): JobEvent => ({
  type: 'JobSubmitted',
  data: {
    jobId, accountId: 'acct-a', name: 'n', runbook: { name: 'r', version: 1, sha256: 'a'.repeat(64), runtime: 'node' },
    parameters: {}, runOn, priority: 0, tags: [], errorAction: 'continue', at,
  },
});

