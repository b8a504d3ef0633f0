import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export interface SchedulingConfig extends PlatformConfig {
  /** A worker whose last heartbeat is older than this is not given jobs. @default 10000 */
  workerTimeoutMs: number;
  /** How often the dispatcher looks for waiting jobs when nothing woke it. @default 250 */
  dispatchIntervalMs: number;
  /** Jobs one account may run at once; more wait Queued with a reason. 0 = no quota. @default 0 */
  accountConcurrency: number;
}

export const SCHEDULING_DEFAULT_PORT = 8082;

export function readSchedulingConfig(env: NodeJS.ProcessEnv = process.env): SchedulingConfig {
  const reader = new EnvReader(env);
  const config = {
    ...readPlatformConfig(reader, 'scheduling', SCHEDULING_DEFAULT_PORT),
    workerTimeoutMs: reader.int('JOBLEDGER_WORKER_TIMEOUT_MS', 10_000, 1_000),
    dispatchIntervalMs: reader.int('JOBLEDGER_DISPATCH_INTERVAL_MS', 250, 10),
    accountConcurrency: reader.int('JOBLEDGER_ACCOUNT_CONCURRENCY', 0, 0),
  };
  reader.done();
  return config;
}
