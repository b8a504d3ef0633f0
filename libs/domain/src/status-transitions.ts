import type { JobStatus } from './job-status';

/**
 * The status graph of SPEC §2: for each status, the statuses it may move to. `evolve`
 * applies a status change only along these edges; final statuses have none.
 */
export const STATUS_TRANSITIONS: { readonly [S in JobStatus]: readonly JobStatus[] } = {
  // Queued→Failed is not in §2's list, but §1 defines Failed as "ended with an error, or its
  // pinned worker group had no live worker": the scheduler decides the latter while the job
  // is still Queued, so the edge exists.
  Queued: ['Starting', 'Stopped', 'Failed'],
  // Starting→RunningWaitingForResources is not in SPEC §2 either: when the worker a job was
  // assigned to is lost before the job started, it waits for resources like a job whose
  // running worker was lost (SPEC §1: "resumed elsewhere").
  Starting: ['Running', 'Failed', 'Stopped', 'RunningWaitingForResources'],
  Running: ['Completed', 'Failed', 'Stopping', 'Suspending', 'Suspended', 'RunningWaitingForResources'],
  RunningWaitingForResources: ['Starting', 'FailedWaitingForResources', 'Stopped'],
  Suspending: ['Suspended', 'Completed', 'Failed', 'Stopping'],
  Suspended: ['Resuming', 'Stopped'],
  Resuming: ['Starting', 'Stopped'],
  Stopping: ['Stopped', 'Completed', 'Failed'],
  Stopped: [],
  Completed: [],
  Failed: [],
  FailedWaitingForResources: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}
