// Public API of @jobledger/domain: the pure job decider (SPEC §2). Nothing here does I/O.
export { FINAL_STATUSES, JOB_STATUSES, isFinalStatus } from './job-status';
export type { JobStatus } from './job-status';
export { waitingForSlot } from './job-reason';
export type { JobReason } from './job-reason';
export type { ErrorAction, RunbookRef, RunbookRuntime } from './runbook-ref';

export { JOB_EVENT_TYPES } from './job-event';
export type { JobEvent, JobEventData, JobEventOf, JobEventType } from './job-event';
export { JOB_COMMAND_TYPES } from './job-command';
export type { ExistingJobCommandType, JobCommand, JobCommandOf, JobCommandType, StartedReport } from './job-command';

export { STATUS_TRANSITIONS, canTransition } from './status-transitions';
export {
  CANNOT_CANCEL_WHILE,
  COMMAND_RULES,
  FORCED_REMOVE_FROM,
  STOP_AT_ONCE_FROM,
  STOP_GRACEFULLY_FROM,
  isAllowedFrom,
} from './command-rules';
export type { CommandRule } from './command-rules';

export { initialState } from './job-state';
export type { JobState } from './job-state';
export { evolve, foldJobEvents } from './job-evolve';
export { decide } from './job-decide';
export { MAX_FAIR_SHARE_UNLOADS } from './fair-share';

export { DOMAIN_ERROR_CODES, DomainError } from './domain-error';
export type { DomainErrorCode } from './domain-error';
export { JobAlreadyExistsError, JobCannotBeCancelledError, JobNotFoundError, JobNotInStatusError } from './job-errors';
export { isRecordableRefusal, recordRefusal, refusableRequestOf } from './record-refusal';
export type { RecordableRefusal, RefusableRequest } from './record-refusal';
