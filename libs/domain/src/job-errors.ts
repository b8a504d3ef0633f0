import { COMMAND_RULES } from './command-rules';
import { DomainError } from './domain-error';
import type { ExistingJobCommandType } from './job-command';
import type { JobStatus } from './job-status';

/** The command is not allowed from the job's current status (SPEC §2: a 409 naming the status). */
export class JobNotInStatusError extends DomainError {
  readonly jobId: string;
  readonly command: ExistingJobCommandType;
  readonly currentStatus: JobStatus;
  readonly allowedFrom: readonly JobStatus[];

  constructor(args: {
    jobId: string;
    command: ExistingJobCommandType;
    currentStatus: JobStatus;
    allowedFrom: readonly JobStatus[];
    /** Appended to the message, e.g. how to get there. */
    hint?: string;
  }) {
    const { verb, action } = COMMAND_RULES[args.command];
    const allowed = args.allowedFrom.join(', ');
    const hint = args.hint ? `; ${args.hint}` : '';
    super(
      'JOB_NOT_IN_STATUS',
      `cannot ${verb} job ${args.jobId}: it is ${args.currentStatus}; ${action} is allowed from ${allowed}${hint}`,
      { jobId: args.jobId, command: args.command, status: args.currentStatus, allowedFrom: [...args.allowedFrom] },
    );
    this.jobId = args.jobId;
    this.command = args.command;
    this.currentStatus = args.currentStatus;
    this.allowedFrom = args.allowedFrom;
  }
}

/** A stop refused because the job runs on a worker group with `cancelWhileRunning: false`. */
export class JobCannotBeCancelledError extends DomainError {
  readonly jobId: string;
  readonly currentStatus: JobStatus;

  constructor(args: { jobId: string; command: ExistingJobCommandType; currentStatus: JobStatus }) {
    const { verb } = COMMAND_RULES[args.command];
    super(
      'JOB_CANNOT_BE_CANCELLED',
      `cannot ${verb} job ${args.jobId}: it is ${args.currentStatus} on a worker group that cannot cancel ` +
        'running jobs (cancelWhileRunning: false); it can be stopped while Queued',
      { jobId: args.jobId, command: args.command, status: args.currentStatus },
    );
    this.jobId = args.jobId;
    this.currentStatus = args.currentStatus;
  }
}

/** `SubmitJob` on a stream that already holds a job (resubmission is resolved by the caller). */
export class JobAlreadyExistsError extends DomainError {
  readonly jobId: string;
  readonly currentStatus: JobStatus;

  constructor(args: { jobId: string; currentStatus: JobStatus }) {
    super('JOB_ALREADY_EXISTS', `cannot submit job ${args.jobId}: it already exists and is ${args.currentStatus}`, {
      jobId: args.jobId,
      status: args.currentStatus,
    });
    this.jobId = args.jobId;
    this.currentStatus = args.currentStatus;
  }
}

/** A command on a job that was never submitted, or was removed. */
export class JobNotFoundError extends DomainError {
  readonly jobId: string | null;
  readonly command: ExistingJobCommandType;

  constructor(args: { jobId: string | null; command: ExistingJobCommandType; removed: boolean }) {
    const { verb } = COMMAND_RULES[args.command];
    const job = args.jobId === null ? 'job' : `job ${args.jobId}`;
    const why = args.removed ? 'it was removed' : 'it does not exist';
    super('JOB_NOT_FOUND', `cannot ${verb} ${job}: ${why}`, { ...args });
    this.jobId = args.jobId;
    this.command = args.command;
  }
}
