import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { DEFAULT_RUN_LIMITS } from './runner';
import type { RunAs, RunLimits } from './runner';

export interface ExecutionConfig extends PlatformConfig {
  /** Unique per process start by default, so a restarted worker never takes over stale assignments. */
  workerId: string;
  /** @default `default` */
  workerGroup: string;
  /** Jobs this worker runs at once. @default 4 */
  workerSlots: number;
  /** @default 2000 */
  heartbeatMs: number;
  /** The schedulers' worker timeout; a worker that could not heartbeat for 3/4 of it ends its runs. @default 10000 */
  workerTimeoutMs: number;
  /** Idle pre-forked runbook hosts. @default 2 */
  warmProcesses: number;
  /** Jobs of one account and runbook version a node host may run one after another (1: a host per job). @default 100 */
  maxJobsPerHost: number;
  /**
   * How long a runbook runs before the worker reports its start; a job that ends sooner reports
   * its start with its end, in one command. 0: at once. @default 20
   */
  startReportDelayMs: number;
  /**
   * The user runbooks run as, so they can neither read the worker's environment (/proc) nor
   * signal it. Needs root or CAP_SETUID/CAP_SETGID/CAP_KILL.
   * @default nobody (65534:65534) when the worker runs as root, else the worker's own user
   */
  runbookUser: RunAs | undefined;
  limits: RunLimits;
}

export const EXECUTION_DEFAULT_PORT = 8083;

export function readExecutionConfig(env: NodeJS.ProcessEnv = process.env): ExecutionConfig {
  const reader = new EnvReader(env);
  const config: ExecutionConfig = {
    ...readPlatformConfig(reader, 'execution', EXECUTION_DEFAULT_PORT),
    workerId: reader.string('WORKER_ID', `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    workerGroup: reader.string('WORKER_GROUP', 'default'),
    workerSlots: reader.int('WORKER_SLOTS', 4, 1, 1024),
    heartbeatMs: reader.int('JOBLEDGER_HEARTBEAT_MS', 2_000, 100),
    workerTimeoutMs: reader.int('JOBLEDGER_WORKER_TIMEOUT_MS', 10_000, 1_000),
    warmProcesses: reader.int('JOBLEDGER_WARM_PROCESSES', 2, 0, 64),
    maxJobsPerHost: reader.int('JOBLEDGER_HOST_MAX_JOBS', 100, 1, 100_000),
    startReportDelayMs: reader.int('JOBLEDGER_START_REPORT_DELAY_MS', 20, 0, 10_000),
    runbookUser: readRunbookUser(reader, env),
    limits: {
      timeoutMs: reader.int('JOBLEDGER_RUN_TIMEOUT_MS', DEFAULT_RUN_LIMITS.timeoutMs, 1_000),
      memoryMb: reader.int('JOBLEDGER_RUN_MEMORY_MB', DEFAULT_RUN_LIMITS.memoryMb, 32),
      maxOutputBytes: reader.int('JOBLEDGER_RUN_MAX_OUTPUT_BYTES', DEFAULT_RUN_LIMITS.maxOutputBytes, 1024),
      maxCheckpointBytes: reader.int('JOBLEDGER_MAX_CHECKPOINT_BYTES', DEFAULT_RUN_LIMITS.maxCheckpointBytes, 1024),
    },
  };
  reader.done();
  return config;
}

const NOBODY: RunAs = { uid: 65534, gid: 65534 };

/** `JOBLEDGER_RUNBOOK_USER`: `uid:gid`, or `worker` to run runbooks as the worker's own user. */
function readRunbookUser(reader: EnvReader, env: NodeJS.ProcessEnv): RunAs | undefined {
  const raw = env.JOBLEDGER_RUNBOOK_USER;
  if (raw === undefined || raw === '') return process.getuid?.() === 0 ? NOBODY : undefined;
  if (raw === 'worker') return undefined;
  const match = /^(\d+):(\d+)$/.exec(raw);
  if (!match) {
    reader.problems.push(`JOBLEDGER_RUNBOOK_USER must be uid:gid (e.g. 65534:65534) or "worker", got "${raw}"`);
    return undefined;
  }
  return { uid: Number(match[1]), gid: Number(match[2]) };
}
