// Test-only builders: states reached through real event histories, and one sample of each
// command and event. Excluded from the build (tsconfig.build.json).
import type { JobCommand, JobCommandOf, JobCommandType } from '../job-command';
import type { JobEvent, JobEventOf, JobEventType } from '../job-event';
import { evolve, foldJobEvents } from '../job-evolve';
import type { JobReason } from '../job-reason';
import type { JobState } from '../job-state';
import type { JobStatus } from '../job-status';

export const AT = '2025-01-02T03:04:05.000Z';
export const JOB_ID = 'j1';
export const FAILURE: JobReason = { message: 'boom', type: 'Error', source: 'runbook' };

const submitted: JobEvent = {
  type: 'JobSubmitted',
  data: {
    jobId: JOB_ID,
    accountId: 'acc-1',
    name: 'nightly',
    runbook: { name: 'backup', version: 2, sha256: 'ab'.repeat(32), runtime: 'node' },
    parameters: { target: 'db' },
    runOn: null,
    priority: 0,
    tags: ['nightly'],
    errorAction: 'continue',
    at: AT,
  },
};

const SAMPLE_EVENTS: { [T in JobEventType]: JobEventOf<T> } = {
  JobSubmitted: submitted as JobEventOf<'JobSubmitted'>,
  JobQueued: { type: 'JobQueued', data: { reason: null, at: AT } },
  JobAssigned: { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at: AT } },
  JobStarted: { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at: AT } },
  JobCheckpointed: { type: 'JobCheckpointed', data: { attempt: 1, checkpointId: 'c1', state: { n: 1 }, at: AT } },
  JobStopRequested: { type: 'JobStopRequested', data: { at: AT } },
  JobStopped: { type: 'JobStopped', data: { at: AT } },
  JobSuspendRequested: { type: 'JobSuspendRequested', data: { at: AT } },
  JobSuspended: { type: 'JobSuspended', data: { reason: null, at: AT } },
  JobResumeRequested: { type: 'JobResumeRequested', data: { at: AT } },
  JobUnloaded: { type: 'JobUnloaded', data: { unloads: 1, at: AT } },
  JobWorkerLost: { type: 'JobWorkerLost', data: { worker: 'w1', at: AT } },
  JobCompleted: { type: 'JobCompleted', data: { result: 42, outputRecords: 3, at: AT } },
  JobFailed: { type: 'JobFailed', data: { reason: FAILURE, at: AT } },
  JobFailedWaitingForResources: { type: 'JobFailedWaitingForResources', data: { reason: FAILURE, at: AT } },
  JobRemoved: { type: 'JobRemoved', data: { forced: false, at: AT } },
  JobRequestRefused: { type: 'JobRequestRefused', data: { request: 'stop', status: 'Completed', code: 'X', at: AT } },
};

export function sampleEvent<T extends JobEventType>(type: T): JobEventOf<T> {
  return SAMPLE_EVENTS[type];
}

const SAMPLE_COMMANDS: { [T in JobCommandType]: JobCommandOf<T> } = {
  SubmitJob: { type: 'SubmitJob', data: (submitted as JobEventOf<'JobSubmitted'>).data },
  QueueJob: { type: 'QueueJob', data: { reason: { message: 'no worker', type: 'NoWorker', source: 'scheduler' }, at: AT } },
  AssignJob: { type: 'AssignJob', data: { worker: 'w2', workerGroup: 'default', at: AT } },
  StartJob: { type: 'StartJob', data: { worker: 'w2', at: AT } },
  CheckpointJob: { type: 'CheckpointJob', data: { checkpointId: 'c9', state: { step: 9 }, at: AT } },
  RequestStop: { type: 'RequestStop', data: { at: AT } },
  ConfirmStop: { type: 'ConfirmStop', data: { at: AT } },
  RequestSuspend: { type: 'RequestSuspend', data: { at: AT } },
  ConfirmSuspend: { type: 'ConfirmSuspend', data: { at: AT } },
  RequestResume: { type: 'RequestResume', data: { at: AT } },
  UnloadJob: { type: 'UnloadJob', data: { at: AT } },
  ReleaseJob: { type: 'ReleaseJob', data: { worker: 'w1', at: AT } },
  CompleteJob: { type: 'CompleteJob', data: { result: 'ok', outputRecords: 1, at: AT } },
  FailJob: { type: 'FailJob', data: { reason: FAILURE, at: AT } },
  RemoveJob: { type: 'RemoveJob', data: { force: false, at: AT } },
};

export function sampleCommand<T extends JobCommandType>(type: T, data: Partial<JobCommandOf<T>['data']> = {}): JobCommand {
  const sample = SAMPLE_COMMANDS[type];
  return { type, data: { ...sample.data, ...data } } as JobCommand;
}

const e = sampleEvent;
const queued: JobEvent[] = [e('JobSubmitted')];
const starting = [...queued, e('JobAssigned')];
const running = [...starting, e('JobStarted')];
const waiting = [...running, e('JobUnloaded')];
const suspended = [...running, e('JobSuspended')];

/** A plausible history that leaves the job in `status`. */
export const HISTORIES: { readonly [S in JobStatus]: readonly JobEvent[] } = {
  Queued: queued,
  Starting: starting,
  Running: running,
  RunningWaitingForResources: waiting,
  Suspending: [...running, e('JobSuspendRequested')],
  Suspended: suspended,
  Resuming: [...suspended, e('JobResumeRequested')],
  Stopping: [...running, e('JobStopRequested')],
  Stopped: [...queued, e('JobStopRequested'), e('JobStopped')],
  Completed: [...running, e('JobCompleted')],
  Failed: [...running, e('JobFailed')],
  FailedWaitingForResources: [...waiting, e('JobFailedWaitingForResources')],
};

export function stateIn(status: JobStatus): JobState {
  return foldJobEvents(HISTORIES[status]);
}

/** Folds `events` after `state` and returns the resulting status. */
export function statusAfter(state: JobState, events: readonly JobEvent[]): JobStatus | null {
  return events.reduce<JobState>((s, event) => evolve(s, event), state).status;
}
