import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export const QUERY_DEFAULT_PORT = 8084;

export function readQueryConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const reader = new EnvReader(env);
  const config = readPlatformConfig(reader, 'query', QUERY_DEFAULT_PORT);
  reader.done();
  return config;
}
