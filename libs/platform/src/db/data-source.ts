import { DataSource } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PreparingClient } from './prepared-statements';

export interface DatabaseSettings {
  url: string;
  /** This service's own Postgres schema; every table and the migrations table live in it. */
  schema: string;
  migrations: (new () => MigrationInterface)[];
  applicationName: string;
  /** @default 10 */
  poolSize?: number;
  /** Statements with parameters run prepared (PreparingClient). @default true */
  preparedStatements?: boolean;
}

/** Migrations only, never `synchronize`: the schema is what the migrations say. */
export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    schema: settings.schema,
    applicationName: settings.applicationName,
    migrations: settings.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: settings.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      ...(settings.preparedStatements === false ? {} : { Client: PreparingClient }),
    },
  });
}

/** Creates the service's schema when missing, then applies pending migrations, each in its own transaction. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = schemaOf(dataSource);
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

export function schemaOf(source: DataSource | QueryRunner): string {
  const options = 'connection' in source ? source.connection.options : source.options;
  const schema = (options as { schema?: string }).schema;
  if (!schema) throw new Error('data source has no schema');
  return schema;
}

/** Double-quotes a Postgres identifier. Schema names come from validated config, never from requests. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The quoted schema of the migration's connection, for use in migration SQL. */
export function migrationSchema(queryRunner: QueryRunner): string {
  return quoteIdent(schemaOf(queryRunner));
}
