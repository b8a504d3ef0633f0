import type { SqlStatement } from '@jobledger/platform';

/** The statuses in which a job holds a worker's slot; the `jobs_active` index covers exactly these. */
export const ACTIVE_STATUSES = `('Starting', 'Running', 'Suspending', 'Stopping')`;

/**
 * Live workers and their free slots (`worker_id, group_name, free`). Reads only active jobs (the
 * `jobs_active` index), however many finished jobs the table holds.
 */
export function freeWorkersStatement(schema: string, workerTimeoutMs: number): SqlStatement {
  return {
    sql: `SELECT w.worker_id, w.group_name, w.slots - COUNT(j.job_id)::int AS free
     FROM ${schema}.workers w LEFT JOIN ${schema}.jobs j ON j.worker = w.worker_id AND j.status IN ${ACTIVE_STATUSES}
     WHERE NOT w.stopped AND w.last_seen > now() - make_interval(secs => $1)
     GROUP BY w.worker_id, w.group_name, w.slots`,
    params: [workerTimeoutMs / 1000],
  };
}

/** Active jobs per account (`account_id, active`), for the account concurrency quota; reads only active jobs. */
export function activeJobsStatement(schema: string): SqlStatement {
  return { sql: `SELECT account_id, COUNT(*)::int AS active FROM ${schema}.jobs WHERE status IN ${ACTIVE_STATUSES} GROUP BY account_id`, params: [] };
}
