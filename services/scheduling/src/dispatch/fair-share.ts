import { WORKER_GROUP_DEFAULTS } from '@jobledger/events';
import type { SqlStatement } from '@jobledger/platform';

export interface OverdueJob {
  account_id: string;
  job_id: string;
}

/**
 * Jobs that have run continuously for their worker group's `fairShareSeconds` (groups with 0
 * are exempt, like hybrid workers): the dispatcher unloads them, to resume from their last
 * checkpoint when a slot is free. Longest running first.
 */
export function overdueJobsStatement(schema: string, limit: number): SqlStatement {
  return {
    sql: `SELECT j.account_id, j.job_id
     FROM ${schema}.jobs j LEFT JOIN ${schema}.worker_groups g ON g.name = j.state->>'workerGroup'
     WHERE j.status = 'Running' AND COALESCE(g.fair_share_seconds, $1) > 0
       AND j.running_since < now() - make_interval(secs => COALESCE(g.fair_share_seconds, $1))
     ORDER BY j.running_since LIMIT $2`,
    params: [WORKER_GROUP_DEFAULTS.fairShareSeconds, limit],
  };
}
