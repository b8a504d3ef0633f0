import type { OutputRecord } from '@jobledger/events';

export { STREAM_NAMES } from '@jobledger/events';
export type { StreamName } from '@jobledger/events';

/** A stream record as the runner emits it: the same shape as the event's (`time` is when the runbook produced it). */
export type RunnerRecord = OutputRecord;

export interface RunLimits {
  /** Wall-clock limit of one attempt; the job fails with `Timeout` when it is reached. */
  timeoutMs: number;
  /** Node: V8 old-space size; both runtimes: resident memory of the job's process group (node gets 128 MiB of headroom). */
  memoryMb: number;
  /** Bytes of record values (JSON) plus raw stdout/stderr the job may produce; more fails it with `OutputLimit`. */
  maxOutputBytes: number;
  /** Largest checkpoint state, measured as UTF-8 JSON. */
  maxCheckpointBytes: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = Object.freeze({
  /** @default 24 h — longer than the default fair-share slice (3 h), which unloads jobs first. */
  timeoutMs: 24 * 60 * 60 * 1000,
  /** @default 512 MiB */
  memoryMb: 512,
  /** @default 64 MiB — large outputs page; this only stops runaway jobs. */
  maxOutputBytes: 64 * 1024 * 1024,
  /** @default 1 MiB (SPEC §1) */
  maxCheckpointBytes: 1024 * 1024,
});

export interface RunRequest {
  jobId: string;
  accountId: string;
  attempt: number;
  runtime: 'node' | 'shell';
  /** The runbook version's source text. */
  source: string;
  parameters: Record<string, unknown>;
  /** The last checkpoint's state; undefined when there is none. */
  resumeState?: unknown;
  /** First seq of this run's records (continues after earlier attempts). */
  startSeq: number;
  limits: RunLimits;
}

export interface RunHooks {
  /** Called with batches in seq order and awaited before the next batch (backpressure). A rejection aborts the run. */
  onRecords(records: RunnerRecord[]): Promise<void>;
  /** Must persist durably; the runbook's `ctx.checkpoint()` resolves only after it did. A rejection aborts the run. */
  onCheckpoint(state: unknown): Promise<void>;
}

export type FailureType =
  | 'RunbookError'
  | 'InvalidRunbook'
  | 'CheckpointTooLarge'
  | 'InvalidCheckpoint'
  | 'Crashed'
  | 'Timeout'
  | 'MemoryLimit'
  | 'OutputLimit'
  | 'WorkerShutdown';

export interface FailureReason {
  message: string;
  type: FailureType;
  /** `runbook`: the runbook's own doing; `system`: the platform ended it (limits, shutdown, spawn failure). */
  source: 'runbook' | 'system';
}

export type RunOutcome =
  | { kind: 'completed'; result: unknown; records: number }
  | { kind: 'failed'; reason: FailureReason; records: number }
  | { kind: 'stopped'; records: number };

/** A run that ended before its runbook produced anything (it could not start, or was refused). */
export function failedOutcome(type: FailureType, message: string, source: FailureReason['source']): RunOutcome {
  return { kind: 'failed', reason: { type, message, source }, records: 0 };
}

/** How a run ended, before the record count is known. */
export type RunEnding =
  | { kind: 'completed'; result: unknown }
  | { kind: 'failed'; reason: FailureReason }
  | { kind: 'stopped' };

export interface RunbookRunner {
  /**
   * Runs one attempt of a job to its end. Resolves with the outcome once every record and checkpoint was
   * handed to the hooks and every process of the job is gone; rejects only when a hook rejected.
   */
  run(req: RunRequest, hooks: RunHooks, signal: AbortSignal): Promise<RunOutcome>;
  /** Kills the warm hosts, fails the runs still going with `WorkerShutdown`, and refuses new runs. */
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Idle pre-forked node hosts kept ready. @default 2 */
  warmProcesses?: number;
  /**
   * Jobs one node host may run, one after another; only jobs of the same account, runbook source and memory
   * limit share a host, and only when the job before left nothing running in it. 1: a fresh host per job.
   * @default 100
   */
  maxJobsPerHost?: number;
  /** Node hosts kept alive between jobs for the next job of their kind. @default 4 */
  keptHosts?: number;
  /** A kept host is killed after waiting this long for its next job. @default 60000 */
  keptHostIdleMs?: number;
  /** Time a stopped job gets between `ctx.signal` (or SIGTERM for shell) and SIGKILL. @default 2000 */
  stopGraceMs?: number;
  /**
   * Runs runbook processes as this user instead of the worker's (needs CAP_SETUID/CAP_SETGID/CAP_KILL, e.g. root).
   * Without it a runbook shares the worker's uid and can read /proc/<worker>/environ and signal the worker.
   * @default undefined (the worker's own uid)
   */
  runAs?: RunAs;
}

export interface RunAs {
  uid: number;
  gid: number;
}
