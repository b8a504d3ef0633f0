import { CANNOT_CANCEL_WHILE, COMMAND_RULES } from './command-rules';
import type { ExistingJobCommandType } from './job-command';
import { JobCannotBeCancelledError, JobNotFoundError, JobNotInStatusError } from './job-errors';
import type { JobState } from './job-state';
import type { JobStatus } from './job-status';

/** The state of a submitted, not removed job. */
export type ExistingJob = JobState & { status: JobStatus; jobId: string };

/** @throws JobNotFoundError when the job was never submitted or was removed. */
export function existingJob(command: ExistingJobCommandType, state: JobState): ExistingJob {
  const { status, jobId } = state;
  if (status === null || jobId === null || state.removed) {
    throw new JobNotFoundError({ jobId, command, removed: state.removed });
  }
  return { ...state, status, jobId };
}

/** @throws JobNotInStatusError unless `command` may leave from the job's status (COMMAND_RULES). */
export function assertAllowed(command: ExistingJobCommandType, job: ExistingJob): void {
  const { allowedFrom } = COMMAND_RULES[command];
  if (!allowedFrom.includes(job.status)) {
    throw new JobNotInStatusError({ jobId: job.jobId, command, currentStatus: job.status, allowedFrom });
  }
}

/** @throws JobCannotBeCancelledError when the worker group cannot cancel the job where it is. */
export function assertCancellable(
  command: 'RequestStop' | 'RemoveJob',
  job: ExistingJob,
  cancelWhileRunning: boolean,
): void {
  if (!cancelWhileRunning && CANNOT_CANCEL_WHILE.includes(job.status)) {
    throw new JobCannotBeCancelledError({ jobId: job.jobId, command, currentStatus: job.status });
  }
}
