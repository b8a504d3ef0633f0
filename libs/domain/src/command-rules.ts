import type { ExistingJobCommandType } from './job-command';
import { FINAL_STATUSES, JOB_STATUSES, type JobStatus } from './job-status';

/** A stop while a process runs signals it and waits in Stopping for the worker to confirm. */
export const STOP_GRACEFULLY_FROM: readonly JobStatus[] = ['Running', 'Suspending'];

/** A stop where no process runs (or none has started yet) ends the job Stopped at once. */
export const STOP_AT_ONCE_FROM: readonly JobStatus[] = [
  'Queued',
  'Starting',
  'RunningWaitingForResources',
  'Suspended',
  'Resuming',
];

/**
 * Where a worker group with `cancelWhileRunning: false` refuses a stop: wherever the job is
 * on a worker. Queued, Suspended, Resuming and waiting-for-resources jobs run nowhere, so
 * they can still be stopped (SPEC §4: "it can still be stopped while Queued").
 */
export const CANNOT_CANCEL_WHILE: readonly JobStatus[] = ['Starting', 'Running', 'Suspending'];

export interface CommandRule {
  /** The statuses the command may leave from; any other is refused with JOB_NOT_IN_STATUS. */
  readonly allowedFrom: readonly JobStatus[];
  /** For messages: "cannot <verb> job j1: it is X; <action> is allowed from Y". */
  readonly verb: string;
  readonly action: string;
}

/** Statuses in lifecycle order (JOB_STATUSES), as messages list them. */
const inOrder = (statuses: readonly JobStatus[]): readonly JobStatus[] =>
  Object.freeze(JOB_STATUSES.filter((status) => statuses.includes(status)));

const rule = (allowedFrom: readonly JobStatus[], verb: string, action = verb): CommandRule => ({
  allowedFrom: inOrder(allowedFrom),
  verb,
  action,
});

/**
 * The one table of which command may leave from which status. `SubmitJob` is absent: it
 * only applies before the job exists.
 */
export const COMMAND_RULES: { readonly [C in ExistingJobCommandType]: CommandRule } = {
  QueueJob: rule(['Queued'], 'queue'),
  AssignJob: rule(['Queued', 'RunningWaitingForResources', 'Resuming'], 'assign'),
  StartJob: rule(['Starting'], 'start'),
  CheckpointJob: rule(['Running', 'Suspending', 'Stopping'], 'checkpoint'),
  RequestStop: rule([...STOP_AT_ONCE_FROM, ...STOP_GRACEFULLY_FROM], 'stop'),
  ConfirmStop: rule(['Stopping'], 'confirm the stop of', 'confirming a stop'),
  RequestSuspend: rule(['Running'], 'suspend'),
  ConfirmSuspend: rule(['Running', 'Suspending'], 'confirm the suspension of', 'confirming a suspension'),
  RequestResume: rule(['Suspended'], 'resume'),
  UnloadJob: rule(['Running'], 'unload'),
  ReleaseJob: rule(['Starting', 'Running', 'Suspending', 'Stopping'], 'release'),
  CompleteJob: rule(['Running', 'Suspending', 'Stopping'], 'complete'),
  // Queued: the scheduler fails a pinned job whose worker group has no live worker (SPEC §1).
  FailJob: rule(['Queued', 'Starting', 'Running', 'Suspending', 'Stopping'], 'fail'),
  RemoveJob: rule(FINAL_STATUSES, 'remove'),
};

/** `RemoveJob` with `force` is also allowed where a stop ends the job at once. */
export const FORCED_REMOVE_FROM: readonly JobStatus[] = inOrder([...FINAL_STATUSES, ...STOP_AT_ONCE_FROM]);

export function isAllowedFrom(command: ExistingJobCommandType, status: JobStatus): boolean {
  return COMMAND_RULES[command].allowedFrom.includes(status);
}
