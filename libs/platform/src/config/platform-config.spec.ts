import { ConfigError, EnvReader, readPlatformConfig } from './platform-config';

function read(env: NodeJS.ProcessEnv) {
  const reader = new EnvReader(env);
  const config = readPlatformConfig(reader, 'query', 8084);
  reader.done();
  return config;
}

describe('platform config', () => {
  const base = { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094', DATABASE_URL: 'postgres://u@h/db' };

  it('applies the stated defaults', () => {
    expect(read(base)).toMatchObject({
      port: 8084,
      kafkaBrokers: ['127.0.0.1:9092', '127.0.0.1:9094'],
      topicPrefix: 'jobledger.',
      schemaPrefix: 'jobledger_',
      logLevel: 'info',
      migrationsRun: true,
      preparedStatements: true,
      adminKey: undefined,
    });
  });

  it('names every missing or bad setting in one error', () => {
    try {
      read({ PORT: 'eighty', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).message;
      for (const name of ['KAFKA_BROKERS', 'DATABASE_URL', 'PORT', 'LOG_LEVEL']) expect(text).toContain(name);
    }
  });

  it('turns prepared statements off for a pooler that drops them, and refuses a value that is not a boolean', () => {
    expect(read({ ...base, JOBLEDGER_DB_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(() => read({ ...base, JOBLEDGER_DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/JOBLEDGER_DB_PREPARED_STATEMENTS/);
  });

  it('refuses a schema prefix that is not a safe identifier', () => {
    expect(() => read({ ...base, JOBLEDGER_SCHEMA_PREFIX: 'x"; drop' })).toThrow(/JOBLEDGER_SCHEMA_PREFIX/);
  });
});
