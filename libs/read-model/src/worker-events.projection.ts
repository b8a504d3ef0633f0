import type { EntityManager } from 'typeorm';
import type { AnyEnvelope, WorkerGroupConfiguredData, WorkerHeartbeatData } from '@jobledger/events';

/**
 * SQL for the `workers` table `projectWorkerEvent` writes to, in every schema that projects
 * workers (scheduling, query). Published migrations call it: change the table with a new
 * migration, never here.
 */
export function createWorkersTableSql(quotedSchema: string): string {
  return `CREATE TABLE ${quotedSchema}.workers (
      worker_id text PRIMARY KEY,
      group_name text NOT NULL,
      slots integer NOT NULL,
      running jsonb NOT NULL,
      started_at timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      stopped boolean NOT NULL DEFAULT false
    )`;
}

/** SQL for the `worker_groups` table `projectWorkerEvent` writes to. */
export function createWorkerGroupsTableSql(quotedSchema: string): string {
  return `CREATE TABLE ${quotedSchema}.worker_groups (
      name text PRIMARY KEY,
      fair_share_seconds integer NOT NULL,
      rate_per_cpu_second double precision NOT NULL,
      cancel_while_running boolean NOT NULL,
      configured_at timestamptz NOT NULL
    )`;
}

/**
 * Applies a worker event to a schema's `workers` and `worker_groups` tables. Order-tolerant and
 * idempotent: a heartbeat or group setting older than the one recorded changes nothing.
 */
export async function projectWorkerEvent(manager: EntityManager, schema: string, envelope: AnyEnvelope): Promise<void> {
  if (envelope.type === 'WorkerHeartbeat') {
    const d = envelope.data as WorkerHeartbeatData;
    await manager.query(
      `INSERT INTO ${schema}.workers (worker_id, group_name, slots, running, started_at, last_seen, stopped)
       VALUES ($1, $2, $3, $4, $5, $6, false)
       ON CONFLICT (worker_id) DO UPDATE SET group_name = EXCLUDED.group_name, slots = EXCLUDED.slots, running = EXCLUDED.running,
         started_at = EXCLUDED.started_at, last_seen = EXCLUDED.last_seen, stopped = false
       WHERE ${schema}.workers.last_seen <= EXCLUDED.last_seen`,
      [d.workerId, d.group, d.slots, JSON.stringify(d.running), d.startedAt, d.at],
    );
  } else if (envelope.type === 'WorkerGroupConfigured') {
    const d = envelope.data as WorkerGroupConfiguredData;
    await manager.query(
      `INSERT INTO ${schema}.worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, configured_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET fair_share_seconds = EXCLUDED.fair_share_seconds, rate_per_cpu_second = EXCLUDED.rate_per_cpu_second,
         cancel_while_running = EXCLUDED.cancel_while_running, configured_at = EXCLUDED.configured_at
       WHERE ${schema}.worker_groups.configured_at <= EXCLUDED.configured_at`,
      [d.name, d.fairShareSeconds, d.ratePerCpuSecond, d.cancelWhileRunning, d.at],
    );
  } else if (envelope.type === 'WorkerStopped') {
    const d = envelope.data as { workerId: string; at: string };
    await manager.query(`UPDATE ${schema}.workers SET stopped = true WHERE worker_id = $1 AND last_seen <= $2`, [d.workerId, d.at]);
  }
}

export const WORKER_EVENT_TYPES: ReadonlySet<string> = new Set(['WorkerHeartbeat', 'WorkerGroupConfigured', 'WorkerStopped']);
