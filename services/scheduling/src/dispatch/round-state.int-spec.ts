import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { waitingJobsStatement } from './round-state';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Every node of an `EXPLAIN (FORMAT JSON)` plan. */
function planNodes(explained: [{ Plan: PlanNode }]): PlanNode[] {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    (node.Plans ?? []).forEach(walk);
  };
  walk(explained[0].Plan);
  return nodes;
}

describe('the waiting jobs a dispatch round reads, against Postgres', () => {
  const config = testPlatformConfig('scheduling');
  const context = { actor: { kind: 'service' as const, id: 'test' }, correlationId: 'c', causationId: 'c' };
  let db: IsolatedDatabase;
  let handler: JobCommandHandler;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    handler = new JobCommandHandler(db.dataSource, config);
    await handler.run('busy', 'template', { type: 'SubmitJob', data: { ...submitted('template').data, accountId: 'busy' } as never }, { context });
    // busy: 10,000 queued jobs of priority 0, oldest first by number, and one of priority 5; quiet: two; idle: only finished jobs.
    const insert = (count: number, account: string, id: string, status: string, priority: number, age: string) =>
      db.dataSource.query(
        `INSERT INTO ${handler.schema}.jobs (account_id, job_id, status, run_on, priority, submitted_at, worker, state, view)
         SELECT '${account}', ${id}, '${status}', NULL, ${priority}, now() - interval '1 hour' + ${age}, NULL, t.state, t.view
         FROM generate_series(1, ${count}) g, (SELECT state, view FROM ${handler.schema}.jobs WHERE job_id = 'template') t`,
      );
    await insert(10_000, 'busy', `'bulk-' || g`, 'Queued', 0, `g * interval '1 ms'`);
    await insert(1, 'busy', `'urgent'`, 'Queued', 5, `interval '9 s'`);
    await insert(2, 'quiet', `'q-' || g`, 'Queued', 0, `g * interval '1 s'`);
    await insert(50, 'idle', `'done-' || g`, 'Completed', 0, `g * interval '1 ms'`);
    await db.dataSource.query(`DELETE FROM ${handler.schema}.jobs WHERE job_id = 'template'`);
    await db.dataSource.query(`ANALYZE ${handler.schema}.jobs`);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('offers slots round robin across accounts — each account best first: priority, then age — and jobs of one turn by priority, then age', async () => {
    const { sql, params } = waitingJobsStatement(handler.schema, 6);
    const rows: { account_id: string; job_id: string; rank: string }[] = await db.dataSource.query(sql, params);
    expect(rows.sort((a, b) => Number(a.rank) - Number(b.rank)).map((r) => `${r.account_id}/${r.job_id}`)).toEqual([
      'busy/urgent', // turn 1: priority 5 before quiet's 0
      'quiet/q-1',
      'busy/bulk-1', // turn 2: both priority 0; busy's bulk-1 is the older
      'quiet/q-2',
      'busy/bulk-2', // quiet has no more
      'busy/bulk-3',
    ]);
  });

  it('reads a bounded number of index entries, not the whole queue of 10,000', async () => {
    const { sql, params } = waitingJobsStatement(handler.schema, 200);
    const [{ 'QUERY PLAN': plan }] = await db.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    const rowsFromJobs = planNodes(plan)
      .filter((node) => node['Relation Name'] === 'jobs')
      .reduce((rows, node) => rows + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0), 0);
    // Three accounts with waiting jobs found (and the end), and at most 200 jobs of each.
    expect(rowsFromJobs).toBeGreaterThanOrEqual(200);
    expect(rowsFromJobs).toBeLessThan(500);
  });

  it('keeps to the index when its plan was made while the table was empty (a prepared statement keeps its plan)', async () => {
    const runner = db.dataSource.createQueryRunner();
    const fresh = `${handler.schema}.fresh_jobs`;
    try {
      await runner.query(`CREATE TABLE ${fresh} (LIKE ${handler.schema}.jobs INCLUDING ALL)`);
      await runner.query(`SET plan_cache_mode = force_generic_plan`);
      const { sql } = waitingJobsStatement(handler.schema, 200);
      await runner.query(`PREPARE waiting(int) AS ${sql.split(`${handler.schema}.jobs`).join(fresh)}`);
      await runner.query(`EXECUTE waiting(200)`);
      await runner.query(`INSERT INTO ${fresh} SELECT * FROM ${handler.schema}.jobs`);
      const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE waiting(200)`);
      const scans = planNodes(plan).filter((node) => node['Relation Name']).map((node) => node['Node Type']);
      expect(scans.length).toBeGreaterThan(0);
      expect(scans.filter((type) => !type.startsWith('Index'))).toEqual([]);
    } finally {
      await runner.query(`DEALLOCATE ALL`).catch(() => undefined);
      await runner.query(`DROP TABLE IF EXISTS ${fresh}`).catch(() => undefined);
      await runner.release();
    }
  });
});
