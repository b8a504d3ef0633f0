/** Settings every service reads once at start-up. Defaults are stated here and nowhere else. */
export interface PlatformConfig {
  serviceName: string;
  port: number;
  kafkaBrokers: string[];
  databaseUrl: string;
  /** @default `jobledger.` */
  topicPrefix: string;
  /** @default `jobledger_` */
  schemaPrefix: string;
  /** Bootstrap platform-admin key of account `default`; unset disables it. */
  adminKey: string | undefined;
  logLevel: LogLevel;
  /** Run this service's migrations at start-up. @default true (the chart runs them in a hook Job instead) */
  migrationsRun: boolean;
  /** Request body limit in bytes. @default 1 MiB */
  bodyLimitBytes: number;
  /** Statements with parameters run as prepared statements. @default true (false behind a pooler that drops them) */
  preparedStatements: boolean;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads env vars with a list of problems, so that one start-up names every bad setting at once. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  /** Throws one ConfigError naming every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

const NAME_PREFIX = /^[a-z][a-z0-9_]{0,30}$/;

export function readPlatformConfig(reader: EnvReader, serviceName: string, defaultPort: number): PlatformConfig {
  const brokers = reader.string('KAFKA_BROKERS').split(',').map((b) => b.trim()).filter(Boolean);
  const databaseUrl = reader.string('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    reader.problems.push('DATABASE_URL must be a postgres:// URL');
  }
  const schemaPrefix = reader.string('JOBLEDGER_SCHEMA_PREFIX', 'jobledger_');
  if (!NAME_PREFIX.test(schemaPrefix)) {
    reader.problems.push('JOBLEDGER_SCHEMA_PREFIX must be lower-case letters, digits and _ (start with a letter, at most 31)');
  }
  return {
    serviceName,
    port: reader.int('PORT', defaultPort, 0, 65535),
    kafkaBrokers: brokers,
    databaseUrl,
    topicPrefix: reader.string('JOBLEDGER_TOPIC_PREFIX', 'jobledger.'),
    schemaPrefix,
    adminKey: reader.optional('JOBLEDGER_ADMIN_KEY'),
    logLevel: reader.oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    migrationsRun: reader.bool('JOBLEDGER_MIGRATIONS_RUN', true),
    bodyLimitBytes: reader.int('JOBLEDGER_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    preparedStatements: reader.bool('JOBLEDGER_DB_PREPARED_STATEMENTS', true),
  };
}
