import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

describe('prepared statements against Postgres', () => {
  // Its own schema (libs/testing depends on this lib, so it is not used here).
  const schemaName = `it_${randomUUID().slice(0, 8)}_prepared`;
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger';
  const sources: DataSource[] = [];

  async function open(preparedStatements?: boolean): Promise<DataSource> {
    const dataSource = createDataSource({ url, schema: schemaName, migrations: [], applicationName: 'prepared-int-spec', poolSize: 2, preparedStatements });
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  }

  /** The statements the connection of this transaction has prepared. */
  function preparedOn(dataSource: DataSource, run: (query: (sql: string, params?: unknown[]) => Promise<unknown[]>) => Promise<void>): Promise<string[]> {
    return dataSource.transaction(async (manager) => {
      await run((sql, params) => manager.query(sql, params));
      const rows: { statement: string }[] = await manager.query(`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql`);
      return rows.map((r) => r.statement);
    });
  }

  beforeAll(async () => {
    const admin = await open(false);
    await admin.query(`CREATE SCHEMA "${schemaName}"`);
    await admin.query(`CREATE TABLE "${schemaName}".t (id int PRIMARY KEY, v text)`);
  });

  afterAll(async () => {
    await sources[0].query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
    for (const s of sources) await s.destroy();
  });

  it('runs statements with parameters prepared, with the same results, and those without as before', async () => {
    const dataSource = await open();
    const results: unknown[] = [];
    const statements = await preparedOn(dataSource, async (query) => {
      results.push(await query(`INSERT INTO "${schemaName}".t (id, v) VALUES ($1, $2) RETURNING id, v`, [1, 'one']));
      results.push(await query(`SELECT id, v FROM "${schemaName}".t WHERE id = $1`, [1]));
      results.push(await query(`SELECT id, v FROM "${schemaName}".t WHERE id = $1`, [2]));
      results.push(await query(`SELECT count(*)::int AS n FROM "${schemaName}".t`));
    });
    expect(results).toEqual([[{ id: 1, v: 'one' }], [{ id: 1, v: 'one' }], [], [{ n: 1 }]]);
    expect(statements.sort()).toEqual([`INSERT INTO "${schemaName}".t (id, v) VALUES ($1, $2) RETURNING id, v`, `SELECT id, v FROM "${schemaName}".t WHERE id = $1`]);
  });

  it('prepares nothing when turned off', async () => {
    const dataSource = await open(false);
    const statements = await preparedOn(dataSource, async (query) => {
      await query(`SELECT id, v FROM "${schemaName}".t WHERE id = $1`, [1]);
    });
    expect(statements).toEqual([]);
  });

  it('goes on after a statement that fails to parse or to run, and after the table it reads is replaced', async () => {
    const dataSource = await open();
    await expect(dataSource.query(`SELEC id FROM "${schemaName}".t WHERE id = $1`, [1])).rejects.toThrow(/syntax error/);
    await expect(dataSource.query(`INSERT INTO "${schemaName}".t (id, v) VALUES ($1, $2)`, [1, 'again'])).rejects.toThrow(/duplicate key/);
    expect(await dataSource.query(`SELECT v FROM "${schemaName}".t WHERE id = $1`, [1])).toEqual([{ v: 'one' }]);
    // Both pooled connections prepared the read; the table is dropped and made again with other columns.
    await Promise.all([1, 2].map(() => dataSource.transaction((m) => m.query(`SELECT v FROM "${schemaName}".t WHERE id = $1`, [1]))));
    await dataSource.query(`DROP TABLE "${schemaName}".t`);
    await dataSource.query(`CREATE TABLE "${schemaName}".t (extra int, id int PRIMARY KEY, v text)`);
    await dataSource.query(`INSERT INTO "${schemaName}".t (extra, id, v) VALUES ($1, $2, $3)`, [0, 1, 'new']);
    const reads = await Promise.all([1, 2].map(() => dataSource.transaction((m) => m.query(`SELECT v FROM "${schemaName}".t WHERE id = $1`, [1]))));
    expect(reads).toEqual([[{ v: 'new' }], [{ v: 'new' }]]);
  });
});
