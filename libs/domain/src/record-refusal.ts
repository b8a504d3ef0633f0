import type { JobCommand } from './job-command';
import { JobCannotBeCancelledError, JobNotInStatusError } from './job-errors';
import type { JobEventData, JobEventOf } from './job-event';

export type RefusableRequest = JobEventData<'JobRequestRefused'>['request'];

/** Refusals of an existing job's status, which can be recorded on its stream. */
export type RecordableRefusal = JobNotInStatusError | JobCannotBeCancelledError;

export function isRecordableRefusal(error: unknown): error is RecordableRefusal {
  return error instanceof JobNotInStatusError || error instanceof JobCannotBeCancelledError;
}

/** The user request a command stands for, if it is one whose refusal is recorded. */
export function refusableRequestOf(command: JobCommand): RefusableRequest | null {
  switch (command.type) {
    case 'RequestStop':
      return 'stop';
    case 'RequestSuspend':
      return 'suspend';
    case 'RequestResume':
      return 'resume';
    case 'RemoveJob':
      return 'remove';
    default:
      return null;
  }
}

/**
 * Turns a refused user request into a JobRequestRefused event, so that a request that
 * raced with completion is recorded rather than lost (SPEC §2). The API still answers 409.
 */
export function recordRefusal(
  request: RefusableRequest,
  error: RecordableRefusal,
  at: string,
): JobEventOf<'JobRequestRefused'> {
  return { type: 'JobRequestRefused', data: { request, status: error.currentStatus, code: error.code, at } };
}
