import { isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { createDataSource, quoteIdent, runMigrations } from '@jobledger/platform';
import type { DataSource } from 'typeorm';
import { READ_MODEL_MIGRATIONS } from './index';
import { OneIndexPerTimeline1732600000000 } from './1732600000000-one-index-per-timeline';

const view = { id: 'j-1', status: 'Completed', runbook: 'nightly', parameters: { deep: [1, { a: 'x' }] } };
const state = { status: 'Completed', attempt: 1, revision: 4 };
const eventId = '6a1f4c3e-2b7d-4e8a-9c0f-1d2e3f4a5b6c';

/** The upgrade of a read model that already holds a job: nothing is lost either way, and each table ends with the keys the migration says. */
describe('OneIndexPerTimeline migration', () => {
  const config = testPlatformConfig('query');
  let before: IsolatedDatabase;
  let after: DataSource;
  let s: string;

  const keyColumns = async (constraint: string) =>
    (
      await before.dataSource.query(
        `SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE n.nspname = $1 AND c.relname = $2 ORDER BY k.ord`,
        [before.schema, constraint],
      )
    ).map((r: { attname: string }) => r.attname);
  const indexes = async (table: string) =>
    (await before.dataSource.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, [before.schema, table])).map(
      (r: { indexname: string }) => r.indexname,
    );
  const columnType = async (table: string, column: string) =>
    (await before.dataSource.query(`SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`, [before.schema, table, column]))[0]
      .data_type;
  const rows = async () => ({
    jobs: await before.dataSource.query(`SELECT id, view::text::jsonb AS view, state::text::jsonb AS state, status FROM ${s}.jobs`),
    history: await before.dataSource.query(`SELECT event_id, job_id, type FROM ${s}.job_history`),
    status: await before.dataSource.query(`SELECT event_id, status, entered_at FROM ${s}.status_entries`),
  });

  beforeAll(async () => {
    const migrations = READ_MODEL_MIGRATIONS;
    expect(migrations.at(-1)).toBe(OneIndexPerTimeline1732600000000);
    before = await isolatedDatabase(config, migrations.slice(0, -1));
    s = quoteIdent(before.schema);
    await before.dataSource.query(
      `INSERT INTO ${s}.jobs (account_id, id, view, state, status, runbook, last_modified_at, created_at, event_count, log_sha256)
       VALUES ('acct-a', 'j-1', $1, $2, 'Completed', 'nightly', now(), now(), 1, NULL)`,
      [JSON.stringify(view), JSON.stringify(state)],
    );
    await before.dataSource.query(
      `INSERT INTO ${s}.job_history (event_id, account_id, job_id, time, type, status, actor, correlation_id, data)
       VALUES ($1, 'acct-a', 'j-1', '2026-11-21T10:00:00Z', 'JobCompleted', 'Completed', '{"kind":"service","id":"s"}', 'c-1', '{"at":"x"}')`,
      [eventId],
    );
    await before.dataSource.query(`INSERT INTO ${s}.status_entries (event_id, account_id, runbook, status, entered_at) VALUES ($1, 'acct-a', 'nightly', 'Completed', '2026-11-21T10:00:00Z')`, [
      eventId,
    ]);
    after = createDataSource({ url: config.databaseUrl, schema: before.schema, migrations, applicationName: 'jobledger-int-test', poolSize: 1 });
    await after.initialize();
  });

  afterAll(async () => {
    await after.destroy();
    await before.drop();
  });

  it('keeps every row, gives the timeline and the status entries one index each, and stores a job as json; undone, the old shape with the same rows', async () => {
    const held = await rows();
    expect(held.jobs).toEqual([{ id: 'j-1', view, state, status: 'Completed' }]);

    await runMigrations(after);
    expect(await rows()).toEqual(held);
    expect(await keyColumns('job_history_pkey')).toEqual(['account_id', 'job_id', 'event_id']);
    expect(await indexes('job_history')).toEqual(['job_history_pkey']);
    expect(await keyColumns('status_entries_pkey')).toEqual(['account_id', 'entered_at', 'event_id']);
    expect(await indexes('status_entries')).toEqual(['status_entries_pkey']);
    expect([await columnType('jobs', 'view'), await columnType('jobs', 'state')]).toEqual(['json', 'json']);

    await after.undoLastMigration({ transaction: 'each' });
    expect(await rows()).toEqual(held);
    expect(await keyColumns('job_history_pkey')).toEqual(['event_id']);
    expect(await indexes('job_history')).toEqual(['job_history_by_job', 'job_history_pkey']);
    expect(await keyColumns('status_entries_pkey')).toEqual(['event_id']);
    expect(await indexes('status_entries')).toEqual(['status_entries_by_time', 'status_entries_pkey']);
    expect([await columnType('jobs', 'view'), await columnType('jobs', 'state')]).toEqual(['jsonb', 'jsonb']);
  });
});
