import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export interface QueryConfig extends PlatformConfig {
  /** A worker whose last heartbeat is older than this is shown as not live. @default 10000 */
  workerTimeoutMs: number;
}

export const QUERY_DEFAULT_PORT = 8084;

export function readQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  const reader = new EnvReader(env);
  const config = { ...readPlatformConfig(reader, 'query', QUERY_DEFAULT_PORT), workerTimeoutMs: reader.int('JOBLEDGER_WORKER_TIMEOUT_MS', 10_000, 1_000) };
  reader.done();
  return config;
}
