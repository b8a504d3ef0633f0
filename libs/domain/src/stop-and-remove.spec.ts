import { decide } from './job-decide';
import { JobCannotBeCancelledError, JobNotFoundError, JobNotInStatusError } from './job-errors';
import { evolve } from './job-evolve';
import type { JobState } from './job-state';
import { FINAL_STATUSES, JOB_STATUSES, isFinalStatus, type JobStatus } from './job-status';
import { AT, sampleCommand, stateIn, statusAfter } from './testing/job-fixtures';

const types = (status: JobStatus, command: Parameters<typeof sampleCommand>[0], data = {}) =>
  decide(sampleCommand(command, data), stateIn(status)).map((ev) => ev.type);
const nonFinal = JOB_STATUSES.filter((status) => !isFinalStatus(status));

describe('stopping a job', () => {
  it.each(['Running', 'Suspending'] as const)('signals a %s job and waits in Stopping for the worker', (status) => {
    const state = stateIn(status);
    const events = decide(sampleCommand('RequestStop'), state);
    expect(events).toEqual([{ type: 'JobStopRequested', data: { at: AT } }]);
    expect(statusAfter(state, events)).toBe('Stopping');
  });

  it.each(['Queued', 'Starting', 'RunningWaitingForResources', 'Suspended', 'Resuming'] as const)(
    'stops a %s job at once, since no process runs',
    (status) => {
      expect(types(status, 'RequestStop')).toEqual(['JobStopRequested', 'JobStopped']);
      expect(statusAfter(stateIn(status), decide(sampleCommand('RequestStop'), stateIn(status)))).toBe('Stopped');
    },
  );

  it.each(nonFinal)('ends a %s job Stopped, at once or once the worker confirms', (status) => {
    let state: JobState = stateIn(status);
    if (status !== 'Stopping') state = decide(sampleCommand('RequestStop'), state).reduce(evolve, state);
    if (state.status === 'Stopping') state = decide(sampleCommand('ConfirmStop'), state).reduce(evolve, state);
    expect(state).toMatchObject({ status: 'Stopped', stopRequested: true });
  });

  it('refuses a second stop while the job is Stopping', () => {
    expect(() => decide(sampleCommand('RequestStop'), stateIn('Stopping'))).toThrow(JobNotInStatusError);
  });

  it.each(FINAL_STATUSES)('refuses to stop a %s job with JOB_NOT_IN_STATUS', (status) => {
    expect(() => decide(sampleCommand('RequestStop'), stateIn(status))).toThrow(
      expect.objectContaining({ code: 'JOB_NOT_IN_STATUS', currentStatus: status }),
    );
  });
});

describe('stopping on a worker group with cancelWhileRunning false', () => {
  const noCancel = { cancelWhileRunning: false };

  it.each(['Starting', 'Running', 'Suspending'] as const)('refuses to stop a %s job with JOB_CANNOT_BE_CANCELLED', (status) => {
    const attempt = () => decide(sampleCommand('RequestStop', noCancel), stateIn(status));
    expect(attempt).toThrow(JobCannotBeCancelledError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'JOB_CANNOT_BE_CANCELLED', currentStatus: status }));
    expect(attempt).toThrow(`it is ${status} on a worker group that cannot cancel running jobs`);
  });

  it.each(['Queued', 'RunningWaitingForResources', 'Suspended', 'Resuming'] as const)(
    'still stops a %s job, which runs nowhere',
    (status) => {
      expect(types(status, 'RequestStop', noCancel)).toEqual(['JobStopRequested', 'JobStopped']);
    },
  );

  it('reports a Stopping job as not in status rather than not cancellable', () => {
    expect(() => decide(sampleCommand('RequestStop', noCancel), stateIn('Stopping'))).toThrow(JobNotInStatusError);
  });
});

describe('removing a job', () => {
  it.each(FINAL_STATUSES)('removes a %s job, keeping its status', (status) => {
    const state = stateIn(status);
    const events = decide(sampleCommand('RemoveJob'), state);
    expect(events).toEqual([{ type: 'JobRemoved', data: { forced: false, at: AT } }]);
    expect(events.reduce(evolve, state)).toMatchObject({ status, removed: true });
  });

  it.each(nonFinal)('refuses to remove a %s job without force, with JOB_NOT_IN_STATUS', (status) => {
    expect(() => decide(sampleCommand('RemoveJob'), stateIn(status))).toThrow(
      expect.objectContaining({ code: 'JOB_NOT_IN_STATUS', currentStatus: status, allowedFrom: FINAL_STATUSES }),
    );
  });

  it.each(['Queued', 'Starting', 'RunningWaitingForResources', 'Suspended', 'Resuming'] as const)(
    'stops a %s job first when forced, then removes it',
    (status) => {
      const state = stateIn(status);
      const events = decide(sampleCommand('RemoveJob', { force: true }), state);
      expect(events.map((ev) => ev.type)).toEqual(['JobStopRequested', 'JobStopped', 'JobRemoved']);
      expect(events.reduce(evolve, state)).toMatchObject({ status: 'Stopped', removed: true });
    },
  );

  it.each(['Running', 'Suspending', 'Stopping'] as const)(
    'refuses to force-remove a %s job, which must leave Stopping first',
    (status) => {
      const attempt = () => decide(sampleCommand('RemoveJob', { force: true }), stateIn(status));
      expect(attempt).toThrow(expect.objectContaining({ code: 'JOB_NOT_IN_STATUS', currentStatus: status }));
      expect(attempt).toThrow('must be stopped and leave Stopping');
    },
  );

  it('marks a forced removal of a final job as forced', () => {
    expect(decide(sampleCommand('RemoveJob', { force: true }), stateIn('Failed'))).toEqual([
      { type: 'JobRemoved', data: { forced: true, at: AT } },
    ]);
  });

  it('refuses to force-remove a Starting job on a group that cannot cancel running jobs', () => {
    const command = sampleCommand('RemoveJob', { force: true, cancelWhileRunning: false });
    expect(() => decide(command, stateIn('Starting'))).toThrow(JobCannotBeCancelledError);
  });

  it('treats a removed job as not found', () => {
    const removed = decide(sampleCommand('RemoveJob'), stateIn('Completed')).reduce(evolve, stateIn('Completed'));
    expect(() => decide(sampleCommand('RemoveJob'), removed)).toThrow(JobNotFoundError);
    expect(() => decide(sampleCommand('RemoveJob'), removed)).toThrow('cannot remove job j1: it was removed');
  });
});
