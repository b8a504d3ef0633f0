import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { createDataSource } from './data-source';
import { rowsByKey } from './rows-by-key';

describe('rowsByKey against Postgres', () => {
  // Its own schema (libs/testing depends on this lib, so it is not used here).
  const schemaName = `it_${randomUUID().slice(0, 8)}_bykey`;
  const table = `"${schemaName}".jobs`;
  let dataSource: DataSource;

  const lookup = (keys: [string, string][], forUpdate = false) =>
    rowsByKey({ table, key: [['account_id', 'text'], ['id', 'text']], keys, columns: 'account_id, id, n', forUpdate });

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger', schema: schemaName, migrations: [], applicationName: 'bykey-int-spec', poolSize: 3 });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA "${schemaName}"`);
    await dataSource.query(`CREATE TABLE ${table} (account_id text NOT NULL, id text NOT NULL, n int NOT NULL, PRIMARY KEY (account_id, id))`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
    await dataSource.destroy();
  });

  /** The plan nodes of a statement prepared on an empty table, planned once for all calls, and explained after the table grew. */
  async function planAfterGrowth(sql: string, types: string, args: string): Promise<string[]> {
    const runner: QueryRunner = dataSource.createQueryRunner();
    try {
      await runner.query(`CREATE TABLE "${schemaName}".grows (account_id text NOT NULL, id text NOT NULL, n int NOT NULL, PRIMARY KEY (account_id, id))`);
      await runner.query(`SET plan_cache_mode = force_generic_plan`);
      await runner.query(`PREPARE look(${types}) AS ${sql.replace(table, `"${schemaName}".grows`)}`);
      await runner.query(`EXECUTE look(${args})`); // the generic plan is made now, on an empty table
      await runner.query(`INSERT INTO "${schemaName}".grows SELECT 'acct', 'job-' || g, g FROM generate_series(1, 5000) g`);
      const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE look(${args})`);
      const nodes: string[] = [];
      const walk = (node: { 'Node Type': string; 'Relation Name'?: string; Plans?: unknown[] }) => {
        nodes.push(node['Relation Name'] ? `${node['Node Type']} on ${node['Relation Name']}` : node['Node Type']);
        (node.Plans ?? []).forEach((child) => walk(child as typeof node));
      };
      walk(plan[0].Plan);
      return nodes;
    } finally {
      await runner.query(`DEALLOCATE ALL`).catch(() => undefined);
      await runner.query(`DROP TABLE IF EXISTS "${schemaName}".grows`).catch(() => undefined);
      await runner.release();
    }
  }

  it.each([false, true])('keeps probing the index after the table it was planned on, empty, has grown (locking: %s)', async (forUpdate) => {
    const nodes = await planAfterGrowth(lookup([['acct', 'job-7']], forUpdate).sql, 'text[], text[]', `'{acct}', '{job-7}'`);
    expect(nodes).toContain('Index Scan on grows');
    expect(nodes.filter((node) => node.startsWith('Seq Scan'))).toEqual([]);
  });

  it('(the trap it avoids: the same lookup written as IN over unnest scans the whole grown table)', async () => {
    const naive = `SELECT account_id, id, n FROM ${table} WHERE (account_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) FOR UPDATE`;
    expect(await planAfterGrowth(naive, 'text[], text[]', `'{acct}', '{job-7}'`)).toContain('Seq Scan on grows');
  });

  it('finds each key once, ignores missing ones, and takes any text as a key', async () => {
    await dataSource.query(`INSERT INTO ${table} VALUES ('a', 'x', 1), ('a', 'y "quoted", {braced}', 2), ('b', 'x', 3)`);
    const { sql, params } = lookup([['b', 'x'], ['a', 'y "quoted", {braced}'], ['b', 'x'], ['a', 'missing'], ['c', 'x']]);
    expect(await dataSource.query(sql, params)).toEqual([
      { account_id: 'a', id: 'y "quoted", {braced}', n: 2 },
      { account_id: 'b', id: 'x', n: 3 },
    ]);
    const none = lookup([]);
    expect(await dataSource.query(none.sql, none.params)).toEqual([]);
  });

  it('locks the rows it finds for the transaction when asked, and only those', async () => {
    await dataSource.query(`INSERT INTO ${table} VALUES ('lock', 'one', 1), ('lock', 'two', 2) ON CONFLICT DO NOTHING`);
    const tryLock = (id: string) => dataSource.query(`SELECT id FROM ${table} WHERE account_id = 'lock' AND id = $1 FOR UPDATE NOWAIT`, [id]);
    await dataSource.transaction(async (manager) => {
      const { sql, params } = lookup([['lock', 'one']], true);
      expect(await manager.query(sql, params)).toEqual([{ account_id: 'lock', id: 'one', n: 1 }]);
      await expect(tryLock('one')).rejects.toThrow(/could not obtain lock/);
      await expect(tryLock('two')).resolves.toEqual([{ id: 'two' }]);
    });
    await dataSource.transaction(async (manager) => {
      const { sql, params } = lookup([['lock', 'one']]);
      await manager.query(sql, params);
      await expect(tryLock('one')).resolves.toEqual([{ id: 'one' }]);
    });
  });
});
