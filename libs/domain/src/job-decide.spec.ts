import type { ExistingJobCommandType } from './job-command';
import { decide } from './job-decide';
import { JobAlreadyExistsError, JobNotFoundError, JobNotInStatusError } from './job-errors';
import type { JobEventType } from './job-event';
import { initialState } from './job-state';
import { JOB_STATUSES, type JobStatus } from './job-status';
import { JOB_ID, sampleCommand, stateIn, statusAfter } from './testing/job-fixtures';

type Outcome = { events: JobEventType[]; status: JobStatus };
const to = (status: JobStatus, ...events: JobEventType[]): Outcome => ({ events, status });
const stopAtOnce = to('Stopped', 'JobStopRequested', 'JobStopped');
const removed = (status: JobStatus) => ({ RemoveJob: to(status, 'JobRemoved') });

// The expected outcome of every allowed (status × command) pair, written from SPEC §2 and
// independently of COMMAND_RULES. Every pair not listed must be refused.
const ALLOWED: { [S in JobStatus]: Partial<Record<ExistingJobCommandType, Outcome>> } = {
  Queued: {
    QueueJob: to('Queued', 'JobQueued'),
    AssignJob: to('Starting', 'JobAssigned'),
    RequestStop: stopAtOnce,
    FailJob: to('Failed', 'JobFailed'),
  },
  Starting: {
    StartJob: to('Running', 'JobStarted'),
    RequestStop: stopAtOnce,
    FailJob: to('Failed', 'JobFailed'),
    ReleaseJob: to('RunningWaitingForResources', 'JobWorkerLost'),
  },
  Running: {
    CheckpointJob: to('Running', 'JobCheckpointed'),
    RequestStop: to('Stopping', 'JobStopRequested'),
    RequestSuspend: to('Suspending', 'JobSuspendRequested'),
    ConfirmSuspend: to('Suspended', 'JobSuspended'),
    UnloadJob: to('RunningWaitingForResources', 'JobUnloaded'),
    ReleaseJob: to('RunningWaitingForResources', 'JobWorkerLost'),
    CompleteJob: to('Completed', 'JobCompleted'),
    FailJob: to('Failed', 'JobFailed'),
  },
  RunningWaitingForResources: { AssignJob: to('Starting', 'JobAssigned'), RequestStop: stopAtOnce },
  Suspending: {
    CheckpointJob: to('Suspended', 'JobCheckpointed', 'JobSuspended'),
    RequestStop: to('Stopping', 'JobStopRequested'),
    ConfirmSuspend: to('Suspended', 'JobSuspended'),
    ReleaseJob: to('Suspended', 'JobWorkerLost'),
    CompleteJob: to('Completed', 'JobCompleted'),
    FailJob: to('Failed', 'JobFailed'),
  },
  Suspended: { RequestResume: to('Resuming', 'JobResumeRequested'), RequestStop: stopAtOnce },
  Resuming: { AssignJob: to('Starting', 'JobAssigned'), RequestStop: stopAtOnce },
  Stopping: {
    CheckpointJob: to('Stopping', 'JobCheckpointed'),
    ConfirmStop: to('Stopped', 'JobStopped'),
    ReleaseJob: to('Stopped', 'JobWorkerLost'),
    CompleteJob: to('Completed', 'JobCompleted'),
    FailJob: to('Failed', 'JobFailed'),
  },
  Stopped: removed('Stopped'),
  Completed: removed('Completed'),
  Failed: removed('Failed'),
  FailedWaitingForResources: removed('FailedWaitingForResources'),
};

const COMMANDS: ExistingJobCommandType[] = [
  'QueueJob', 'AssignJob', 'StartJob', 'CheckpointJob', 'RequestStop', 'ConfirmStop', 'RequestSuspend',
  'ConfirmSuspend', 'RequestResume', 'UnloadJob', 'ReleaseJob', 'CompleteJob', 'FailJob', 'RemoveJob',
];
const pairs = JOB_STATUSES.flatMap((status) => COMMANDS.map((command) => ({ status, command })));
const allowed = pairs.flatMap(({ status, command }) => {
  const outcome = ALLOWED[status][command];
  return outcome ? [[command, status, outcome.events.join(' + '), outcome.status] as const] : [];
});
const refused = pairs.filter(({ status, command }) => !ALLOWED[status][command]).map((p) => [p.command, p.status] as const);
const allowedFromOf = (command: ExistingJobCommandType) => JOB_STATUSES.filter((s) => ALLOWED[s][command]);

