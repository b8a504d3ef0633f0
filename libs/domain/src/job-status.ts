/**
 * Status of a runbook job (SPEC §2). Which status may follow which lives in
 * `status-transitions.ts`; which command may leave from which in `command-rules.ts`.
 */
export type JobStatus =
  | 'Queued'
  | 'Starting'
  | 'Running'
  | 'RunningWaitingForResources'
  | 'Suspending'
  | 'Suspended'
  | 'Resuming'
  | 'Stopping'
  | 'Stopped'
  | 'Completed'
  | 'Failed'
  | 'FailedWaitingForResources';

// A mapped type, so that adding a status without listing it here fails to compile.
const STATUS_NAMES: { readonly [S in JobStatus]: S } = {
  Queued: 'Queued',
  Starting: 'Starting',
  Running: 'Running',
  RunningWaitingForResources: 'RunningWaitingForResources',
  Suspending: 'Suspending',
  Suspended: 'Suspended',
  Resuming: 'Resuming',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  Completed: 'Completed',
  Failed: 'Failed',
  FailedWaitingForResources: 'FailedWaitingForResources',
};

/** Every job status, in lifecycle order. */
export const JOB_STATUSES: readonly JobStatus[] = Object.freeze(Object.values(STATUS_NAMES));

/** Statuses that never change again (SPEC §2). */
export const FINAL_STATUSES: readonly JobStatus[] = Object.freeze([
  'Stopped',
  'Completed',
  'Failed',
  'FailedWaitingForResources',
] as const);

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
