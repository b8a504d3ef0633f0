import { EnvReader, readPlatformConfig } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export interface CliSettings {
  /** @default http://localhost:8080 */
  url: string;
  key: string | undefined;
  /** Kafka, Postgres and the topic and schema prefixes, read exactly as the query service reads them. */
  platform: PlatformConfig;
}

export function readCliSettings(env: NodeJS.ProcessEnv): CliSettings {
  const reader = new EnvReader(env);
  const url = reader.string('JOBLEDGER_URL', 'http://localhost:8080');
  if (!/^https?:\/\//.test(url)) reader.problems.push('JOBLEDGER_URL must be an http:// or https:// URL');
  const settings = { url: url.replace(/\/+$/, ''), key: reader.optional('JOBLEDGER_KEY'), platform: readPlatformConfig(reader, 'query', 0) };
  reader.done();
  return settings;
}
