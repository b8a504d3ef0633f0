import { COMMAND_RULES, STOP_GRACEFULLY_FROM } from './command-rules';
import type { JobEvent, JobEventData } from './job-event';
import { waitingForSlot } from './job-reason';
import { initialState, type JobState } from './job-state';
import { isFinalStatus, type JobStatus } from './job-status';
import { canTransition } from './status-transitions';

type ExistingJobEvent = Exclude<JobEvent, { type: 'JobSubmitted' }>;

/**
 * Folds one event into the state. Deterministic and total: it never throws, and an event
 * that does not fit the current status (out of order, duplicated, of an unknown type, or
 * after a final status) changes nothing but `revision`, which counts every folded event.
 */
export function evolve(state: JobState, event: JobEvent): JobState {
  const next = apply(state, event) ?? state;
  return { ...next, revision: state.revision + 1 };
}

/** The state of a job from its whole history. */
export function foldJobEvents(events: readonly JobEvent[]): JobState {
  return events.reduce<JobState>((state, event) => evolve(state, event), initialState());
}

function apply(state: JobState, event: JobEvent): JobState | null {
  if (event.type === 'JobSubmitted') return state.status === null ? submitted(state, event.data) : null;
  if (state.status === null || state.removed) return null;
  return applyToJob(state, state.status, event);
}

function submitted(state: JobState, data: JobEventData<'JobSubmitted'>): JobState {
  const { jobId, accountId, runOn, errorAction } = data;
  return { ...state, status: 'Queued', jobId, accountId, runOn, errorAction, reason: waitingForSlot(runOn) };
}

function applyToJob(state: JobState, status: JobStatus, event: ExistingJobEvent): JobState | null {
  const moveTo = (to: JobStatus, changes: Partial<JobState> = {}): JobState | null =>
    canTransition(status, to) ? { ...state, ...changes, status: to } : null;
  const stayIf = (from: readonly JobStatus[], changes: Partial<JobState>): JobState | null =>
    from.includes(status) ? { ...state, ...changes } : null;

  switch (event.type) {
    case 'JobQueued':
      return stayIf(COMMAND_RULES.QueueJob.allowedFrom, { reason: event.data.reason });
    case 'JobAssigned': {
      const { worker, workerGroup, attempt } = event.data;
      return moveTo('Starting', { worker, workerGroup, attempt, reason: null });
    }
    case 'JobStarted':
      return moveTo('Running', { worker: event.data.worker, attempt: event.data.attempt });
    case 'JobCheckpointed':
      return stayIf(COMMAND_RULES.CheckpointJob.allowedFrom, {
        lastCheckpointId: event.data.checkpointId,
        lastCheckpointAt: event.data.at,
        unloadsSinceCheckpoint: 0,
      });
    case 'JobStopRequested':
      // Where nothing runs, the status stays until the JobStopped that follows.
      return STOP_GRACEFULLY_FROM.includes(status)
        ? moveTo('Stopping', { stopRequested: true })
        : stayIf(COMMAND_RULES.RequestStop.allowedFrom, { stopRequested: true });
    case 'JobStopped':
      // Why a queued job waited says nothing once it is stopped.
      return moveTo('Stopped', status === 'Queued' ? { reason: null } : {});
    case 'JobSuspendRequested':
      return moveTo('Suspending');
    case 'JobSuspended':
      return moveTo('Suspended', { reason: event.data.reason });
    case 'JobResumeRequested':
      return moveTo('Resuming');
    case 'JobWorkerLost':
      return workerLost(state, status, event.data, moveTo);
    case 'JobUnloaded':
      return moveTo('RunningWaitingForResources', {
        fairShareUnloads: state.fairShareUnloads + 1,
        unloadsSinceCheckpoint: event.data.unloads,
      });
    case 'JobCompleted':
      return moveTo('Completed');
    case 'JobFailed':
      return moveTo('Failed', { reason: event.data.reason });
    case 'JobFailedWaitingForResources':
      return moveTo('FailedWaitingForResources', { reason: event.data.reason });
    case 'JobRemoved':
      return isFinalStatus(status) ? { ...state, removed: true } : null;
    case 'JobRequestRefused':
      return null;
    default: {
      // Compile time: every event type is handled. Run time: a type from a newer schema is ignored.
      const _exhaustive: never = event;
      void _exhaustive;
      return null;
    }
  }
}

function workerLost(
  state: JobState,
  status: JobStatus,
  data: JobEventData<'JobWorkerLost'>,
  moveTo: (to: JobStatus, changes?: Partial<JobState>) => JobState | null,
): JobState | null {
  if (!COMMAND_RULES.ReleaseJob.allowedFrom.includes(status) || state.worker !== data.worker) return null;
  const reason = { message: `worker ${data.worker} was lost (it missed its heartbeats)`, type: 'WorkerLost', source: 'system' as const };
  if (status === 'Stopping') return moveTo('Stopped', { worker: null });
  // The user asked to suspend it: it is Suspended now, and resumes from its last checkpoint (or the start).
  if (status === 'Suspending') return moveTo('Suspended', { worker: null, reason });
  return moveTo('RunningWaitingForResources', { worker: null, reason });
}
