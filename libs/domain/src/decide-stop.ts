import { FORCED_REMOVE_FROM, STOP_AT_ONCE_FROM, STOP_GRACEFULLY_FROM } from './command-rules';
import type { JobCommandOf } from './job-command';
import { JobNotInStatusError } from './job-errors';
import type { JobEvent } from './job-event';
import { assertAllowed, assertCancellable, type ExistingJob } from './job-guards';
import { FINAL_STATUSES, isFinalStatus } from './job-status';

/**
 * RequestStop. From Running|Suspending: JobStopRequested (→ Stopping; the worker confirms).
 * From a status where nothing runs: JobStopRequested + JobStopped (→ Stopped at once).
 * @throws JobNotInStatusError from Stopping or a final status
 * @throws JobCannotBeCancelledError on a worker with `cancelWhileRunning: false`
 */
export function decideStop(data: JobCommandOf<'RequestStop'>['data'], job: ExistingJob): JobEvent[] {
  assertAllowed('RequestStop', job);
  assertCancellable('RequestStop', job, data.cancelWhileRunning ?? true);
  const requested: JobEvent = { type: 'JobStopRequested', data: { at: data.at } };
  if (STOP_GRACEFULLY_FROM.includes(job.status)) return [requested];
  return [requested, { type: 'JobStopped', data: { at: data.at } }];
}

/**
 * RemoveJob. A final job: JobRemoved. With `force`, a job that a stop ends at once is
 * stopped first: JobStopRequested + JobStopped + JobRemoved. A job with a running process
 * (Running, Suspending, Stopping) is refused even with `force`: removing it would have to
 * wait for the worker in Stopping, so the caller stops it and removes it once it is final.
 */
export function decideRemove(data: JobCommandOf<'RemoveJob'>['data'], job: ExistingJob): JobEvent[] {
  const removed: JobEvent = { type: 'JobRemoved', data: { forced: data.force, at: data.at } };
  if (isFinalStatus(job.status)) return [removed];
  const stopsAtOnce = STOP_AT_ONCE_FROM.includes(job.status);
  if (!data.force || !stopsAtOnce) {
    throw new JobNotInStatusError({
      jobId: job.jobId,
      command: 'RemoveJob',
      currentStatus: job.status,
      allowedFrom: data.force ? FORCED_REMOVE_FROM : FINAL_STATUSES,
      hint: stopsAtOnce
        ? 'use force to stop it first'
        : 'a job with a running process must be stopped and leave Stopping before it can be removed',
    });
  }
  assertCancellable('RemoveJob', job, data.cancelWhileRunning ?? true);
  return [{ type: 'JobStopRequested', data: { at: data.at } }, { type: 'JobStopped', data: { at: data.at } }, removed];
}
