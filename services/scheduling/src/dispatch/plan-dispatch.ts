import { waitingForSlot } from '@jobledger/domain';
import type { JobReason, JobStatus } from '@jobledger/domain';
import { placeJob } from './pick-worker';
import type { FreeWorker } from './pick-worker';

export interface WaitingJob {
  account_id: string;
  job_id: string;
  run_on: string | null;
  /** The message of the last `JobQueued`; null: none since it was submitted (see `recordedWait`). */
  wait_reason: string | null;
  status: JobStatus;
}

export type Decision<J extends WaitingJob> =
  | { kind: 'assign'; job: J; worker: FreeWorker }
  | { kind: 'fail'; job: J; reason: JobReason }
  /** Still waiting, for a reason it was not known to wait for yet (a reason is recorded once). */
  | { kind: 'wait'; job: J; reason: JobReason };

export interface DispatchLimits {
  /** Running jobs an account may have at once; 0 = no limit. */
  accountConcurrency: number;
  mayFailPinned: boolean;
}

/**
 * What to do with each waiting job, in the order given (round robin across accounts, then
 * priority, then age — the query's order). Pure: takes a slot from the worker it assigns, and
 * counts the account's running jobs against its quota.
 */
export function planDispatch<J extends WaitingJob>(waiting: J[], workers: FreeWorker[], activeByAccount: Map<string, number>, limits: DispatchLimits): Decision<J>[] {
  const decisions: Decision<J>[] = [];
  for (const job of waiting) {
    const active = activeByAccount.get(job.account_id) ?? 0;
    if (limits.accountConcurrency > 0 && active >= limits.accountConcurrency) {
      const reason: JobReason = {
        message: `waiting: the account's concurrency quota of ${limits.accountConcurrency} running jobs is reached`,
        type: 'AccountQuota',
        source: 'scheduler',
      };
      if (job.status === 'Queued' && recordedWait(job) !== reason.message) decisions.push({ kind: 'wait', job, reason });
      continue;
    }
    const placement = placeJob(workers, job.run_on, limits.mayFailPinned && job.status === 'Queued');
    if (placement.kind === 'assign') {
      placement.worker.free--;
      activeByAccount.set(job.account_id, active + 1);
      decisions.push({ kind: 'assign', job, worker: placement.worker });
    } else if (placement.kind === 'fail') {
      decisions.push({ kind: 'fail', job, reason: placement.reason });
    } else if (job.status === 'Queued' && recordedWait(job) !== placement.reason.message) {
      decisions.push({ kind: 'wait', job, reason: placement.reason });
    }
  }
  return decisions;
}

/** Why the job is known to wait: its last `JobQueued`, or else the reason it was submitted with. */
function recordedWait(job: WaitingJob): string {
  return job.wait_reason ?? waitingForSlot(job.run_on).message;
}
