import type { JobEventData } from './job-event';
import type { JobReason } from './job-reason';

/**
 * Commands on one job, imperative, `{ type, data }`. Time (`at`, ISO-8601) and ids arrive
 * here; `decide` never makes them up. The job id is the stream the handler loaded, so only
 * `SubmitJob` carries it.
 */
export type JobCommand =
  | { type: 'SubmitJob'; data: JobEventData<'JobSubmitted'> }
  /** The scheduler says why a Queued job still waits. */
  | { type: 'QueueJob'; data: { reason: JobReason | null; at: string } }
  | { type: 'AssignJob'; data: { worker: string; workerGroup: string; at: string } }
  | { type: 'StartJob'; data: StartedReport }
  | { type: 'CheckpointJob'; data: { checkpointId: string; state: unknown; at: string } }
  /**
   * A user asks to stop. `cancelWhileRunning` is the worker group's setting (SPEC §4).
   * @default cancelWhileRunning true
   */
  | { type: 'RequestStop'; data: { cancelWhileRunning?: boolean; at: string } }
  /** The worker says the process ended after a stop request. */
  | { type: 'ConfirmStop'; data: { at: string } }
  | { type: 'RequestSuspend'; data: { at: string } }
  /**
   * The job is suspended now: by the system (errorAction "stop"), by the runbook, or by the
   * worker acknowledging a suspend request.
   * @default reason null
   */
  | { type: 'ConfirmSuspend'; data: { reason?: JobReason | null; at: string } }
  | { type: 'RequestResume'; data: { at: string } }
  /** Fair share: the job ran its worker group's `fairShareSeconds` and is unloaded. */
  | { type: 'UnloadJob'; data: { at: string } }
  /**
   * The worker holding the job was lost (it missed heartbeats for the worker timeout). Only
   * the job's current worker can be lost: a report about a worker the job has already left
   * changes nothing.
   */
  | { type: 'ReleaseJob'; data: { worker: string; at: string } }
  /**
   * The job ended. `started`: the worker reports the start with the end (a job that ended before
   * its start was reported): decided as a StartJob first, where the job is still Starting.
   */
  | { type: 'CompleteJob'; data: { result: unknown; outputRecords: number; at: string; started?: StartedReport } }
  | { type: 'FailJob'; data: { reason: JobReason; at: string; started?: StartedReport } }
  /**
   * Remove a final job; with `force`, stop it first (see `decideRemove`).
   * @default cancelWhileRunning true
   */
  | { type: 'RemoveJob'; data: { force: boolean; cancelWhileRunning?: boolean; at: string } };

/** A worker's report that it started the job's runbook. */
export interface StartedReport {
  worker: string;
  at: string;
}

export type JobCommandType = JobCommand['type'];
export type JobCommandOf<T extends JobCommandType> = Extract<JobCommand, { type: T }>;
/** Commands that act on a job that already exists. */
export type ExistingJobCommandType = Exclude<JobCommandType, 'SubmitJob'>;

const COMMAND_TYPE_NAMES: { readonly [T in JobCommandType]: T } = {
  SubmitJob: 'SubmitJob',
  QueueJob: 'QueueJob',
  AssignJob: 'AssignJob',
  StartJob: 'StartJob',
  CheckpointJob: 'CheckpointJob',
  RequestStop: 'RequestStop',
  ConfirmStop: 'ConfirmStop',
  RequestSuspend: 'RequestSuspend',
  ConfirmSuspend: 'ConfirmSuspend',
  RequestResume: 'RequestResume',
  UnloadJob: 'UnloadJob',
  ReleaseJob: 'ReleaseJob',
  CompleteJob: 'CompleteJob',
  FailJob: 'FailJob',
  RemoveJob: 'RemoveJob',
};

export const JOB_COMMAND_TYPES: readonly JobCommandType[] = Object.freeze(Object.values(COMMAND_TYPE_NAMES));
