import type { JobReason } from './job-reason';
import type { JobStatus } from './job-status';
import type { ErrorAction } from './runbook-ref';

/**
 * What `decide` needs to know about a job: the fold of its events with `evolve`.
 * Read models are built elsewhere; this holds only what the rules use.
 */
export interface JobState {
  /** null until `JobSubmitted`. */
  status: JobStatus | null;
  jobId: string | null;
  accountId: string | null;
  runOn: string | null;
  errorAction: ErrorAction | null;
  /** Number of assignments so far; the running attempt. */
  attempt: number;
  worker: string | null;
  workerGroup: string | null;
  /** All fair-share unloads of the job. */
  fairShareUnloads: number;
  /** Unloads since the last checkpoint (or the start); reaching MAX_FAIR_SHARE_UNLOADS fails it. */
  unloadsSinceCheckpoint: number;
  lastCheckpointId: string | null;
  lastCheckpointAt: string | null;
  stopRequested: boolean;
  removed: boolean;
  reason: JobReason | null;
  /** Number of events folded, applied or not: the stream revision to append after. */
  revision: number;
}

export function initialState(): JobState {
  return {
    status: null,
    jobId: null,
    accountId: null,
    runOn: null,
    errorAction: null,
    attempt: 0,
    worker: null,
    workerGroup: null,
    fairShareUnloads: 0,
    unloadsSinceCheckpoint: 0,
    lastCheckpointId: null,
    lastCheckpointAt: null,
    stopRequested: false,
    removed: false,
    reason: null,
    revision: 0,
  };
}
