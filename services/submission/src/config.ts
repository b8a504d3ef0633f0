import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export const SUBMISSION_DEFAULT_PORT = 8081;

export function readSubmissionConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const reader = new EnvReader(env);
  const config = readPlatformConfig(reader, 'submission', SUBMISSION_DEFAULT_PORT);
  reader.done();
  return config;
}
