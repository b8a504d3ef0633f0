import type { EntityManager } from 'typeorm';
import type { FreeWorker } from './pick-worker';

/** The statuses in which a job holds a worker's slot; the `jobs_active` index covers exactly these. */
export const ACTIVE_STATUSES = `('Starting', 'Running', 'Suspending', 'Stopping')`;

/**
 * Live workers and their free slots. Reads only active jobs (the `jobs_active` index), however
 * many finished jobs the table holds.
 */
export async function findFreeWorkers(manager: EntityManager, schema: string, workerTimeoutMs: number): Promise<FreeWorker[]> {
  const rows: { worker_id: string; group_name: string; free: number }[] = await manager.query(
    `SELECT w.worker_id, w.group_name, w.slots - COUNT(j.job_id)::int AS free
     FROM ${schema}.workers w LEFT JOIN ${schema}.jobs j ON j.worker = w.worker_id AND j.status IN ${ACTIVE_STATUSES}
     WHERE NOT w.stopped AND w.last_seen > now() - make_interval(secs => $1)
     GROUP BY w.worker_id, w.group_name, w.slots`,
    [workerTimeoutMs / 1000],
  );
  return rows.map((r) => ({ workerId: r.worker_id, group: r.group_name, free: r.free }));
}

/** Active jobs per account, for the account concurrency quota; reads only active jobs. */
export async function countActiveJobs(manager: EntityManager, schema: string): Promise<Map<string, number>> {
  const rows: { account_id: string; active: number }[] = await manager.query(
    `SELECT account_id, COUNT(*)::int AS active FROM ${schema}.jobs WHERE status IN ${ACTIVE_STATUSES} GROUP BY account_id`,
  );
  return new Map(rows.map((r) => [r.account_id, r.active]));
}
