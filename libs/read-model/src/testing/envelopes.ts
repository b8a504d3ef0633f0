import { randomUUID } from 'node:crypto';
import { encodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { DecodedEvent } from '@jobledger/platform';

const at = '2026-11-21T10:00:00.000Z';

/** An envelope of any type, as a service would publish it. */
export function envelope(type: string, data: Record<string, unknown>, meta: { accountId?: string; jobId?: string } = {}): AnyEnvelope {
  return {
    id: randomUUID(), type, schemaVersion: 1, accountId: meta.accountId ?? 'acct-a', jobId: meta.jobId, occurredAt: (data.at as string | undefined) ?? at,
    actor: { kind: 'service', id: 'test' }, correlationId: meta.jobId ?? 'c', causationId: meta.jobId ?? 'c', data,
  } as AnyEnvelope;
}

/** Envelopes as the consumer hands them over, with their bytes. */
export function asDelivered(envelopes: AnyEnvelope[], topic = 't'): DecodedEvent[] {
  return envelopes.map((e, i) => ({ envelope: e, message: { topic, partition: 0, offset: String(i), key: e.jobId ?? 'k', value: encodeEvent(e), headers: {}, timestamp: '0' } }));
}

export const heartbeat = (workerId: string, second: number) =>
  envelope('WorkerHeartbeat', { workerId, group: 'default', slots: 2, running: [], startedAt: at, at: `2026-11-21T10:00:${String(second).padStart(2, '0')}.000Z` });

export const groupConfigured = (name: string, fairShareSeconds: number, second: number) =>
  envelope('WorkerGroupConfigured', { name, fairShareSeconds, ratePerCpuSecond: 0, cancelWhileRunning: true, at: `2026-11-21T10:00:${String(second).padStart(2, '0')}.000Z` });

export const runbookPublished = (name: string, version: number) =>
  envelope('RunbookPublished', { name, version, runtime: 'node', source: `// v${version}`, sha256: 'b'.repeat(64), runOn: null, description: null, at });

/** A job's lifecycle from submission to the given end, as envelopes of that job. */
export function jobLifecycle(jobId: string, end: 'Completed' | 'Failed' | 'Stopped' | 'Removed' | 'Running', accountId = 'acct-a'): AnyEnvelope[] {
  const meta = { jobId, accountId };
  const events = [
    envelope('JobSubmitted', {
      jobId, accountId, name: jobId, runbook: { name: 'rb', version: 1, sha256: 'a'.repeat(64), runtime: 'node' },
      parameters: {}, runOn: null, priority: 0, tags: [], errorAction: 'continue', at,
    }, meta),
    envelope('JobAssigned', { worker: 'w-1', workerGroup: 'default', attempt: 1, at }, meta),
    envelope('JobStarted', { worker: 'w-1', attempt: 1, at }, meta),
  ];
  if (end === 'Completed' || end === 'Removed') events.push(envelope('JobCompleted', { result: null, outputRecords: 0, at }, meta));
  if (end === 'Failed') events.push(envelope('JobFailed', { reason: { message: 'boom', type: 'Error', source: 'runbook' }, at }, meta));
  if (end === 'Stopped') {
    events.push(envelope('JobStopRequested', { at }, meta), envelope('JobStopped', { at }, meta));
  }
  if (end === 'Removed') events.push(envelope('JobRemoved', { forced: false, at }, meta));
  return events;
}

export function outputRecorded(jobId: string, seqs: number[], accountId = 'acct-a'): AnyEnvelope {
  return envelope('JobOutputRecorded', { attempt: 1, records: seqs.map((seq) => ({ seq, stream: 'Output', time: at, value: { n: seq } })) }, { jobId, accountId });
}
