import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { combineStatements, queryTogether } from './combined-statement';
import { createDataSource } from './data-source';

describe('combined statements against Postgres', () => {
  // Its own schema (libs/testing depends on this lib, so it is not used here).
  const schemaName = `it_${randomUUID().slice(0, 8)}_combined`;
  const s = `"${schemaName}"`;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger', schema: schemaName, migrations: [], applicationName: 'combined-int-spec', poolSize: 4 });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA ${s}`);
    await dataSource.query(`CREATE TABLE ${s}.inbox (event_id uuid PRIMARY KEY)`);
    await dataSource.query(`CREATE TABLE ${s}.jobs (id text PRIMARY KEY, state jsonb NOT NULL, n int NOT NULL, at timestamptz NOT NULL)`);
    await dataSource.query(`CREATE TABLE ${s}.log (id bigserial PRIMARY KEY, line text NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await dataSource.destroy();
  });

  it('writes to several tables in one statement, together or not at all', async () => {
    const write = (id: string, lines: string[]) =>
      combineStatements([
        { sql: `INSERT INTO ${s}.jobs (id, state, n, at) VALUES ($1, $2::jsonb, $3, now())`, params: [id, '{"status":"Queued"}', 1] },
        { sql: `INSERT INTO ${s}.log (line) SELECT * FROM unnest($1::text[])`, params: [lines] },
      ]);
    const first = write('job-1', ['a', 'b']);
    await dataSource.query(first.sql, first.params);
    const again = write('job-1', ['c']); // the job's row is there: the whole statement fails
    await expect(dataSource.query(again.sql, again.params)).rejects.toThrow(/duplicate key/);
    expect(await dataSource.query(`SELECT line FROM ${s}.log ORDER BY id`)).toEqual([{ line: 'a' }, { line: 'b' }]);
  });

  it('claims events and reads locked rows in one round trip, each statement with its own rows', async () => {
    await dataSource.query(`INSERT INTO ${s}.jobs (id, state, n, at) VALUES ('job-2', '{"status":"Running","tags":["x"]}', 7, '2026-11-21T10:00:00Z')`);
    const seen = randomUUID();
    await dataSource.query(`INSERT INTO ${s}.inbox (event_id) VALUES ($1)`, [seen]);
    const fresh = randomUUID();
    const parts = await dataSource.transaction((manager) =>
      queryTogether(manager, [
        { sql: `INSERT INTO ${s}.inbox (event_id) SELECT DISTINCT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id::text AS id`, params: [[seen, fresh, fresh]] },
        { sql: `SELECT id, state, n, at FROM ${s}.jobs WHERE id = ANY($1::text[]) FOR UPDATE`, params: [['job-2', 'job-404']] },
        { sql: `SELECT id FROM ${s}.jobs WHERE id = $1`, params: ['job-404'] },
      ]),
    );
    expect(parts).toEqual([[{ id: fresh }], [{ id: 'job-2', state: { status: 'Running', tags: ['x'] }, n: 7, at: '2026-11-21T10:00:00+00:00' }], []]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${s}.inbox`)).toEqual([{ n: 2 }]);
  });

  it('locks the rows it reads with FOR UPDATE until the transaction ends', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = dataSource.transaction(async (manager) => {
      await queryTogether(manager, [{ sql: `SELECT id FROM ${s}.jobs WHERE id = $1 FOR UPDATE`, params: ['job-2'] }]);
      locked();
      await held;
    });
    await isLocked;
    let updated = false;
    const writer = dataSource.query(`UPDATE ${s}.jobs SET n = n + 1 WHERE id = $1`, ['job-2']).then(() => (updated = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(updated).toBe(false);
    release();
    await Promise.all([holder, writer]);
    expect(updated).toBe(true);
  });
});