describe('decide over every status × command', () => {
  it('covers all 156 pairs of an existing job', () => {
    expect(allowed.length + refused.length).toBe(JOB_STATUSES.length * COMMANDS.length);
  });

  it.each(allowed)('%s from %s emits %s and leaves the job %s', (command, status, events, after) => {
    const state = stateIn(status);
    const emitted = decide(sampleCommand(command), state);
    expect(emitted.map((ev) => ev.type).join(' + ')).toBe(events);
    expect(statusAfter(state, emitted)).toBe(after);
  });

  it.each(refused)('refuses %s from %s with JOB_NOT_IN_STATUS naming the status', (command, status) => {
    const attempt = () => decide(sampleCommand(command), stateIn(status));
    expect(attempt).toThrow(JobNotInStatusError);
    try {
      attempt();
    } catch (error) {
      const refusal = error as JobNotInStatusError;
      expect(refusal.code).toBe('JOB_NOT_IN_STATUS');
      expect(refusal.currentStatus).toBe(status);
      expect(refusal.allowedFrom).toEqual(allowedFromOf(command));
      expect(refusal.message).toContain(`job ${JOB_ID}: it is ${status};`);
    }
  });
});

describe('decide before and after a job exists', () => {
  it('submits a new job as Queued', () => {
    const events = decide(sampleCommand('SubmitJob'), initialState());
    expect(events.map((ev) => ev.type)).toEqual(['JobSubmitted']);
    expect(statusAfter(initialState(), events)).toBe('Queued');
  });

  it.each(JOB_STATUSES)('refuses to submit a job that exists and is %s with JOB_ALREADY_EXISTS', (status) => {
    expect(() => decide(sampleCommand('SubmitJob'), stateIn(status))).toThrow(
      expect.objectContaining({ code: 'JOB_ALREADY_EXISTS', currentStatus: status }),
    );
    expect(() => decide(sampleCommand('SubmitJob'), stateIn(status))).toThrow(JobAlreadyExistsError);
  });

  it.each(COMMANDS)('refuses %s on a job that was never submitted with JOB_NOT_FOUND', (command) => {
    expect(() => decide(sampleCommand(command), initialState())).toThrow(JobNotFoundError);
    expect(() => decide(sampleCommand(command), initialState())).toThrow(
      expect.objectContaining({ code: 'JOB_NOT_FOUND' }),
    );
  });

  it('names the current status and the allowed ones in the refusal message', () => {
    expect(() => decide(sampleCommand('RequestSuspend'), stateIn('Queued'))).toThrow(
      'cannot suspend job j1: it is Queued; suspend is allowed from Running',
    );
  });
});

describe('an end that carries its start (a job that ended before its start was reported)', () => {
  const started = { worker: 'w1', at: '2026-01-01T00:00:01.000Z' };
  const withStart = (command: 'CompleteJob' | 'FailJob') => {
    const sample = sampleCommand(command);
    return { ...sample, data: { ...sample.data, started } } as typeof sample;
  };

  it.each(['CompleteJob', 'FailJob'] as const)('%s from Starting is decided as the start, then the end', (command) => {
    const state = stateIn('Starting');
    const emitted = decide(withStart(command), state);
    expect(emitted.map((ev) => ev.type)).toEqual(['JobStarted', command === 'CompleteJob' ? 'JobCompleted' : 'JobFailed']);
    expect(emitted[0].data).toEqual({ worker: 'w1', attempt: state.attempt, at: started.at });
    expect(emitted[1].data).not.toHaveProperty('started');
    expect(statusAfter(state, emitted)).toBe(command === 'CompleteJob' ? 'Completed' : 'Failed');
  });

  // Wherever a StartJob would be refused (a stop came first, the start was reported after all), only the end is decided.
  const elsewhere = JOB_STATUSES.filter((s) => s !== 'Starting').flatMap((status) => (['CompleteJob', 'FailJob'] as const).map((command) => [command, status] as const));
  it.each(elsewhere)('%s from %s is decided as the end alone', (command, status) => {
    const state = stateIn(status);
    const alone = () => decide(sampleCommand(command), state);
    const carried = () => decide(withStart(command), state);
    if (ALLOWED[status][command]) expect(carried()).toEqual(alone());
    else expect(carried).toThrow(JobNotInStatusError);
  });
});
