import type { EntityManager } from 'typeorm';
import type { JobStatus } from '@jobledger/domain';
import type { AnyEnvelope } from '@jobledger/events';

/**
 * Records one lifecycle event on the job's timeline (with its actor), and — when it moved the
 * job to another status — a status entry for the dashboard. Keyed by event id: idempotent.
 */
export async function recordTimeline(
  manager: EntityManager,
  schema: string,
  envelope: AnyEnvelope,
  runbook: string,
  before: JobStatus | null,
  after: JobStatus,
): Promise<void> {
  await manager.query(
    `INSERT INTO ${schema}.job_history (event_id, account_id, job_id, time, type, status, actor, correlation_id, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [envelope.id, envelope.accountId, envelope.jobId, envelope.occurredAt, envelope.type, after, JSON.stringify(envelope.actor), envelope.correlationId, JSON.stringify(envelope.data)],
  );
  if (before === after) return;
  await manager.query(
    `INSERT INTO ${schema}.status_entries (event_id, account_id, runbook, status, entered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [envelope.id, envelope.accountId, runbook, after, envelope.occurredAt],
  );
}

/**
 * A removed job leaves the read models: its timeline and records go with it (the log keeps
 * them), and a tombstone keeps out output that arrives later on its own topic.
 */
export async function forgetJob(manager: EntityManager, schema: string, accountId: string, jobId: string): Promise<void> {
  await manager.query(`INSERT INTO ${schema}.removed_jobs (account_id, job_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [accountId, jobId]);
  for (const table of ['jobs', 'job_output', 'job_history']) {
    const column = table === 'jobs' ? 'id' : 'job_id';
    await manager.query(`DELETE FROM ${schema}.${table} WHERE account_id = $1 AND ${column} = $2`, [accountId, jobId]);
  }
}
