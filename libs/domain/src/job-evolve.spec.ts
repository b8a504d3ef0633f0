import type { JobEvent } from './job-event';
import { JOB_EVENT_TYPES } from './job-event';
import { evolve, foldJobEvents } from './job-evolve';
import { initialState } from './job-state';
import { FINAL_STATUSES, JOB_STATUSES } from './job-status';
import { canTransition } from './status-transitions';
import { AT, HISTORIES, sampleEvent, stateIn } from './testing/job-fixtures';

const everyEvent = JOB_EVENT_TYPES.map((type) => [type] as const);

describe('evolve', () => {
  it('starts from a job that is not submitted yet', () => {
    expect(initialState()).toMatchObject({ status: null, jobId: null, attempt: 0, revision: 0, removed: false });
  });

  it.each(JOB_STATUSES)('reaches %s by folding its history, counting every event in revision', (status) => {
    const state = stateIn(status);
    expect(state.status).toBe(status);
    expect(state.revision).toBe(HISTORIES[status].length);
  });

  it.each(JOB_STATUSES)('never throws and always bumps the revision, whatever event follows %s', (status) => {
    const state = stateIn(status);
    for (const type of JOB_EVENT_TYPES) {
      const next = evolve(state, sampleEvent(type));
      expect(next.revision).toBe(state.revision + 1);
      expect(next.status === state.status || canTransition(state.status!, next.status!)).toBe(true);
    }
  });

  it.each(FINAL_STATUSES)('never changes the status of a %s job again', (status) => {
    const state = stateIn(status);
    for (const type of JOB_EVENT_TYPES) expect(evolve(state, sampleEvent(type)).status).toBe(status);
  });

  it.each(everyEvent)('ignores %s before the job is submitted, except JobSubmitted itself', (type) => {
    const next = evolve(initialState(), sampleEvent(type));
    expect(next.status).toBe(type === 'JobSubmitted' ? 'Queued' : null);
    expect(next.revision).toBe(1);
  });

  it('keeps the state and bumps the revision for an event type it does not know', () => {
    const state = stateIn('Running');
    const unknown = { type: 'JobTeleported', data: { at: AT } } as unknown as JobEvent;
    expect(evolve(state, unknown)).toEqual({ ...state, revision: state.revision + 1 });
  });

  it('keeps the status for an event out of order, such as a start while Queued', () => {
    const state = stateIn('Queued');
    expect(evolve(state, sampleEvent('JobStarted'))).toEqual({ ...state, revision: state.revision + 1 });
  });

  it('does not change the state it is given', () => {
    const state = Object.freeze(stateIn('Running'));
    expect(() => evolve(state, sampleEvent('JobCompleted'))).not.toThrow();
    expect(state.status).toBe('Running');
  });

  it('is deterministic: the same history folds to equal states', () => {
    expect(foldJobEvents([...HISTORIES.Resuming])).toEqual(foldJobEvents([...HISTORIES.Resuming]));
  });

  it('records the submission, the assignment and the checkpoint in the state', () => {
    const state = foldJobEvents([...HISTORIES.Running, sampleEvent('JobCheckpointed')]);
    expect(state).toMatchObject({
      jobId: 'j1',
      accountId: 'acc-1',
      errorAction: 'continue',
      attempt: 1,
      worker: 'w1',
      workerGroup: 'default',
      lastCheckpointId: 'c1',
      lastCheckpointAt: AT,
    });
  });

  it('marks a final job removed, and ignores everything after that', () => {
    const removed = foldJobEvents([...HISTORIES.Completed, sampleEvent('JobRemoved')]);
    expect(removed).toMatchObject({ status: 'Completed', removed: true });
    expect(evolve(removed, sampleEvent('JobSubmitted'))).toEqual({ ...removed, revision: removed.revision + 1 });
  });

  it('does not remove a job that is not final', () => {
    expect(foldJobEvents([...HISTORIES.Running, sampleEvent('JobRemoved')]).removed).toBe(false);
  });

  it('keeps a Queued job Queued on a stop request until JobStopped follows, which ends its wait and the reason', () => {
    const requested = evolve(stateIn('Queued'), sampleEvent('JobStopRequested'));
    expect(requested).toMatchObject({ status: 'Queued', stopRequested: true });
    expect(evolve(requested, sampleEvent('JobStopped'))).toMatchObject({ status: 'Stopped', reason: null });
  });

  it('submits a job waiting for a free slot, of its pinned group if any, until a JobQueued says otherwise', () => {
    const submitted = foldJobEvents([sampleEvent('JobSubmitted')]);
    expect(submitted.reason).toEqual({ message: 'waiting for a free slot on a live worker', type: 'NoFreeWorker', source: 'scheduler' });
    const sample = sampleEvent('JobSubmitted');
    const pinned = { ...sample, data: { ...sample.data, runOn: 'gpu' } };
    expect(foldJobEvents([pinned]).reason?.message).toBe('waiting for a free slot on a live worker of group "gpu"');
    const quota = { message: 'waiting: quota', type: 'AccountQuota', source: 'scheduler' as const };
    const queued = evolve(submitted, { type: 'JobQueued', data: { reason: quota, at: AT } });
    expect(queued.reason).toEqual(quota);
    expect(evolve(queued, sampleEvent('JobAssigned')).reason).toBeNull();
  });

  it('fails a Queued job: the pinned worker group had no live worker (SPEC §1)', () => {
    expect(evolve(stateIn('Queued'), sampleEvent('JobFailed')).status).toBe('Failed');
  });

  it('changes nothing but the revision for a recorded refusal', () => {
    const state = stateIn('Completed');
    expect(evolve(state, sampleEvent('JobRequestRefused'))).toEqual({ ...state, revision: state.revision + 1 });
  });
});
