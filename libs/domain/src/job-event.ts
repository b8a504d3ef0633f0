import type { JobReason } from './job-reason';
import type { JobStatus } from './job-status';
import type { ErrorAction, RunbookRef } from './runbook-ref';

/**
 * Domain events of one job, past tense, `{ type, data }`. Every `data.at` is the ISO-8601
 * time carried by the command that caused it; the domain never reads a clock.
 * These are the payloads only: the Kafka envelope (id, schemaVersion, actor, …) is added
 * by `@jobledger/events`.
 */
export type JobEvent =
  | {
      type: 'JobSubmitted';
      data: {
        jobId: string;
        accountId: string;
        name: string;
        runbook: RunbookRef;
        parameters: Record<string, unknown>;
        runOn: string | null;
        priority: number;
        tags: string[];
        errorAction: ErrorAction;
        at: string;
      };
    }
  /** Still Queued; `reason` says why it waits (no worker, quota, fair share). */
  | { type: 'JobQueued'; data: { reason: JobReason | null; at: string } }
  /** `attempt` counts assignments, starting at 1. */
  | { type: 'JobAssigned'; data: { worker: string; workerGroup: string; attempt: number; at: string } }
  | { type: 'JobStarted'; data: { worker: string; attempt: number; at: string } }
  | { type: 'JobCheckpointed'; data: { attempt: number; checkpointId: string; state: unknown; at: string } }
  /** From Running|Suspending it moves to Stopping; elsewhere `JobStopped` follows at once. */
  | { type: 'JobStopRequested'; data: { at: string } }
  | { type: 'JobStopped'; data: { at: string } }
  | { type: 'JobSuspendRequested'; data: { at: string } }
  | { type: 'JobSuspended'; data: { reason: JobReason | null; at: string } }
  | { type: 'JobResumeRequested'; data: { at: string } }
  /** Fair-share unload; `unloads` = unloads since the last checkpoint (or the start), this one included. */
  | { type: 'JobUnloaded'; data: { unloads: number; at: string } }
  /**
   * The job's worker was lost. Where the job goes depends on where it was: Stopping → Stopped
   * (its process is gone); Suspending → Suspended (resumable from its last checkpoint, or
   * from the start); Starting or Running → waiting for resources, to resume from
   * its last checkpoint on another worker. It does not count as a fair-share unload.
   */
  | { type: 'JobWorkerLost'; data: { worker: string; at: string } }
  | { type: 'JobCompleted'; data: { result: unknown; outputRecords: number; at: string } }
  | { type: 'JobFailed'; data: { reason: JobReason; at: string } }
  | { type: 'JobFailedWaitingForResources'; data: { reason: JobReason; at: string } }
  /** Removed from the read models; the events stay in the log. */
  | { type: 'JobRemoved'; data: { forced: boolean; at: string } }
  /** A user request refused because of the job's status; recorded so that no request is lost. */
  | {
      type: 'JobRequestRefused';
      data: { request: 'stop' | 'suspend' | 'resume' | 'remove'; status: JobStatus; code: string; at: string };
    };

export type JobEventType = JobEvent['type'];
export type JobEventOf<T extends JobEventType> = Extract<JobEvent, { type: T }>;
export type JobEventData<T extends JobEventType> = JobEventOf<T>['data'];

// A mapped type, so that a new event type that is not listed here fails to compile.
const EVENT_TYPE_NAMES: { readonly [T in JobEventType]: T } = {
  JobSubmitted: 'JobSubmitted',
  JobQueued: 'JobQueued',
  JobAssigned: 'JobAssigned',
  JobStarted: 'JobStarted',
  JobCheckpointed: 'JobCheckpointed',
  JobStopRequested: 'JobStopRequested',
  JobStopped: 'JobStopped',
  JobSuspendRequested: 'JobSuspendRequested',
  JobSuspended: 'JobSuspended',
  JobResumeRequested: 'JobResumeRequested',
  JobUnloaded: 'JobUnloaded',
  JobWorkerLost: 'JobWorkerLost',
  JobCompleted: 'JobCompleted',
  JobFailed: 'JobFailed',
  JobFailedWaitingForResources: 'JobFailedWaitingForResources',
  JobRemoved: 'JobRemoved',
  JobRequestRefused: 'JobRequestRefused',
};

export const JOB_EVENT_TYPES: readonly JobEventType[] = Object.freeze(Object.values(EVENT_TYPE_NAMES));
