import type { EntityManager } from 'typeorm';
import { queryTogether } from '@jobledger/platform';
import type { SqlStatement } from '@jobledger/platform';
import { activeJobsStatement, freeWorkersStatement } from './active-jobs';
import { overdueJobsStatement } from './fair-share';
import type { OverdueJob } from './fair-share';
import { orphanedJobsStatement } from './lost-workers';
import type { OrphanedJob } from './lost-workers';
import type { FreeWorker } from './pick-worker';
import type { WaitingJob } from './plan-dispatch';

/** What a dispatch round decides from. */
export interface RoundState {
  workers: FreeWorker[];
  /** In the order they are offered a slot: round robin across accounts (each account's best first), then priority, then age. */
  waiting: WaitingJob[];
  overdue: OverdueJob[];
  orphaned: OrphanedJob[];
  /** Active jobs per account. */
  active: Map<string, number>;
}

export interface RoundOptions {
  workerTimeoutMs: number;
  /** At most this many waiting, overdue and orphaned jobs. */
  limit: number;
  /** Look for the jobs of lost workers (only once the scheduler has heard every live worker). */
  orphans: boolean;
}

/**
 * Reads everything a round decides from in one round trip (one statement, so one snapshot). Run it
 * after the round took the dispatch lock, in a statement of its own: this read's snapshot then
 * holds every assignment the previous holder committed.
 */
export async function readRoundState(manager: EntityManager, schema: string, options: RoundOptions): Promise<RoundState> {
  const statements = [
    freeWorkersStatement(schema, options.workerTimeoutMs),
    waitingJobsStatement(schema, options.limit),
    overdueJobsStatement(schema, options.limit),
    activeJobsStatement(schema),
    ...(options.orphans ? [orphanedJobsStatement(schema, options.workerTimeoutMs, options.limit)] : []),
  ];
  const [workers, waiting, overdue, active, orphaned = []] = await queryTogether(manager, statements);
  return {
    workers: workers.map((r) => ({ workerId: r.worker_id as string, group: r.group_name as string, free: r.free as number })),
    // Rows of a WITH query come back in no promised order: the statement numbers them.
    waiting: waiting
      .sort((a, b) => (a.rank as number) - (b.rank as number))
      .map((r) => ({ account_id: r.account_id, job_id: r.job_id, run_on: r.run_on, wait_reason: r.wait_reason, status: r.status }) as WaitingJob),
    overdue: overdue as unknown as OverdueJob[],
    orphaned: orphaned as unknown as OrphanedJob[],
    active: new Map(active.map((r) => [r.account_id as string, r.active as number])),
  };
}

const WAITING = `status IN ('Queued', 'Resuming', 'RunningWaitingForResources')`;

/**
 * The first `limit` waiting jobs in the order they are offered a slot, numbered by `rank`: each
 * account's jobs take turns (its best first: priority, then age), and jobs of one turn go by
 * priority, then age. Reads the `jobs_waiting_by_account` index: the accounts with waiting jobs,
 * one probe each (a skip scan), and each one's first `limit` jobs — never the whole queue, however
 * long it is.
 */
export function waitingJobsStatement(schema: string, limit: number): SqlStatement {
  return {
    sql: `WITH RECURSIVE accounts(account_id) AS (
         (SELECT account_id FROM ${schema}.jobs WHERE ${WAITING} ORDER BY account_id LIMIT 1)
         UNION ALL
         SELECT (SELECT j.account_id FROM ${schema}.jobs j WHERE j.${WAITING} AND j.account_id > a.account_id ORDER BY j.account_id LIMIT 1)
           FROM accounts a WHERE a.account_id IS NOT NULL
       )
       SELECT account_id, job_id, run_on, wait_reason, status, row_number() OVER (ORDER BY turn, priority DESC, submitted_at) AS rank FROM (
         SELECT w.account_id, w.job_id, w.run_on, w.wait_reason, w.status, w.priority, w.submitted_at,
                row_number() OVER (PARTITION BY w.account_id ORDER BY w.priority DESC, w.submitted_at) AS turn
           FROM accounts a CROSS JOIN LATERAL (
             SELECT account_id, job_id, run_on, wait_reason, status, priority, submitted_at FROM ${schema}.jobs
              WHERE account_id = a.account_id AND ${WAITING} ORDER BY priority DESC, submitted_at LIMIT $1
           ) w
          WHERE a.account_id IS NOT NULL
       ) waiting ORDER BY turn, priority DESC, submitted_at LIMIT $1`,
    params: [limit],
  };
}
