import { decideUnload } from './fair-share';
import { decideRemove, decideStop } from './decide-stop';
import { evolve } from './job-evolve';
import type { JobCommand, JobCommandOf } from './job-command';
import { JobAlreadyExistsError } from './job-errors';
import type { JobEvent } from './job-event';
import type { JobReason } from './job-reason';
import { assertAllowed, existingJob } from './job-guards';
import type { JobState } from './job-state';

/**
 * Decides what a command on a job yields, from the job's folded state. Pure: the same
 * command and state always give the same events, and nothing else is read.
 * @throws DomainError when the command is refused (JOB_NOT_IN_STATUS, JOB_NOT_FOUND, …)
 */
export function decide(command: JobCommand, state: JobState): JobEvent[] {
  if (command.type === 'SubmitJob') return decideSubmit(command, state);
  const job = existingJob(command.type, state);
  const { at } = command.data;
  // Stop and remove have rules beyond their status table; see decide-stop.ts.
  if (command.type === 'RequestStop') return decideStop(command.data, job);
  if (command.type === 'RemoveJob') return decideRemove(command.data, job);
  if ((command.type === 'CompleteJob' || command.type === 'FailJob') && command.data.started) return decideWithStart(command, job);
  assertAllowed(command.type, job);
  switch (command.type) {
    case 'QueueJob':
      return [{ type: 'JobQueued', data: { reason: command.data.reason, at } }];
    case 'AssignJob': {
      const { worker, workerGroup } = command.data;
      return [{ type: 'JobAssigned', data: { worker, workerGroup, attempt: job.attempt + 1, at } }];
    }
    case 'StartJob':
      return [{ type: 'JobStarted', data: { worker: command.data.worker, attempt: job.attempt, at } }];
    case 'CheckpointJob': {
      const { checkpointId, state: checkpointState } = command.data;
      const checkpointed: JobEvent = {
        type: 'JobCheckpointed',
        data: { attempt: job.attempt, checkpointId, state: checkpointState, at },
      };
      if (job.status !== 'Suspending') return [checkpointed];
      // A suspend request takes effect at the next checkpoint (SPEC §2 Suspending).
      return [checkpointed, { type: 'JobSuspended', data: { reason: suspendedAt(checkpointId), at } }];
    }
    case 'ConfirmStop':
      return [{ type: 'JobStopped', data: { at } }];
    case 'RequestSuspend':
      return [{ type: 'JobSuspendRequested', data: { at } }];
    case 'ConfirmSuspend':
      return [{ type: 'JobSuspended', data: { reason: command.data.reason ?? null, at } }];
    case 'RequestResume':
      return [{ type: 'JobResumeRequested', data: { at } }];
    case 'UnloadJob':
      return decideUnload(job, at);
    case 'ReleaseJob':
      // A report about a worker the job has left (it was reassigned meanwhile) changes nothing.
      return command.data.worker === job.worker ? [{ type: 'JobWorkerLost', data: { worker: command.data.worker, at } }] : [];
    case 'CompleteJob': {
      const { result, outputRecords } = command.data;
      return [{ type: 'JobCompleted', data: { result, outputRecords, at } }];
    }
    case 'FailJob':
      return [{ type: 'JobFailed', data: { reason: command.data.reason, at } }];
    default: {
      const _exhaustive: never = command;
      void _exhaustive;
      throw new TypeError('unknown job command');
    }
  }
}

/**
 * An end that carries its start: the start is decided first where the job is still Starting
 * (elsewhere a StartJob would be refused, e.g. after a stop request), then the end.
 */
function decideWithStart(command: JobCommandOf<'CompleteJob'> | JobCommandOf<'FailJob'>, job: JobState): JobEvent[] {
  const { started, ...end } = command.data;
  const ending = { type: command.type, data: end } as JobCommand;
  if (job.status !== 'Starting' || !started) return decide(ending, job);
  const start = decide({ type: 'StartJob', data: started }, job);
  return [...start, ...decide(ending, start.reduce(evolve, job))];
}

function suspendedAt(checkpointId: string): JobReason {
  return { message: `suspended at checkpoint ${checkpointId} as requested`, type: 'SuspendRequested', source: 'user' };
}

function decideSubmit(command: JobCommandOf<'SubmitJob'>, state: JobState): JobEvent[] {
  if (state.status !== null) {
    throw new JobAlreadyExistsError({ jobId: state.jobId ?? command.data.jobId, currentStatus: state.status });
  }
  const data = command.data;
  return [{ type: 'JobSubmitted', data: { ...data, parameters: { ...data.parameters }, tags: [...data.tags] } }];
}
