import type { SqlStatement } from '@jobledger/platform';
import { ACTIVE_STATUSES } from './active-jobs';

export interface OrphanedJob {
  account_id: string;
  job_id: string;
  worker: string;
}

/**
 * Jobs held by a worker that stopped, or whose last heartbeat is older than the worker
 * timeout: the dispatcher releases them, to resume elsewhere from their last checkpoint.
 */
export function orphanedJobsStatement(schema: string, workerTimeoutMs: number, limit: number): SqlStatement {
  return {
    sql: `SELECT j.account_id, j.job_id, j.worker
     FROM ${schema}.jobs j LEFT JOIN ${schema}.workers w ON w.worker_id = j.worker
     WHERE j.status IN ${ACTIVE_STATUSES} AND j.worker IS NOT NULL
       AND (w.worker_id IS NULL OR w.stopped OR w.last_seen < now() - make_interval(secs => $1))
     LIMIT $2`,
    params: [workerTimeoutMs / 1000, limit],
  };
}
