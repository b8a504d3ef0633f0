import type { DataSource, MigrationInterface } from 'typeorm';
import { createDataSource, quoteIdent, runMigrations, serviceSchema } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';

export interface IsolatedDatabase {
  dataSource: DataSource;
  schema: string;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/** Schemas of the isolated databases not yet dropped, in this test file. */
const inUse = new Set<string>();

/**
 * The service's schema, migrated, on the real Postgres, under the test's own prefix. Two at once
 * need two configs: a second one on the same schema would be the first, and a comparison of the
 * two could not fail.
 */
export async function isolatedDatabase(config: PlatformConfig, migrations: (new () => MigrationInterface)[]): Promise<IsolatedDatabase> {
  const schema = serviceSchema(config);
  if (inUse.has(schema)) throw new Error(`isolatedDatabase: schema ${schema} is already an isolated database of this test; give each its own testPlatformConfig()`);
  inUse.add(schema);
  const dataSource = createDataSource({ url: config.databaseUrl, schema, migrations, applicationName: 'jobledger-int-test', poolSize: 4 });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
  } catch (error) {
    inUse.delete(schema);
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
  return {
    dataSource,
    schema,
    async drop() {
      inUse.delete(schema);
      await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await dataSource.destroy();
    },
  };
}
