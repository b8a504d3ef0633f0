export { createRunbookRunner } from './runbook-runner';
export { DEFAULT_RUN_LIMITS } from './runner.types';
export type {
  FailureReason,
  FailureType,
  RunAs,
  RunHooks,
  RunLimits,
  RunOutcome,
  RunRequest,
  RunbookRunner,
  RunnerOptions,
  RunnerRecord,
  StreamName,
} from './runner.types';
