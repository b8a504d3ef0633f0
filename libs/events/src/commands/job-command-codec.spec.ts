import { commandEnvelope, decodeCommand } from './job-command-codec';
import { encodeEvent } from '../envelope/event-codec';
import { InvalidEventError } from '../envelope/invalid-event.error';

const meta = {
  id: 'c-1',
  accountId: 'default',
  jobId: 'job-1',
  occurredAt: '2026-11-21T10:00:00.000Z',
  actor: { kind: 'apiKey' as const, id: 'k1', role: 'operator' },
  correlationId: 'r-1',
  causationId: 'r-1',
};

describe('job command codec', () => {
  it('round-trips a command', () => {
    const envelope = commandEnvelope({ type: 'RequestSuspend', data: { at: meta.occurredAt } }, meta);
    expect(decodeCommand(encodeEvent(envelope))).toEqual(envelope);
  });

  it('refuses an event type on the command topic', () => {
    const bytes = JSON.stringify({ ...commandEnvelope({ type: 'RequestStop', data: { at: meta.occurredAt } }, meta), type: 'JobStopped' });
    expect(() => decodeCommand(bytes)).toThrow(InvalidEventError);
  });

  it('refuses a command without a job id', () => {
    const { jobId: _jobId, ...rest } = commandEnvelope({ type: 'RequestStop', data: { at: meta.occurredAt } }, meta);
    expect(() => decodeCommand(JSON.stringify(rest))).toThrow(/jobId/);
  });

  it('writes an end that carries its start as version 2, any other command as version 1, and reads both', () => {
    const at = meta.occurredAt;
    const carried = commandEnvelope({ type: 'CompleteJob', data: { result: null, outputRecords: 0, at, started: { worker: 'w1', at } } }, meta);
    const plain = commandEnvelope({ type: 'CompleteJob', data: { result: null, outputRecords: 0, at } }, meta);
    const failed = commandEnvelope({ type: 'FailJob', data: { reason: { message: 'm', type: 'RunbookError', source: 'runbook' }, at, started: { worker: 'w1', at } } }, meta);
    expect([carried.schemaVersion, plain.schemaVersion, failed.schemaVersion]).toEqual([2, 1, 2]);
    for (const envelope of [carried, plain, failed]) expect(decodeCommand(encodeEvent(envelope))).toEqual(envelope);
  });

  it('refuses a version newer than it knows, per command type, naming both', () => {
    const start = commandEnvelope({ type: 'StartJob', data: { worker: 'w1', at: meta.occurredAt } }, meta);
    expect(() => decodeCommand(JSON.stringify({ ...start, schemaVersion: 2 }))).toThrow('StartJob v2 is newer than this build knows (v1)');
    const end = commandEnvelope({ type: 'CompleteJob', data: { result: null, outputRecords: 0, at: meta.occurredAt } }, meta);
    expect(() => decodeCommand(JSON.stringify({ ...end, schemaVersion: 3 }))).toThrow('CompleteJob v3 is newer than this build knows (v2)');
  });
});
