import type { DataSource, MigrationInterface } from 'typeorm';
import { createDataSource, quoteIdent, runMigrations, serviceSchema } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export interface IsolatedDatabase {
  dataSource: DataSource;
  schema: string;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/** The service's schema, migrated, on the real Postgres, under the test's own prefix. */
export async function isolatedDatabase(config: PlatformConfig, migrations: (new () => MigrationInterface)[]): Promise<IsolatedDatabase> {
  const schema = serviceSchema(config);
  const dataSource = createDataSource({ url: config.databaseUrl, schema, migrations, applicationName: 'jobledger-int-test', poolSize: 4 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return {
    dataSource,
    schema,
    async drop() {
      await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await dataSource.destroy();
    },
  };
}
