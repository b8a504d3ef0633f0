import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { installJsonBodyParser } from '../http/body-parsing';
import { ConfigError } from '../config/platform-config';
import type { PlatformConfig } from '../config/platform-config';
import { createDataSource, runMigrations } from '../db/data-source';
import { JsonLogger } from '../logging/json-logger';
import { serviceSchema } from '../platform.module';
import type { ServiceDatabase } from '../platform.module';

/** Reads config once; a bad setting ends the process with a message that names it. */
export function loadConfigOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Starts a service's HTTP app: our JSON body parser and error shape, graceful shutdown. */
export async function startHttpService(module: unknown, config: PlatformConfig): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { bodyParser: false, bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  installJsonBodyParser(app, config.bodyLimitBytes);
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  logger.info('listening', { port: config.port });
  return app;
}

/** The `migrate.js` entry of a service: apply its migrations and exit (the chart's hook Job). */
export async function migrateAndExit(config: PlatformConfig, database: ServiceDatabase): Promise<void> {
  const logger = new JsonLogger(config.serviceName, config.logLevel);
  const dataSource = createDataSource({
    url: config.databaseUrl,
    schema: serviceSchema(config),
    migrations: database.migrations,
    applicationName: `jobledger-${config.serviceName}-migrate`,
    preparedStatements: config.preparedStatements,
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.info('migrations done', { schema: serviceSchema(config), applied });
  } catch (error) {
    logger.error('migrations failed', { error: (error as Error).message });
    process.exitCode = 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
