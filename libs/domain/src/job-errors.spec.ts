import { DOMAIN_ERROR_CODES, DomainError } from './domain-error';
import { decide } from './job-decide';
import { JobAlreadyExistsError, JobCannotBeCancelledError, JobNotFoundError, JobNotInStatusError } from './job-errors';
import { sampleCommand, stateIn } from './testing/job-fixtures';

describe('domain errors', () => {
  const notInStatus = new JobNotInStatusError({
    jobId: 'j1',
    command: 'ConfirmStop',
    currentStatus: 'Running',
    allowedFrom: ['Stopping'],
  });

  it('are DomainErrors and Errors with a code, a name and details', () => {
    for (const error of [
      notInStatus,
      new JobCannotBeCancelledError({ jobId: 'j1', command: 'RequestStop', currentStatus: 'Running' }),
      new JobAlreadyExistsError({ jobId: 'j1', currentStatus: 'Queued' }),
      new JobNotFoundError({ jobId: null, command: 'StartJob', removed: false }),
    ]) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(DomainError);
      expect(DOMAIN_ERROR_CODES).toContain(error.code);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('name the current status and the allowed ones', () => {
    expect(notInStatus.message).toBe(
      'cannot confirm the stop of job j1: it is Running; confirming a stop is allowed from Stopping',
    );
    expect(notInStatus.details).toEqual({ jobId: 'j1', command: 'ConfirmStop', status: 'Running', allowedFrom: ['Stopping'] });
  });

  it('list every status a command is allowed from, in lifecycle order', () => {
    expect(() => decide(sampleCommand('CompleteJob'), stateIn('Queued'))).toThrow(
      'cannot complete job j1: it is Queued; complete is allowed from Running, Suspending, Stopping',
    );
  });

  it('tell how to remove a job that is not final', () => {
    expect(() => decide(sampleCommand('RemoveJob'), stateIn('Suspended'))).toThrow(
      'cannot remove job j1: it is Suspended; remove is allowed from Stopped, Completed, Failed, ' +
        'FailedWaitingForResources; use force to stop it first',
    );
  });

  it('say a job does not exist without inventing its id', () => {
    expect(new JobNotFoundError({ jobId: null, command: 'RequestResume', removed: false }).message).toBe(
      'cannot resume job: it does not exist',
    );
  });

  it('say which job already exists and how it is', () => {
    expect(() => decide(sampleCommand('SubmitJob'), stateIn('Running'))).toThrow(
      'cannot submit job j1: it already exists and is Running',
    );
  });
});
