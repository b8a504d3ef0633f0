import { DomainError } from './domain-error';
import { decide } from './job-decide';
import { evolve } from './job-evolve';
import { isRecordableRefusal, recordRefusal, refusableRequestOf } from './record-refusal';
import { initialState } from './job-state';
import { AT, sampleCommand, stateIn } from './testing/job-fixtures';

function refusalOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('recording refused requests', () => {
  it('records a stop that raced with completion instead of losing it', () => {
    const state = stateIn('Completed');
    const error = refusalOf(() => decide(sampleCommand('RequestStop'), state));
    if (!isRecordableRefusal(error)) throw error;
    const event = recordRefusal('stop', error, AT);
    expect(event).toEqual({
      type: 'JobRequestRefused',
      data: { request: 'stop', status: 'Completed', code: 'JOB_NOT_IN_STATUS', at: AT },
    });
    expect(evolve(state, event)).toEqual({ ...state, revision: state.revision + 1 });
  });

  it('records a stop refused by a worker group that cannot cancel running jobs', () => {
    const error = refusalOf(() => decide(sampleCommand('RequestStop', { cancelWhileRunning: false }), stateIn('Running')));
    if (!isRecordableRefusal(error)) throw error;
    expect(recordRefusal('stop', error, AT).data).toMatchObject({ status: 'Running', code: 'JOB_CANNOT_BE_CANCELLED' });
  });

  it('does not treat a missing job as recordable: there is no stream to record it on', () => {
    const error = refusalOf(() => decide(sampleCommand('RequestStop'), initialState()));
    expect(error).toBeInstanceOf(DomainError);
    expect(isRecordableRefusal(error)).toBe(false);
  });

  it('names the user request behind each user command', () => {
    expect(refusableRequestOf(sampleCommand('RequestStop'))).toBe('stop');
    expect(refusableRequestOf(sampleCommand('RequestSuspend'))).toBe('suspend');
    expect(refusableRequestOf(sampleCommand('RequestResume'))).toBe('resume');
    expect(refusableRequestOf(sampleCommand('RemoveJob'))).toBe('remove');
    expect(refusableRequestOf(sampleCommand('CompleteJob'))).toBeNull();
  });
});
