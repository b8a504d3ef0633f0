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
});
