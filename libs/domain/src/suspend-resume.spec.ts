import { decide } from './job-decide';
import type { JobEvent } from './job-event';
import { evolve } from './job-evolve';
import type { JobReason } from './job-reason';
import type { JobState } from './job-state';
import { AT, sampleCommand, stateIn } from './testing/job-fixtures';

const apply = (state: JobState, events: JobEvent[]) => events.reduce(evolve, state);

describe('suspending and resuming', () => {
  it('asks a Running job to suspend, which leaves it Suspending', () => {
    const state = apply(stateIn('Running'), decide(sampleCommand('RequestSuspend'), stateIn('Running')));
    expect(state.status).toBe('Suspending');
  });

  it('suspends at the next checkpoint', () => {
    const events = decide(sampleCommand('CheckpointJob'), stateIn('Suspending'));
    expect(events).toEqual([
      { type: 'JobCheckpointed', data: { attempt: 1, checkpointId: 'c9', state: { step: 9 }, at: AT } },
      {
        type: 'JobSuspended',
        data: { reason: { message: 'suspended at checkpoint c9 as requested', type: 'SuspendRequested', source: 'user' }, at: AT },
      },
    ]);
    expect(apply(stateIn('Suspending'), events)).toMatchObject({ status: 'Suspended', lastCheckpointId: 'c9' });
  });

  it('completes a Suspending job that passes no further checkpoint', () => {
    const state = apply(stateIn('Suspending'), decide(sampleCommand('CompleteJob'), stateIn('Suspending')));
    expect(state.status).toBe('Completed');
  });

  it('suspends a Running job at once with the reason given, e.g. errorAction stop', () => {
    const reason: JobReason = { message: 'uncaught error', type: 'RunbookError', source: 'system' };
    const events = decide(sampleCommand('ConfirmSuspend', { reason }), stateIn('Running'));
    expect(events).toEqual([{ type: 'JobSuspended', data: { reason, at: AT } }]);
    expect(apply(stateIn('Running'), events)).toMatchObject({ status: 'Suspended', reason });
  });

  it('suspends without a reason when none is given', () => {
    expect(decide(sampleCommand('ConfirmSuspend'), stateIn('Running'))).toEqual([
      { type: 'JobSuspended', data: { reason: null, at: AT } },
    ]);
  });

  it('resumes a Suspended job as a new attempt on the next assignment', () => {
    let state = stateIn('Suspended');
    state = apply(state, decide(sampleCommand('RequestResume'), state));
    expect(state.status).toBe('Resuming');
    const assigned = decide(sampleCommand('AssignJob'), state);
    expect(assigned).toEqual([{ type: 'JobAssigned', data: { worker: 'w2', workerGroup: 'default', attempt: 2, at: AT } }]);
    expect(apply(state, assigned)).toMatchObject({ status: 'Starting', attempt: 2, worker: 'w2', reason: null });
  });

  it('starts the assigned attempt', () => {
    expect(decide(sampleCommand('StartJob'), stateIn('Starting'))).toEqual([
      { type: 'JobStarted', data: { worker: 'w2', attempt: 1, at: AT } },
    ]);
  });

  it('keeps a Queued job Queued with the scheduler’s reason for waiting', () => {
    const events = decide(sampleCommand('QueueJob'), stateIn('Queued'));
    expect(apply(stateIn('Queued'), events)).toMatchObject({
      status: 'Queued',
      reason: { type: 'NoWorker', source: 'scheduler' },
    });
  });

  it('fails a Queued job whose pinned worker group has no live worker (Queued→Failed, SPEC §1)', () => {
    const reason: JobReason = { message: 'no live worker in group gpu', type: 'NoLiveWorker', source: 'scheduler' };
    const events = decide(sampleCommand('FailJob', { reason }), stateIn('Queued'));
    expect(apply(stateIn('Queued'), events)).toMatchObject({ status: 'Failed', reason });
  });
});
