import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyGuard } from './auth/api-key.guard';
import { PgApiKeyStore } from './auth/api-key-store';
import type { PlatformConfig } from './config/platform-config';
import { createDataSource, quoteIdent } from './db/data-source';
import { HealthController } from './health/health.controller';
import { Infrastructure } from './lifecycle/infrastructure';
import { JsonLogger } from './logging/json-logger';
import { SharedProducer } from './events/shared-producer';
import { Metrics } from './metrics/metrics';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const EVENT_BUS = Symbol('EVENT_BUS');

export interface ServiceDatabase {
  migrations: (new () => MigrationInterface)[];
  /** @default 10 */
  poolSize?: number;
}

/** The Postgres schema a service owns: `<prefix><service>`. */
export function serviceSchema(config: PlatformConfig, service = config.serviceName): string {
  return `${config.schemaPrefix}${service}`;
}

/** API keys live in the submission service's schema (it owns key management); every service reads them. */
export function apiKeysTable(config: PlatformConfig): string {
  return `${quoteIdent(serviceSchema(config, 'submission'))}.api_keys`;
}

/**
 * What every service shares: config, logger, its DataSource, the event bus, the connection
 * lifecycle with readiness, health routes and the API-key guard on every route.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, database: ServiceDatabase): DynamicModule {
    const logger = new JsonLogger(config.serviceName, config.logLevel);
    const dataSource = createDataSource({
      url: config.databaseUrl,
      schema: serviceSchema(config),
      migrations: database.migrations,
      applicationName: `jobledger-${config.serviceName}`,
      poolSize: database.poolSize,
      preparedStatements: config.preparedStatements,
    });
    const bus = createKafkajsEventBus({
      brokers: config.kafkaBrokers,
      clientId: `jobledger-${config.serviceName}`,
      log: (level, message, fields) => logger.write(level, message, fields),
    });
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        { provide: DataSource, useValue: dataSource },
        { provide: EVENT_BUS, useValue: bus },
        { provide: SharedProducer, useFactory: () => new SharedProducer(bus) },
        { provide: Metrics, useValue: new Metrics() },
        { provide: Infrastructure, useFactory: () => new Infrastructure(config, dataSource, bus, logger) },
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) => new ApiKeyGuard(reflector, new PgApiKeyStore(dataSource, apiKeysTable(config)), config.adminKey),
          inject: [Reflector],
        },
      ],
      exports: [PLATFORM_CONFIG, JsonLogger, DataSource, EVENT_BUS, SharedProducer, Infrastructure, Metrics],
    };
  }
}
