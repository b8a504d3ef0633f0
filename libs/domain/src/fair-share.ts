import type { JobEvent } from './job-event';
import type { JobReason } from './job-reason';
import type { ExistingJob } from './job-guards';

/** The third unload from the same checkpoint (or from the start) ends the job (SPEC §2). */
export const MAX_FAIR_SHARE_UNLOADS = 3;

/**
 * Unload a Running job at its fair-share limit. The status guard is the caller's.
 * Emits JobUnloaded (→ RunningWaitingForResources), and JobFailedWaitingForResources too
 * when this unload reaches MAX_FAIR_SHARE_UNLOADS since the last checkpoint.
 */
export function decideUnload(job: ExistingJob, at: string): JobEvent[] {
  const unloads = job.unloadsSinceCheckpoint + 1;
  const unloaded: JobEvent = { type: 'JobUnloaded', data: { unloads, at } };
  if (unloads < MAX_FAIR_SHARE_UNLOADS) return [unloaded];
  return [unloaded, { type: 'JobFailedWaitingForResources', data: { reason: fairShareLimit(job, unloads), at } }];
}

function fairShareLimit(job: ExistingJob, unloads: number): JobReason {
  const from = job.lastCheckpointId === null ? 'the start' : `checkpoint ${job.lastCheckpointId}`;
  return {
    message: `unloaded ${unloads} times at the fair-share limit without passing a checkpoint after ${from}`,
    type: 'FairShareLimitReached',
    source: 'scheduler',
  };
}
