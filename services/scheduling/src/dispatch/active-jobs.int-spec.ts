import { isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import type { EntityManager } from 'typeorm';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { readRoundState } from './round-state';

const FINISHED = 20_000;

describe('a dispatch round against a table of many finished jobs', () => {
  const config = testPlatformConfig('scheduling');
  let db: IsolatedDatabase;
  let schema: string;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    schema = new JobCommandHandler(db.dataSource, config).schema;
    await db.dataSource.query(
      `INSERT INTO ${schema}.workers (worker_id, group_name, slots, running, started_at, last_seen, stopped) VALUES
       ('w1', 'default', 4, '[]', now(), now(), false), ('w2', 'default', 2, '[]', now(), now(), false)`,
    );
    // Finished jobs of both workers, and three that hold slots now.
    await db.dataSource.query(
      `INSERT INTO ${schema}.jobs (account_id, job_id, status, priority, submitted_at, worker, state)
       SELECT account_id, job_id, status, priority, submitted_at, worker, state::jsonb FROM (
       SELECT 'acct-' || (n % 7), 'done-' || n, 'Completed', 0, now(), 'w' || (1 + n % 2), '{}' FROM generate_series(1, $1) AS n
       UNION ALL VALUES ('acct-a', 'running-1', 'Running', 0, now(), 'w1', '{}'), ('acct-a', 'starting-1', 'Starting', 0, now(), 'w1', '{}'),
                        ('acct-b', 'stopping-1', 'Stopping', 0, now(), 'w2', '{}')
       ) AS j(account_id, job_id, status, priority, submitted_at, worker, state)`,
      [FINISHED],
    );
    await db.dataSource.query(`ANALYZE ${schema}.jobs`);
  });

  afterAll(() => db.drop());

  /**
   * What the statements read of the jobs table: this connection's counters not yet flushed to the
   * shared statistics, after minus before, in one transaction.
   */
  async function readsOfJobs(run: (manager: EntityManager) => Promise<unknown>): Promise<{ seqScans: number; rowsRead: number }> {
    return db.dataSource.transaction(async (manager) => {
      const counters = async (): Promise<{ seq_scan: number; rows: number }> =>
        (
          await manager.query(
            `SELECT seq_scan::int, (seq_tup_read + COALESCE(idx_tup_fetch, 0))::int AS rows FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND relname = 'jobs'`,
            [schema.replace(/"/g, '')],
          )
        )[0];
      const before = await counters();
      await run(manager);
      const after = await counters();
      return { seqScans: after.seq_scan - before.seq_scan, rowsRead: after.rows - before.rows };
    });
  }

  it('counts free slots per worker and active jobs per account right', async () => {
    await db.dataSource.transaction(async (manager) => {
      const { workers, active } = await readRoundState(manager, schema, { workerTimeoutMs: 10_000, limit: 200, orphans: true });
      expect(workers.map((w) => `${w.workerId}:${w.free}`).sort()).toEqual(['w1:2', 'w2:1']);
      expect(Object.fromEntries(active)).toEqual({ 'acct-a': 2, 'acct-b': 1 });
    });
  });

  it('reads only the active and waiting jobs, not the finished ones, to count slots, quotas and orphans and rank the queue', async () => {
    const reads = await readsOfJobs((manager) => readRoundState(manager, schema, { workerTimeoutMs: 10_000, limit: 200, orphans: true }));
    expect(reads.seqScans).toBe(0);
    expect(reads.rowsRead).toBeLessThan(100);
  });
});
