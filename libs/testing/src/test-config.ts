import { randomBytes } from 'node:crypto';
import type { PlatformConfig } from '@jobledger/platform';

/** A config for one integration test: its own schema prefix and topic prefix on the real infrastructure. */
export function testPlatformConfig(serviceName: string, overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  const id = randomBytes(4).toString('hex');
  return {
    serviceName,
    port: 0,
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
    topicPrefix: `it.${id}.`,
    schemaPrefix: `it_${id}_`,
    adminKey: undefined,
    logLevel: 'error',
    migrationsRun: true,
    preparedStatements: true,
    bodyLimitBytes: 1024 * 1024,
    ...overrides,
  };
}
